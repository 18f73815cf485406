//! Naming devices through the engine both front ends use: a typed rename, and a labels CSV whose every bad row
//! refuses the whole file (line named, nothing changed) while rows for devices not found yet are listed.

use handover_test_support::engine as common;

use handover_engine::ErrorCode;
use handover_engine::labels::Relabel;
use handover_model::{DeviceId, DeviceIdentity, DiscoveryMethod, MacAddr};
use handover_store::devices::Sighting;

/// Three devices: two share an address (an encoder's channels), one has a MAC and a serial.
fn project(dir: &std::path::Path) -> handover_engine::Session {
    let s = common::demo_project(dir, "labels");
    for (eref, mac, serial, addr) in [
        (
            "urn:uuid:a",
            Some("00:40:8c:00:00:01"),
            Some("SN-1"),
            "127.20.0.10",
        ),
        ("urn:uuid:b", None, None, "127.20.0.11"),
        ("urn:uuid:c", None, None, "127.20.0.11"),
    ] {
        s.record_sighting(Sighting {
            identity: DeviceIdentity {
                endpoint_ref: Some(eref.into()),
                mac: mac.map(|m| m.parse::<MacAddr>().unwrap()),
                serial: serial.map(Into::into),
            },
            address: Some(addr.parse().unwrap()),
            method: Some(DiscoveryMethod::WsDiscovery),
            facts: handover_model::DeviceFacts {
                scopes: vec![format!("onvif://www.onvif.org/name/{}", &eref[9..])],
                ..Default::default()
            },
            ..Sighting::default()
        })
        .unwrap();
    }
    s
}

fn names(s: &handover_engine::Session) -> Vec<(String, Option<String>)> {
    s.devices()
        .unwrap()
        .iter()
        .map(|d| (d.name(), d.location()))
        .collect()
}

fn import(
    s: &mut handover_engine::Session,
    dir: &std::path::Path,
    csv: &str,
) -> handover_engine::Result<handover_engine::labels::LabelImport> {
    let path = dir.join("labels.csv");
    std::fs::write(&path, csv).unwrap();
    s.import_labels_csv(&path)
}

#[test]
fn a_typed_name_wins_and_an_empty_one_gives_the_devices_own_back() {
    let dir = tempfile::tempdir().unwrap();
    let s = project(dir.path());
    let id = DeviceId(1);
    assert_eq!(s.device(id).unwrap().name(), "a", "its ONVIF name scope");
    let d = s
        .relabel_device(
            id,
            &Relabel {
                name: Some("  Gate 3 east ".into()),
                location: None,
            },
        )
        .unwrap();
    assert_eq!((d.name(), d.location()), ("Gate 3 east".into(), None));
    // Only the location: the name stays.
    let d = s
        .relabel_device(
            id,
            &Relabel {
                name: None,
                location: Some("Car park".into()),
            },
        )
        .unwrap();
    assert_eq!(
        (d.name(), d.location()),
        ("Gate 3 east".into(), Some("Car park".into()))
    );
    let err = s
        .relabel_device(
            id,
            &Relabel {
                name: Some("x\u{1b}]0;pwned\u{7}".into()),
                location: None,
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
    let err = s
        .relabel_device(DeviceId(99), &Relabel::default())
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound, "{err}");
    let d = s
        .relabel_device(
            id,
            &Relabel {
                name: Some(String::new()),
                location: None,
            },
        )
        .unwrap();
    assert_eq!(d.name(), "a");
}

#[test]
fn every_kind_of_bad_row_refuses_the_file_naming_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = project(dir.path());
    let before = names(&s);
    for (csv, says) in [
        ("name\nGate\n", "no device column"),
        (
            "mac,serial\n00:40:8c:00:00:01,SN-1\n",
            "neither a name nor a location",
        ),
        ("mac,name\nzz:zz,Gate\n", "line 2"),
        ("address,name\n127.20.0.11,Encoder\n", "fits 2 devices"),
        (
            "device,name\nD1,One\nD1,Again\n",
            "already labelled on line 2",
        ),
        ("serial,name\nSN-1,Gate\nSN-1,Gate\n", "line 3"),
        ("device,name\nD1,\u{202e}evil\n", "control characters"),
        (
            &format!("device,name\nD1,{}\n", "x".repeat(65)),
            "longer than 64",
        ),
        ("device,name\n,Gate\n", "no device, mac, serial or address"),
        ("device,name\nQ7,Gate\n", "not a device id"),
    ] {
        let err = import(&mut s, dir.path(), csv).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput, "{csv:?}: {err}");
        let msg = err.to_string();
        assert!(
            msg.contains(says) && msg.contains("nothing was changed"),
            "{csv:?}: {msg}"
        );
        assert_eq!(names(&s), before, "{csv:?} changed something");
    }
    let audit = s.audit_entries(0, 1000).unwrap();
    assert!(audit.iter().all(|e| e.action != "device.labelled"));
}

#[test]
fn a_good_file_labels_by_any_key_and_lists_devices_not_found_yet() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = project(dir.path());
    s.relabel_device(
        DeviceId(2),
        &Relabel {
            name: None,
            location: Some("Rack 1".into()),
        },
    )
    .unwrap();
    // A spreadsheet export: BOM, upper-case headers, extra columns, blank lines, an empty cell that leaves
    // the part as it is.
    let csv = "\u{feff}Notes,MAC,Device,Name,Location\n\
               front,00:40:8C:00:00:01,,Front door,Lobby\n\
               ,,D2,Encoder ch1,\n\
               \n\
               spare,00:40:8c:99:99:99,,Spare,Store\n";
    let r = import(&mut s, dir.path(), csv).unwrap();
    assert_eq!(r.matched, 2);
    assert_eq!(r.changed, [DeviceId(1), DeviceId(2)]);
    assert_eq!(r.unmatched, [(5, "mac 00:40:8c:99:99:99".to_owned())]);
    assert_eq!(
        names(&s),
        [
            ("Front door".into(), Some("Lobby".into())),
            ("Encoder ch1".into(), Some("Rack 1".into())),
            ("c".into(), None),
        ]
    );
    // The same file again changes nothing and writes no audit entry.
    let r = import(&mut s, dir.path(), csv).unwrap();
    assert!(r.changed.is_empty());
    let labelled = s
        .audit_entries(0, 1000)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "device.labelled")
        .count();
    assert_eq!(labelled, 3);
}

/// The audit log read a page at a time, newest first (`handover audit log`, the app's audit panel): the pages
/// together are the whole log once, in reverse order; a page before the first entry is empty.
#[test]
fn the_audit_log_reads_newest_first_a_page_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let s = project(dir.path());
    for n in 0..7 {
        s.relabel_device(
            DeviceId(1),
            &Relabel {
                name: Some(format!("Gate {n}")),
                location: None,
            },
        )
        .unwrap();
    }
    let all = s.audit_entries(0, 10_000).unwrap();
    let (head, _) = s.audit_head().unwrap();
    assert!(all.len() > 7 && all.last().unwrap().seq == head);
    let mut paged = Vec::new();
    let mut before = None;
    loop {
        let page = s.audit_recent(before, 3).unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 3);
        assert!(
            page.windows(2).all(|w| w[0].seq == w[1].seq + 1),
            "newest first"
        );
        before = Some(page.last().unwrap().seq);
        paged.extend(page);
    }
    let newest_first: Vec<i64> = all.iter().rev().map(|e| e.seq).collect();
    assert_eq!(
        paged.iter().map(|e| e.seq).collect::<Vec<_>>(),
        newest_first
    );
    assert_eq!(paged[0].action, "device.labelled");
    assert!(s.audit_recent(Some(1), 50).unwrap().is_empty());
    assert!(s.audit_recent(None, 0).unwrap().is_empty());
}
