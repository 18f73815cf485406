//! The audit chain: an untouched log verifies; any hand edit or deletion is caught and the entry named.

use std::path::Path;
use std::sync::Arc;

use handover_model::{FixedClock, Site};
use handover_store::audit::Problem;
use handover_store::{Actor, Project};
use time::macros::datetime;

fn project_with_entries(path: &Path, n: usize) -> Project {
    let clock = Arc::new(FixedClock(datetime!(2026-11-22 10:00 UTC)));
    let mut p = Project::create(path, &Site::default(), clock).unwrap();
    for i in 0..n {
        p.record(
            &Actor("Ana".into()),
            "test.step",
            &format!("S{i}"),
            serde_json::json!({ "i": i }),
        )
        .unwrap();
    }
    p
}

/// Tampers with the closed file by hand the way a person with `sqlite3` would (dropping the triggers first),
/// then checks what `verify` says.
fn check(sql: &str, expected: Option<Problem>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.handover");
    let head_before = {
        let p = project_with_entries(&path, 5);
        let v = p.audit_verify().unwrap();
        assert!(v.is_intact());
        assert_eq!(v.entries, 6);
        v.head_hash
    };
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&format!(
        "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; {sql}"
    ))
    .unwrap();
    drop(conn);
    let clock = Arc::new(FixedClock(datetime!(2026-11-22 10:00 UTC)));
    let v = Project::open(&path, clock).unwrap().audit_verify().unwrap();
    assert_eq!(v.problem, expected, "after {sql}");
    if expected.is_none() {
        assert_eq!(v.head_hash, head_before);
    }
}

#[test]
fn untouched_log_verifies() {
    check("", None);
}

#[test]
fn edits_and_deletions_are_caught_and_named() {
    check(
        "UPDATE audit SET actor = 'Mallory' WHERE seq = 3",
        Some(Problem::Edited { seq: 3 }),
    );
    check(
        "UPDATE audit SET detail = '{\"i\":9}' WHERE seq = 6",
        Some(Problem::Edited { seq: 6 }),
    );
    check(
        "UPDATE audit SET at = '2020-01-01T00:00:00Z' WHERE seq = 1",
        Some(Problem::Edited { seq: 1 }),
    );
    check(
        "DELETE FROM audit WHERE seq = 4",
        Some(Problem::Missing { seq: 4 }),
    );
    check(
        "DELETE FROM audit WHERE seq = 6",
        Some(Problem::HeadMismatch {
            head_seq: 6,
            last_seq: 5,
        }),
    );
    check(
        "DELETE FROM audit WHERE seq = 1",
        Some(Problem::Missing { seq: 1 }),
    );
    check(
        "UPDATE audit_head SET hash = 'x'",
        Some(Problem::HeadMismatch {
            head_seq: 6,
            last_seq: 6,
        }),
    );
    // Renumbering the rest after a deletion keeps the sequence whole, but the numbers are hashed.
    check(
        "DELETE FROM audit WHERE seq = 2; UPDATE audit SET seq = seq - 1 WHERE seq > 2; UPDATE audit_head SET seq = 5",
        Some(Problem::Edited { seq: 2 }),
    );
}

#[test]
fn the_triggers_refuse_edits_in_the_first_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.handover");
    drop(project_with_entries(&path, 1));
    let conn = rusqlite::Connection::open(&path).unwrap();
    for sql in ["UPDATE audit SET actor = 'x'", "DELETE FROM audit"] {
        let e = conn.execute(sql, []).unwrap_err();
        assert!(e.to_string().contains("append-only"), "{e}");
    }
}

/// "The newest entry about this subject" is found through an index, not by walking the log backwards (which
/// made a 5,000-device report quadratic), and still returns the newest of several.
#[test]
fn the_newest_entry_about_a_subject_is_found_through_an_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.handover");
    let mut p = project_with_entries(&path, 200);
    p.record(
        &Actor("Ana".into()),
        "test.step",
        "S7",
        serde_json::json!({ "again": true }),
    )
    .unwrap();
    let e = p.audit_latest("test.step", "S7").unwrap().unwrap();
    assert_eq!(e.detail["again"], true);
    assert!(p.audit_latest("test.step", "S999").unwrap().is_none());
    drop(p);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let plan: Vec<String> = conn
        .prepare(
            "EXPLAIN QUERY PLAN SELECT seq FROM audit WHERE action = ?1 AND subject = ?2 ORDER BY seq DESC LIMIT 1",
        )
        .unwrap()
        .query_map(("test.step", "S7"), |r| r.get::<_, String>(3))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        plan.iter().any(|l| l.contains("audit_action_subject")),
        "{plan:?}"
    );
}
