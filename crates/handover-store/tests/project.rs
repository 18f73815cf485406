//! The project file end to end: create and reopen, the exclusive lock, schema versions, sightings and merging.

use std::sync::Arc;

use handover_model::{DeviceIdentity, DiscoveryMethod, FixedClock, Plan, Site};
use handover_store::devices::{Change, Sighting};
use handover_store::{Actor, Error, LATEST_VERSION, Project};
use time::macros::datetime;

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock(datetime!(2026-11-22 10:00 UTC)))
}

fn site() -> Site {
    Site {
        name: "Warehouse 3".into(),
        customer: "Riverside".into(),
        technician: "Ana".into(),
        ..Site::default()
    }
}

fn demo_plan() -> Plan {
    Plan::from_csv(include_bytes!("../../../assets/demo/plan.csv")).unwrap()
}

#[test]
fn create_then_reopen_keeps_site_plan_and_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.handover");
    let id = {
        let mut p = Project::create(&path, &site(), clock()).unwrap();
        p.import_plan(&demo_plan(), "plan.csv", &Actor("Ana".into()))
            .unwrap();
        p.id()
    };
    let p = Project::open(&path, clock()).unwrap();
    assert_eq!(p.id(), id);
    assert_eq!(p.site().unwrap(), site());
    assert_eq!(p.plan().unwrap(), demo_plan());
    assert_eq!(p.meta().schema_version, LATEST_VERSION);
    let actions: Vec<_> = p
        .audit_entries(0, 100)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["project.create", "plan.import"]);
}

/// A project file may come from anywhere: the connection does not trust its schema to run functions with side
/// effects (`trusted_schema = OFF`), and keeps foreign keys on.
#[test]
fn the_connection_does_not_trust_the_file_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.handover");
    drop(Project::create(&path, &site(), clock()).unwrap());
    let p = Project::open(&path, clock()).unwrap();
    let trusted: i64 = p
        .conn()
        .pragma_query_value(None, "trusted_schema", |r| r.get(0))
        .unwrap();
    let fks: i64 = p
        .conn()
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap();
    assert_eq!((trusted, fks), (0, 1));
}

#[test]
fn create_refuses_an_existing_path_and_open_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.handover");
    std::fs::write(&path, b"").unwrap();
    assert!(matches!(
        Project::create(&path, &site(), clock()),
        Err(Error::AlreadyExists { .. })
    ));
    let missing = dir.path().join("nope.handover");
    let e = Project::open(&missing, clock()).unwrap_err();
    assert!(e.is_not_found(), "{e}");
    assert!(e.to_string().contains("handover init"));
}

#[test]
fn a_second_open_is_refused_while_the_first_holds_it_and_allowed_after() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.handover");
    let first = Project::create(&path, &site(), clock()).unwrap();
    let e = Project::open(&path, clock()).unwrap_err();
    assert!(e.is_locked(), "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("open elsewhere") && msg.contains(&format!("process {}", std::process::id())),
        "{msg}"
    );
    drop(first);
    Project::open(&path, clock()).unwrap();
}

/// The lock belongs to the file, not to its name: opening it through a symlink or a hard link while another
/// handle holds it is refused (before, each name had its own sidecar lock and two writers got in).
#[cfg(unix)]
#[test]
fn another_name_of_the_same_file_meets_the_same_lock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.handover");
    drop(Project::create(&path, &site(), clock()).unwrap());
    let sym = dir.path().join("sym.handover");
    std::os::unix::fs::symlink(&path, &sym).unwrap();
    let other_dir = tempfile::tempdir_in(dir.path()).unwrap();
    let hard = other_dir.path().join("hard.handover");
    std::fs::hard_link(&path, &hard).unwrap();
    for (held, other) in [(&path, &sym), (&path, &hard), (&sym, &hard), (&hard, &path)] {
        let first = Project::open(held, clock()).unwrap();
        let e = Project::open(other, clock()).unwrap_err();
        assert!(
            e.is_locked(),
            "{} then {}: {e}",
            held.display(),
            other.display()
        );
        drop(first);
        drop(Project::open(other, clock()).unwrap());
    }
}

#[test]
fn files_that_are_not_projects_are_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.handover");
    std::fs::write(&junk, vec![7u8; 8192]).unwrap();
    assert!(matches!(
        Project::open(&junk, clock()),
        Err(Error::NotAProject { .. })
    ));
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    assert!(matches!(
        Project::open(&other, clock()),
        Err(Error::NotAProject { .. })
    ));
}

#[test]
fn a_file_from_a_newer_handover_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.handover");
    drop(Project::create(&path, &site(), clock()).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", LATEST_VERSION + 1)
        .unwrap();
    drop(conn);
    let e = Project::open(&path, clock()).unwrap_err();
    assert!(e.to_string().contains("update Handover"), "{e}");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let v: u32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, LATEST_VERSION + 1);
}

/// Builds a project file at every schema version from 1 to the latest, with data in it, and opens each with
/// the current code: every earlier file must migrate and keep its data.
#[test]
fn files_from_every_earlier_schema_version_open() {
    for version in 1..=LATEST_VERSION {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.handover");
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "application_id", 0x484F_5652)
            .unwrap();
        handover_store::apply_up_to(&mut conn, version).unwrap();
        conn.execute_batch(
            "INSERT INTO meta VALUES (1, '6f1c9a7e-8d2b-4c55-9b1e-2a3f4d5e6f70', '2026-01-01T00:00:00Z', '0.0.1');
             INSERT INTO site VALUES (1, 'Old site', 'Old customer', '', 'Integrator', 'Tech');",
        )
        .unwrap();
        drop(conn);
        let p = Project::open(&path, clock()).unwrap();
        assert_eq!(
            p.meta().schema_version,
            LATEST_VERSION,
            "from version {version}"
        );
        assert_eq!(p.site().unwrap().name, "Old site");
    }
}

/// The checked-in fixture was written by Handover 0.1 (schema 1) with `sqlite3 .dump`; it must keep opening.
#[test]
fn the_schema_1_fixture_opens_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.handover");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(include_str!("fixtures/project-v1.sql"))
        .unwrap();
    drop(conn);
    let p = Project::open(&path, clock()).unwrap();
    assert_eq!(p.plan().unwrap().vlans.len(), 3);
    assert!(p.audit_verify().unwrap().is_intact());
    assert!(p.audit_entries(0, 10).unwrap().len() >= 2);
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

#[test]
fn a_device_seen_again_at_a_new_address_is_the_same_device_and_the_move_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = Project::create(&dir.path().join("s.handover"), &site(), clock()).unwrap();
    let a = Actor::system();
    let (d1, c1) = p
        .record_sighting(sighting(Some("urn:uuid:1"), None, "127.20.0.10"), &a)
        .unwrap();
    assert_eq!(c1, Change::New);
    let (d2, c2) = p
        .record_sighting(sighting(Some("urn:uuid:1"), None, "127.20.0.10"), &a)
        .unwrap();
    assert_eq!((d2.id, c2), (d1.id, Change::Seen));
    let (d3, c3) = p
        .record_sighting(sighting(Some("urn:uuid:1"), None, "127.20.0.99"), &a)
        .unwrap();
    assert_eq!(d3.id, d1.id);
    assert_eq!(
        c3,
        Change::Moved {
            from: "127.20.0.10".parse().unwrap()
        }
    );
    assert_eq!(
        d3.previous_addresses,
        vec!["127.20.0.10".parse::<std::net::IpAddr>().unwrap()]
    );
    let actions: Vec<_> = p
        .audit_entries(0, 100)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["project.create", "device.found", "device.moved"]);
}

#[test]
fn two_rows_that_turn_out_to_be_one_device_are_merged_keeping_everything() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = Project::create(&dir.path().join("s.handover"), &site(), clock()).unwrap();
    let a = Actor::system();
    let (first, _) = p
        .record_sighting(sighting(Some("urn:uuid:A"), None, "127.20.0.10"), &a)
        .unwrap();
    let mut manual = sighting(None, Some("00:40:8c:00:00:01"), "127.20.0.11");
    manual.method = Some(DiscoveryMethod::Manual);
    let (second, _) = p.record_sighting(manual, &a).unwrap();
    assert_ne!(first.id, second.id);
    // Identification reads both keys from one device: the two rows are one.
    let (merged, _) = p
        .record_sighting(
            sighting(Some("urn:uuid:A"), Some("00:40:8c:00:00:01"), "127.20.0.11"),
            &a,
        )
        .unwrap();
    assert_eq!(merged.id, first.id);
    assert_eq!(p.devices().unwrap().len(), 1);
    assert!(
        merged.found_by.contains(&DiscoveryMethod::Manual)
            && merged.found_by.contains(&DiscoveryMethod::WsDiscovery)
    );
    assert_eq!(
        merged.identity.mac.unwrap().to_string(),
        "00:40:8c:00:00:01"
    );
    assert_eq!(
        merged.previous_addresses,
        vec!["127.20.0.10".parse::<std::net::IpAddr>().unwrap()]
    );
}

/// Sealed secrets commit with the journal phase they belong to, survive a merge of device rows (a clash stays
/// under the old id rather than being dropped), and the audit entry names slots, never bytes.
#[test]
fn sealed_secrets_commit_with_their_phase_and_survive_a_merge() {
    use handover_store::PhaseChange;
    use handover_store::journal::Phase;
    use handover_store::secrets::{SealedSecret, SecretName, SecretWrite};
    let dir = tempfile::tempdir().unwrap();
    let mut p = Project::create(&dir.path().join("s.handover"), &site(), clock()).unwrap();
    let a = Actor::system();
    let (d1, _) = p
        .record_sighting(sighting(Some("urn:uuid:A"), None, "127.20.0.10"), &a)
        .unwrap();
    let (d2, _) = p
        .record_sighting(sighting(None, Some("00:40:8c:00:00:01"), "127.20.0.11"), &a)
        .unwrap();
    let put = |d, slot: &str, bytes: &[u8]| {
        SecretWrite::Put(SealedSecret {
            name: SecretName::device(d, "admin", slot),
            sealed_as: format!("x/{d}/admin#{slot}"),
            sealed: bytes.to_vec(),
        })
    };
    let rot = p
        .rotation_begin(d1.id, "admin", &[put(d1.id, "pending", b"\x01new")], &a)
        .unwrap();
    let pending = SecretName::device(d1.id, "admin", "pending");
    assert_eq!(p.secret(&pending).unwrap().unwrap().sealed, b"\x01new");
    p.rotation_advance(
        rot,
        d1.id,
        PhaseChange {
            secrets: &[
                put(d1.id, "current", b"\x01new"),
                SecretWrite::Delete(pending.clone()),
            ],
            ..PhaseChange::to(Phase::Committed, "")
        },
        &a,
    )
    .unwrap();
    assert!(p.secret(&pending).unwrap().is_none());
    assert!(p.rotations(true).unwrap().is_empty());
    let detail = p
        .audit_entries(0, 100)
        .unwrap()
        .last()
        .unwrap()
        .detail
        .clone();
    assert!(detail.to_string().contains("sealed"), "{detail}");
    // d2 holds admin#current too: after the merge d1 keeps its own, d2's stays under d2's id, nothing dropped.
    p.write_secrets(
        &[
            put(d2.id, "current", b"\x01two"),
            put(d2.id, "pending", b"\x01p2"),
        ],
        None,
        "test",
        "d2",
        &a,
    )
    .unwrap();
    let (merged, _) = p
        .record_sighting(
            sighting(Some("urn:uuid:A"), Some("00:40:8c:00:00:01"), "127.20.0.11"),
            &a,
        )
        .unwrap();
    assert_eq!(merged.id, d1.id);
    let all = p.secrets().unwrap();
    assert_eq!(all.len(), 3, "{all:?}");
    assert!(
        all.iter()
            .any(|s| s.name == SecretName::device(d1.id, "admin", "pending")
                && s.sealed == b"\x01p2")
    );
    assert!(
        all.iter()
            .any(|s| s.name == SecretName::device(d2.id, "admin", "current")
                && s.sealed == b"\x01two")
    );
}

#[test]
fn discovery_notes_keep_the_latest_run_per_subnet() {
    use handover_store::discovery::Note;
    let dir = tempfile::tempdir().unwrap();
    let mut p = Project::create(&dir.path().join("s.handover"), &site(), clock()).unwrap();
    let note = |subnet: &str, outcome: &str| Note {
        subnet: subnet.into(),
        method: "unicast sweep".into(),
        outcome: outcome.into(),
        detail: String::new(),
    };
    let a = Actor::system();
    assert_eq!(
        p.record_discovery(
            &[note("10.0.0.0/24", "silence"), note("10.1.0.0/24", "found")],
            &a
        )
        .unwrap(),
        1
    );
    assert_eq!(
        p.record_discovery(&[note("10.0.0.0/24", "found")], &a)
            .unwrap(),
        2
    );
    let latest: Vec<_> = p
        .discovery_notes()
        .unwrap()
        .into_iter()
        .map(|n| (n.run, n.note.subnet, n.note.outcome))
        .collect();
    assert_eq!(
        latest,
        [
            (2, "10.0.0.0/24".into(), "found".into()),
            (1, "10.1.0.0/24".into(), "found".into())
        ]
    );
}
