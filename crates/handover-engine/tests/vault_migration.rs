//! A project made by the previous version kept one keyring entry per device account and switch. The first time a
//! session needs the vault, those entries are sealed into the project file, proven to open, and only then
//! removed from the keyring; the keyring is left with the project's vault key alone. (The keyring is a test
//! double here; custody.rs and the CLI tests run the vault on the real one.)

use handover_test_support::engine as common;

use std::net::IpAddr;

use handover_model::DeviceId;
use handover_store::devices::Sighting;
use handover_vault::{CredentialStore, EntryKey, MemoryStore, Slot};

#[test]
fn keyring_entries_of_an_earlier_version_move_into_the_sealed_vault() {
    let dir = tempfile::tempdir().unwrap();
    let keyring = std::sync::Arc::new(MemoryStore::new());
    let s = common::demo_project_in(dir.path(), "legacy", common::env_with(keyring.clone()));
    let (dev, _) = s
        .record_sighting(Sighting {
            address: Some("127.20.0.10".parse::<IpAddr>().unwrap()),
            ..Sighting::default()
        })
        .unwrap();
    assert_eq!(dev.id, DeviceId(1));
    // What the earlier version wrote: a credential reference in the file, the password in the keyring, and an
    // interrupted rotation's pending entry.
    let conn = rusqlite::Connection::open(s.path()).unwrap();
    conn.execute(
        "INSERT INTO credentials (device_id, username, state) VALUES (1, 'admin', 'factory-default')",
        [],
    )
    .unwrap();
    drop(conn);
    let pid = s.project_id().to_string();
    let current = EntryKey::device(&pid, "D1", "admin", Slot::Current).unwrap();
    let pending = EntryKey::device(&pid, "D1", "admin", Slot::Pending).unwrap();
    let switch = EntryKey::other(&pid, "snmp-switch:1").unwrap();
    let signing = EntryKey::other(&pid, "report-signing-key").unwrap();
    keyring.put(&current, &"legacy-Pw-1".into()).unwrap();
    keyring.put(&pending, &"legacy-New-2".into()).unwrap();
    keyring
        .put(&switch, &"{\"community\":\"c\"}".into())
        .unwrap();
    keyring.put(&signing, &"PEM".into()).unwrap();

    let (user, pw) = s.reveal_password(dev.id, None).unwrap();
    assert_eq!(
        (user.as_str(), pw.expose().as_str()),
        ("admin", "legacy-Pw-1")
    );
    // The pending password of the interrupted rotation came along too, still sealed, for `recover`.
    let sealed = s.store_for_tests().secrets().unwrap();
    let names: Vec<&str> = sealed.iter().map(|x| x.sealed_as.as_str()).collect();
    assert_eq!(sealed.len(), 3, "{names:?}");
    assert!(names.iter().any(|n| n.ends_with("D1/admin#pending")));
    // The keyring keeps the vault key and the signing key (which stays a keyring entry), nothing else.
    let left: Vec<String> = keyring
        .list(&pid)
        .unwrap()
        .iter()
        .map(|k| k.account())
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(
        left.iter().any(|k| k.ends_with("vault-key#other")),
        "{left:?}"
    );
    assert!(
        left.iter().any(|k| k.ends_with("report-signing-key#other")),
        "{left:?}"
    );
    let audit = s.audit_entries(0, 1_000).unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "vault.keyring-entries-moved")
    );
    // A second session neither migrates again nor makes another key.
    let path = s.path().to_owned();
    drop(s);
    let again =
        handover_engine::Session::open(&path, None, common::env_with(keyring.clone())).unwrap();
    let (_, pw) = again.reveal_password(dev.id, None).unwrap();
    assert_eq!(pw.expose(), "legacy-Pw-1");
    assert_eq!(keyring.list(&pid).unwrap().len(), 2);
}
