//! A device is what it is, not where it is (issue #20): several devices behind one address stay several,
//! clones that report one MAC or serial stay two devices (and are found), a merge of two rows that are one
//! device moves every dependent row (login attempts, clashing findings and accounts included) with no
//! constraint error, and a schema-4 file with MACs keeps them through the migration.

use std::sync::Arc;

use handover_model::{
    CredentialRef, CredentialState, DeviceFacts, DeviceIdentity, DiscoveryMethod, FixedClock,
    Severity, Site,
};
use handover_store::devices::{Change, Sighting};
use handover_store::findings::NewFinding;
use handover_store::{Actor, LATEST_VERSION, Project};
use time::macros::datetime;

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock(datetime!(2026-11-22 10:00 UTC)))
}

fn project(dir: &std::path::Path) -> Project {
    let site = Site {
        name: "Clones".into(),
        ..Site::default()
    };
    Project::create(&dir.join("s.handover"), &site, clock()).unwrap()
}

fn seen(
    eref: Option<&str>,
    mac: Option<&str>,
    serial: Option<&str>,
    xaddr: Option<&str>,
) -> Sighting {
    let address = xaddr
        .map(|x| {
            let host = x
                .split("://")
                .nth(1)
                .unwrap()
                .split([':', '/'])
                .next()
                .unwrap();
            host.parse().unwrap()
        })
        .unwrap_or_else(|| "127.20.0.10".parse().unwrap());
    Sighting {
        identity: DeviceIdentity {
            endpoint_ref: eref.map(Into::into),
            mac: mac.map(|m| m.parse().unwrap()),
            serial: serial.map(Into::into),
        },
        address: Some(address),
        method: Some(DiscoveryMethod::Manual),
        facts: DeviceFacts {
            xaddr: xaddr.map(Into::into),
            ..DeviceFacts::default()
        },
        ..Sighting::default()
    }
}

/// Identification's sighting of a known device.
fn identified(dev: handover_model::DeviceId, mac: &str, serial: &str, xaddr: &str) -> Sighting {
    Sighting {
        device: Some(dev),
        method: None,
        ..seen(None, Some(mac), Some(serial), Some(xaddr))
    }
}

#[test]
fn devices_on_one_address_with_distinct_ports_stay_distinct() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = project(dir.path());
    let a = Actor::system();
    let mut ids = Vec::new();
    for port in 8080..8085 {
        let x = format!("http://127.20.0.90:{port}/onvif/device_service");
        let (d, change) = p
            .record_sighting(seen(None, None, None, Some(&x)), &a)
            .unwrap();
        assert_eq!(change, Change::New, "port {port}");
        ids.push(d.id);
    }
    // Added again: the same rows.
    let x = "http://127.20.0.90:8082/onvif/device_service";
    let (d, change) = p
        .record_sighting(seen(None, None, None, Some(x)), &a)
        .unwrap();
    assert_eq!((d.id, change), (ids[2], Change::Seen));
    // Identification that reads nothing identifying (a device guarding everything) stays with its own row.
    for (i, id) in ids.iter().enumerate() {
        let x = format!("http://127.20.0.90:{}/onvif/device_service", 8080 + i);
        let s = Sighting {
            device: Some(*id),
            ..seen(None, None, None, Some(&x))
        };
        assert_eq!(p.record_sighting(s, &a).unwrap().0.id, *id);
    }
    assert_eq!(p.devices().unwrap().len(), 5);
    // One of them announces itself over WS-Discovery on the same service: the same device, now with its
    // endpoint reference.
    let x = "http://127.20.0.90:8084/onvif/device_service";
    let (d, change) = p
        .record_sighting(seen(Some("urn:uuid:ch-4"), None, None, Some(x)), &a)
        .unwrap();
    assert_eq!((d.id, change), (ids[4], Change::Seen));
    assert_eq!(d.identity.endpoint_ref.as_deref(), Some("urn:uuid:ch-4"));
    // Another endpoint on another port of the address is another device.
    let x = "http://127.20.0.90:8090/onvif/device_service";
    let (d, change) = p
        .record_sighting(seen(Some("urn:uuid:ch-10"), None, None, Some(x)), &a)
        .unwrap();
    assert_eq!(change, Change::New, "{d:?}");
    assert_eq!(p.devices().unwrap().len(), 6);
    // The same endpoint on another port (HTTPS now, or a new port) is still that device.
    let x = "https://127.20.0.90:8447/onvif/device_service";
    let (again, change) = p
        .record_sighting(seen(Some("urn:uuid:ch-4"), None, None, Some(x)), &a)
        .unwrap();
    assert_eq!((again.id, change), (ids[4], Change::Seen));
    assert_eq!(p.devices().unwrap().len(), 6);
}

#[test]
fn clones_with_one_mac_or_serial_stay_two_devices_and_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = project(dir.path());
    let a = Actor::system();
    let (x1, x2, x3) = (
        "http://127.20.0.11:8080/onvif/device_service",
        "http://127.20.0.12:8080/onvif/device_service",
        "http://127.20.0.13:8080/onvif/device_service",
    );
    let (d1, _) = p
        .record_sighting(seen(Some("urn:uuid:1"), None, None, Some(x1)), &a)
        .unwrap();
    let (d2, _) = p
        .record_sighting(seen(Some("urn:uuid:2"), None, None, Some(x2)), &a)
        .unwrap();
    let (d3, _) = p
        .record_sighting(seen(Some("urn:uuid:3"), None, None, Some(x3)), &a)
        .unwrap();
    let mac = "00:40:8c:00:00:01";
    p.record_sighting(identified(d1.id, mac, "SN-1", x1), &a)
        .unwrap();
    let (two, _) = p
        .record_sighting(identified(d2.id, mac, "SN-2", x2), &a)
        .unwrap();
    let (three, _) = p
        .record_sighting(identified(d3.id, "00:40:8c:00:00:03", "SN-1", x3), &a)
        .unwrap();
    assert_eq!((two.id, three.id), (d2.id, d3.id));
    assert_eq!(p.devices().unwrap().len(), 3);
    assert_eq!(
        two.identity.mac.unwrap().to_string(),
        mac,
        "both keep the MAC they report"
    );
    let shared = |d| {
        let d = p.device(d).unwrap();
        handover_store::devices::sharing_identity(p.conn(), &d).unwrap()
    };
    assert_eq!(shared(d1.id), vec![(d2.id, "mac"), (d3.id, "serial")]);
    assert_eq!(shared(d2.id), vec![(d1.id, "mac")]);
    assert_eq!(shared(d3.id), vec![(d1.id, "serial")]);
}

#[test]
fn a_device_in_custody_is_not_merged_into_another_rows_identification() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = project(dir.path());
    let a = Actor::system();
    let (x1, x2) = (
        "http://127.20.0.11:8080/onvif/device_service",
        "http://127.20.0.12:8080/onvif/device_service",
    );
    let (d1, _) = p
        .record_sighting(seen(None, None, None, Some(x1)), &a)
        .unwrap();
    p.record_sighting(identified(d1.id, "00:40:8c:00:00:01", "SN-1", x1), &a)
        .unwrap();
    p.put_credential(
        &CredentialRef {
            device: d1.id,
            username: "admin".into(),
            state: CredentialState::Rotated,
            matched_default: None,
            rotated_at: None,
            rotated_by: None,
        },
        "credential.test",
        &a,
    )
    .unwrap();
    // Another host, added by hand, reads the same MAC and serial without any password: a claim, not a merge.
    let (d2, _) = p
        .record_sighting(seen(None, None, None, Some(x2)), &a)
        .unwrap();
    let (two, _) = p
        .record_sighting(identified(d2.id, "00:40:8c:00:00:01", "SN-1", x2), &a)
        .unwrap();
    assert_eq!(two.id, d2.id);
    assert_eq!(p.device(d1.id).unwrap().address.to_string(), "127.20.0.11");
    assert_eq!(p.devices().unwrap().len(), 2);
    assert_eq!(p.claims(true).unwrap().len(), 1);
}

#[test]
fn a_merge_moves_every_dependent_row_and_settles_clashes() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = project(dir.path());
    let a = Actor::system();
    let x = "http://127.20.0.11:8080/onvif/device_service";
    let (d1, _) = p
        .record_sighting(seen(Some("urn:uuid:A"), None, None, Some(x)), &a)
        .unwrap();
    // The same device added by hand before it was identified (at its address, with no port known).
    let mut manual = seen(None, Some("00:40:8c:00:00:01"), None, None);
    manual.address = Some("127.20.0.11".parse().unwrap());
    let (d2, _) = p.record_sighting(manual, &a).unwrap();
    assert_ne!(d1.id, d2.id);
    for d in [d1.id, d2.id] {
        p.record_attempt(d, "admin", "axis root/pass", "refused")
            .unwrap();
        p.raise_finding(
            &NewFinding {
                device: d,
                check: "firmware.outdated".into(),
                severity: Severity::Medium,
                title: format!("outdated on {d}"),
                evidence: String::new(),
                clauses: Vec::new(),
            },
            &a,
        )
        .unwrap();
    }
    let cred = |device, state, at| CredentialRef {
        device,
        username: "admin".into(),
        state,
        matched_default: None,
        rotated_at: at,
        rotated_by: None,
    };
    p.put_credential(
        &cred(d1.id, CredentialState::Unknown, None),
        "credential.test",
        &a,
    )
    .unwrap();
    p.put_credential(
        &cred(d2.id, CredentialState::FactoryDefault, None),
        "credential.test",
        &a,
    )
    .unwrap();
    let waived = p
        .findings()
        .unwrap()
        .into_iter()
        .find(|f| f.device == d2.id)
        .unwrap();
    p.waive(waived.id, "accepted", &a).unwrap();
    // Identification reads both keys from one device: the two rows are one, with no constraint error.
    let (merged, _) = p
        .record_sighting(
            seen(Some("urn:uuid:A"), Some("00:40:8c:00:00:01"), None, Some(x)),
            &a,
        )
        .unwrap();
    assert_eq!(merged.id, d1.id);
    assert_eq!(p.devices().unwrap().len(), 1);
    let attempts: i64 = p
        .conn()
        .query_row(
            "SELECT count(*) FROM login_attempts WHERE device_id = ?1",
            [d1.id.0],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(attempts, 2, "login attempts move with the merge");
    let findings = p.findings().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].device, d1.id);
    assert_eq!(
        findings[0].title,
        format!("outdated on {}", d2.id),
        "the waived one wins"
    );
    let creds = p.credentials().unwrap();
    assert_eq!(creds.len(), 1);
    assert_eq!(
        creds[0].state,
        CredentialState::FactoryDefault,
        "the held password wins"
    );
}

/// A schema-4 file with a device and its MAC opens at the latest version with the MAC kept, and a second
/// device may then report the same MAC.
#[test]
fn a_schema_4_file_keeps_its_macs_and_then_allows_clones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v4.handover");
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "application_id", 0x484F_5652)
        .unwrap();
    handover_store::apply_up_to(&mut conn, 4).unwrap();
    conn.execute_batch(
        "INSERT INTO meta VALUES (1, '6f1c9a7e-8d2b-4c55-9b1e-2a3f4d5e6f70', '2026-01-01T00:00:00Z', '0.0.1');
         INSERT INTO site VALUES (1, 'Old site', 'Old customer', '', 'Integrator', 'Tech');
         INSERT INTO devices (id, endpoint_ref, mac, serial, address, found_by, facts, first_seen, last_seen)
           VALUES (1, 'urn:uuid:old', '00:40:8c:00:00:01', 'SN-1', '127.20.0.11', '[]', '{}',
                   '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');",
    )
    .unwrap();
    drop(conn);
    let mut p = Project::open(&path, clock()).unwrap();
    assert_eq!(p.meta().schema_version, LATEST_VERSION);
    let old = p.devices().unwrap().remove(0);
    assert_eq!(old.identity.mac.unwrap().to_string(), "00:40:8c:00:00:01");
    let a = Actor::system();
    let x2 = "http://127.20.0.12:8080/onvif/device_service";
    let (d2, _) = p
        .record_sighting(seen(Some("urn:uuid:new"), None, None, Some(x2)), &a)
        .unwrap();
    p.record_sighting(identified(d2.id, "00:40:8c:00:00:01", "SN-2", x2), &a)
        .unwrap();
    assert_eq!(p.devices().unwrap().len(), 2);
}
