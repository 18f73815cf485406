//! The firmware upgrades section, read back with poppler's `pdftotext`: per device the version before and after,
//! the image and its SHA-256, why it was trusted and when; a device not upgraded says so; no section without
//! upgrades.

use handover_test_support::report as common;

use common::*;
use handover_report::{FirmwareUpgrade, render};

#[test]
fn upgrades_show_before_after_image_and_when() {
    let dir = tempfile::tempdir().unwrap();
    let mut m = model(9);
    let plain = pdftotext(&write(
        dir.path(),
        "none.pdf",
        &render(&m, &options()).unwrap(),
    ));
    assert!(!plain.contains("Firmware upgrades"));
    let at = clock() - time::Duration::hours(2);
    let sha = "a1b2".repeat(16);
    m.firmware_upgrades = vec![
        FirmwareUpgrade {
            device_id: m.devices[0].id.clone(),
            from: "V5.5.0 build 170725".into(),
            to: "V5.7.23 build 240618".into(),
            now: Some("V5.7.23 build 240618".into()),
            image: "digicap.dav".into(),
            image_sha256: sha.clone(),
            approval: "signed catalog".into(),
            at,
            outcome: "upgraded".into(),
        },
        FirmwareUpgrade {
            device_id: m.devices[1].id.clone(),
            from: "9.10.0018".into(),
            to: "9.40.0025".into(),
            now: Some("9.10.0018".into()),
            image: "bosch.fw".into(),
            image_sha256: "c3d4".repeat(16),
            approval: "accepted by Ana: sent by the vendor's support".into(),
            at,
            outcome: "not upgraded".into(),
        },
    ];
    let text = pdftotext(&write(
        dir.path(),
        "fw.pdf",
        &render(&m, &options()).unwrap(),
    ));
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "Firmware upgrades",
        "V5.5.0 build 170725",
        "V5.7.23 build 240618",
        "digicap.dav",
        "signed catalog",
        "not upgraded",
        "runs 9.10.0018",
        "accepted by Ana",
    ] {
        assert!(flat.contains(needle), "{needle:?} missing from:\n{text}");
    }
    // The SHA-256 may wrap inside its cell: compare without whitespace.
    let joined: String = text.split_whitespace().collect();
    assert!(joined.contains(&sha), "image SHA-256 missing:\n{text}");
}
