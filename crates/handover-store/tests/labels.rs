//! Names and locations the technician gives devices: kept in the file, audited, all-or-nothing, kept by a merge.

use std::sync::Arc;

use handover_model::{DeviceId, DeviceIdentity, DeviceLabel, DiscoveryMethod, FixedClock, Site};
use handover_store::devices::Sighting;
use handover_store::{Actor, Error, Project};
use time::macros::datetime;

fn project(dir: &tempfile::TempDir) -> Project {
    let clock = Arc::new(FixedClock(datetime!(2026-12-07 10:00 UTC)));
    Project::create(&dir.path().join("s.handover"), &Site::default(), clock).unwrap()
}

fn sighting(eref: Option<&str>, mac: Option<&str>, addr: &str) -> Sighting {
    Sighting {
        identity: DeviceIdentity {
            endpoint_ref: eref.map(Into::into),
            mac: mac.map(|m| m.parse().unwrap()),
            serial: None,
        },
        address: Some(addr.parse().unwrap()),
        method: Some(DiscoveryMethod::WsDiscovery),
        ..Sighting::default()
    }
}

fn label(name: Option<&str>, location: Option<&str>) -> DeviceLabel {
    DeviceLabel {
        name: name.map(Into::into),
        location: location.map(Into::into),
    }
}

#[test]
fn a_label_is_kept_in_the_file_audited_once_and_shown_as_the_name() {
    let dir = tempfile::tempdir().unwrap();
    let a = Actor("Ana".into());
    let id = {
        let mut p = project(&dir);
        let (d, _) = p
            .record_sighting(sighting(Some("urn:uuid:1"), None, "127.20.0.10"), &a)
            .unwrap();
        let l = label(Some("Gate 3 east"), Some("Car park"));
        assert_eq!(
            p.label_devices(&[(d.id, l.clone())], "typed", &a).unwrap(),
            [d.id]
        );
        // The same label again changes nothing and is not audited twice.
        assert!(
            p.label_devices(&[(d.id, l)], "typed", &a)
                .unwrap()
                .is_empty()
        );
        d.id
    };
    let clock = Arc::new(FixedClock(datetime!(2026-12-07 11:00 UTC)));
    let mut p = Project::open(&dir.path().join("s.handover"), clock).unwrap();
    let d = p.device(id).unwrap();
    assert_eq!(d.name(), "Gate 3 east");
    assert_eq!(d.location().as_deref(), Some("Car park"));
    let labelled: Vec<_> = p
        .audit_entries(0, 100)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "device.labelled")
        .collect();
    assert_eq!(labelled.len(), 1);
    assert_eq!(labelled[0].subject, id.to_string());
    assert_eq!(labelled[0].detail["to"]["name"], "Gate 3 east");
    assert_eq!(labelled[0].detail["source"], "typed");
    // Clearing the label gives the device back its own name.
    p.label_devices(
        &[(id, DeviceLabel::default())],
        "typed",
        &Actor("Ana".into()),
    )
    .unwrap();
    assert_eq!(p.device(id).unwrap().name(), "127.20.0.10");
}

#[test]
fn a_batch_naming_an_unknown_device_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let a = Actor::system();
    let mut p = project(&dir);
    let (d, _) = p
        .record_sighting(sighting(Some("urn:uuid:1"), None, "127.20.0.10"), &a)
        .unwrap();
    let err = p
        .label_devices(
            &[
                (d.id, label(Some("Lobby"), None)),
                (DeviceId(99), label(Some("Nowhere"), None)),
            ],
            "labels.csv",
            &a,
        )
        .unwrap_err();
    assert!(matches!(err, Error::Missing { .. }), "{err:?}");
    assert_eq!(p.device(d.id).unwrap().label, DeviceLabel::default());
}

#[test]
fn a_merge_keeps_the_survivors_label_and_takes_what_it_lacked() {
    let dir = tempfile::tempdir().unwrap();
    let a = Actor::system();
    let mut p = project(&dir);
    let (first, _) = p
        .record_sighting(sighting(Some("urn:uuid:A"), None, "127.20.0.10"), &a)
        .unwrap();
    let mut manual = sighting(None, Some("00:40:8c:00:00:01"), "127.20.0.11");
    manual.method = Some(DiscoveryMethod::Manual);
    let (second, _) = p.record_sighting(manual, &a).unwrap();
    p.label_devices(
        &[
            (first.id, label(Some("Dock 1"), None)),
            (second.id, label(Some("Dock one"), Some("Loading bay"))),
        ],
        "typed",
        &a,
    )
    .unwrap();
    let (merged, _) = p
        .record_sighting(
            sighting(Some("urn:uuid:A"), Some("00:40:8c:00:00:01"), "127.20.0.11"),
            &a,
        )
        .unwrap();
    assert_eq!(merged.id, first.id);
    assert_eq!(merged.label, label(Some("Dock 1"), Some("Loading bay")));
    assert_eq!(p.device(first.id).unwrap().label, merged.label);
}
