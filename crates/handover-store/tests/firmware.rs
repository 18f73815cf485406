//! Schema 5 (firmware upgrades): a schema-4 file with data migrates and gains the firmware tables; the folder,
//! accepted images and the upgrade journal are written with their audit entries and read back.

use std::sync::Arc;

use handover_model::FixedClock;
use handover_store::firmware::{NewUpgrade, UpgradePhase};
use handover_store::{Actor, Project};
use time::macros::datetime;

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock(datetime!(2026-12-07 10:00 UTC)))
}

#[test]
fn a_schema_4_file_migrates_to_5_and_keeps_its_devices() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v4.handover");
    // A file as schema 4 wrote it, with a device in it.
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "application_id", 0x484F_5652)
        .unwrap();
    handover_store::apply_up_to(&mut conn, 4).unwrap();
    conn.execute_batch(
        "INSERT INTO meta VALUES (1, '6f1c9a7e-8d2b-4c55-9b1e-2a3f4d5e6f70', '2026-01-01T00:00:00Z', '0.0.1');
         INSERT INTO site VALUES (1, 'Old site', 'Old customer', '', 'Integrator', 'Tech');
         INSERT INTO devices (id, endpoint_ref, address, found_by, facts, first_seen, last_seen)
           VALUES (1, 'urn:uuid:1', '127.20.0.10', '[]', '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');",
    )
    .unwrap();
    drop(conn);
    let mut p = Project::open(&path, clock()).unwrap();
    assert_eq!(p.meta().schema_version, handover_store::LATEST_VERSION);
    let d = p.devices().unwrap().remove(0);
    assert_eq!(p.firmware_folder().unwrap(), None);
    let a = Actor("Ana".into());
    p.set_firmware_folder("/media/usb/firmware", &a).unwrap();
    p.set_firmware_folder("/srv/fw", &a).unwrap();
    assert_eq!(p.firmware_folder().unwrap().as_deref(), Some("/srv/fw"));
    p.accept_firmware_image(&"ab".repeat(32), "own.bin", "vendor support sent it", &a)
        .unwrap();
    assert_eq!(
        p.accepted_firmware().unwrap()[0].reason,
        "vendor support sent it"
    );
    let id = p
        .upgrade_begin(
            &NewUpgrade {
                device: d.id,
                image_sha256: &"cd".repeat(32),
                image_file: "fw.bin",
                from_version: "1.0",
                to_version: "2.0",
            },
            &a,
        )
        .unwrap();
    assert_eq!(p.upgrades(true).unwrap().len(), 1);
    p.upgrade_advance(id, d.id, UpgradePhase::Sent, "uploaded", &a)
        .unwrap();
    assert_eq!(p.upgrades(true).unwrap()[0].phase, UpgradePhase::Sent);
    p.upgrade_advance(id, d.id, UpgradePhase::Upgraded, "runs 2.0", &a)
        .unwrap();
    assert!(p.upgrades(true).unwrap().is_empty());
    assert_eq!(p.upgrades(false).unwrap()[0].note, "runs 2.0");
    assert!(
        p.upgrade_advance(99, d.id, UpgradePhase::Sent, "", &a)
            .is_err()
    );
    let actions: Vec<String> = p
        .audit_entries(0, 100)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for want in [
        "firmware.folder",
        "firmware.image-accepted",
        "firmware.begin",
        "firmware.phase",
    ] {
        assert!(actions.iter().any(|a| a == want), "{want} in {actions:?}");
    }
    assert!(p.audit_verify().unwrap().is_intact());
}
