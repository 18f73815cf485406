//! Every change to a project is committed in the same transaction as its audit entry: with the audit log made to
//! refuse every new entry (a trigger, as a full disk or a damaged log would), each kind of change fails and
//! leaves every other table exactly as it was, never a change without its entry.

use std::sync::Arc;

use handover_model::{
    CredentialRef, CredentialState, DeviceId, DeviceIdentity, DeviceLabel, DiscoveryMethod,
    FindingStatus, FixedClock, Plan, Severity, Site,
};
use handover_store::devices::Sighting;
use handover_store::findings::NewFinding;
use handover_store::{Actor, Project};
use time::macros::datetime;

/// One kind of change, made on the project: true when it failed.
type Change = Box<dyn Fn(&mut Project) -> bool>;

fn sighting(mac: &str, addr: &str) -> Sighting {
    Sighting {
        identity: DeviceIdentity {
            endpoint_ref: Some(format!("urn:uuid:{mac}")),
            mac: Some(mac.parse().unwrap()),
            serial: None,
        },
        address: Some(addr.parse().unwrap()),
        method: Some(DiscoveryMethod::WsDiscovery),
        ..Sighting::default()
    }
}

fn finding(device: DeviceId, check: &str) -> NewFinding {
    NewFinding {
        device,
        check: check.into(),
        severity: Severity::Medium,
        title: format!("{check} on {device}"),
        evidence: String::new(),
        clauses: Vec::new(),
    }
}

/// Every row of every table but the audit log, in a stable order: what a change would show up in.
fn snapshot(p: &Project) -> Vec<String> {
    let conn = p.conn();
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'audit' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut rows = Vec::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut table: Vec<String> = stmt
            .query_map([], |r| {
                let cells: Vec<String> = (0..n)
                    .map(|i| match r.get_ref(i).unwrap() {
                        rusqlite::types::ValueRef::Text(t) => {
                            String::from_utf8_lossy(t).into_owned()
                        }
                        other => format!("{other:?}"),
                    })
                    .collect();
                Ok(format!("{t}: {}", cells.join(" | ")))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        table.sort();
        rows.extend(table);
    }
    rows
}

#[test]
fn no_change_is_committed_without_its_audit_entry() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock(datetime!(2026-11-22 10:00 UTC)));
    let mut p = Project::create(&dir.path().join("a.handover"), &Site::default(), clock).unwrap();
    let a = Actor("Ana".into());
    let plan = Plan::from_csv(include_bytes!("../../../assets/demo/plan.csv")).unwrap();
    p.import_plan(&plan, "plan.csv", &a).unwrap();
    let (device, _) = p
        .record_sighting(sighting("00:11:22:33:44:01", "10.20.0.11"), &a)
        .unwrap();
    let open = p
        .raise_finding(&finding(device.id, "time.skew"), &a)
        .unwrap();
    let before_entries = p.audit_entries(0, 10_000).unwrap().len();

    p.conn()
        .execute_batch(
            "CREATE TEMP TRIGGER refuse_audit BEFORE INSERT ON main.audit
             BEGIN SELECT RAISE(ABORT, 'the audit log refuses this entry'); END;",
        )
        .unwrap();
    let before = snapshot(&p);
    assert!(before.len() > 5, "{before:#?}");

    let changes: Vec<(&str, Change)> = vec![
        (
            "import_plan",
            Box::new(|p: &mut Project| {
                let mut other =
                    Plan::from_csv(include_bytes!("../../../assets/demo/plan.csv")).unwrap();
                other.vlans.pop();
                p.import_plan(&other, "other.csv", &Actor("Ana".into()))
                    .is_err()
            }),
        ),
        (
            "record_sighting (a new device)",
            Box::new(|p: &mut Project| {
                p.record_sighting(
                    sighting("00:11:22:33:44:02", "10.20.0.12"),
                    &Actor("Ana".into()),
                )
                .is_err()
            }),
        ),
        (
            "label_devices",
            Box::new(move |p: &mut Project| {
                let label = DeviceLabel {
                    name: Some("Gate camera".into()),
                    location: Some("North gate".into()),
                };
                p.label_devices(&[(device.id, label)], "labels.csv", &Actor("Ana".into()))
                    .is_err()
            }),
        ),
        (
            "raise_finding",
            Box::new(move |p: &mut Project| {
                p.raise_finding(
                    &finding(device.id, "firmware.outdated"),
                    &Actor("Ana".into()),
                )
                .is_err()
            }),
        ),
        (
            "set_finding_status",
            Box::new(move |p: &mut Project| {
                p.set_finding_status(
                    open.id,
                    FindingStatus::Fixed,
                    "read back",
                    &Actor("Ana".into()),
                )
                .is_err()
            }),
        ),
        (
            "waive",
            Box::new(move |p: &mut Project| {
                p.waive(
                    open.id,
                    "accepted by the customer for now",
                    &Actor("Ana".into()),
                )
                .is_err()
            }),
        ),
        (
            "put_credential",
            Box::new(move |p: &mut Project| {
                let c = CredentialRef {
                    device: device.id,
                    username: "admin".into(),
                    state: CredentialState::Rotated,
                    matched_default: None,
                    rotated_at: None,
                    rotated_by: None,
                };
                p.put_credential(&c, "credential.rotate", &Actor("Ana".into()))
                    .is_err()
            }),
        ),
        (
            "set_firmware_folder",
            Box::new(|p: &mut Project| {
                p.set_firmware_folder("/media/usb/firmware", &Actor("Ana".into()))
                    .is_err()
            }),
        ),
        (
            "record",
            Box::new(|p: &mut Project| {
                p.record(
                    &Actor("Ana".into()),
                    "note",
                    "project",
                    serde_json::json!({}),
                )
                .is_err()
            }),
        ),
    ];
    for (what, change) in &changes {
        assert!(change(&mut p), "{what} succeeded without its audit entry");
        assert_eq!(snapshot(&p), before, "{what} left a change behind");
    }

    // The same changes go through once the log takes entries again, each with its entry.
    p.conn()
        .execute_batch("DROP TRIGGER temp.refuse_audit")
        .unwrap();
    for (what, change) in &changes {
        assert!(!change(&mut p), "{what} failed with the log working");
    }
    assert_ne!(snapshot(&p), before);
    assert!(p.audit_entries(0, 10_000).unwrap().len() >= before_entries + changes.len());
    assert!(p.audit_verify().unwrap().problem.is_none());
}
