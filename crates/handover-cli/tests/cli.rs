//! The `handover` binary as a user meets it: init, plan import, status, audit verify, exit statuses, and two
//! processes on one project.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn demo_plan() -> String {
    manifest_dir()
        .join("../../assets/demo/plan.csv")
        .to_string_lossy()
        .into_owned()
}

fn handover(project: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_handover"))
        .arg("--project")
        .arg(project)
        .args(args)
        .env_remove("HANDOVER_PROJECT")
        .env_remove("HANDOVER_TECHNICIAN")
        .output()
        .expect("run handover")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn init(dir: &Path) -> PathBuf {
    let p = dir.join("site.handover");
    let o = handover(
        &p,
        &[
            "init",
            "--name",
            "Warehouse 3",
            // The organisation `sign-identity create --org` names below, so the report's signer is its integrator.
            "--integrator",
            "Test Integrators",
            "--technician",
            "Ana",
            "--plan",
            demo_plan().as_str(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    p
}

fn sqlite3(path: &Path, sql: &str) -> Output {
    Command::new("sqlite3")
        .arg(path)
        .arg(sql)
        .output()
        .expect("sqlite3 is installed by scripts/setup.sh")
}

#[test]
fn init_with_plan_gives_a_file_sqlite3_reads() {
    let dir = tempfile::tempdir().unwrap();
    let p = init(dir.path());
    let o = sqlite3(
        &p,
        "SELECT vlan_id, subnet FROM vlans ORDER BY vlan_id; PRAGMA integrity_check;",
    );
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "20|127.20.0.0/24\n30|127.30.0.0/24\n40|127.40.0.0/24\nok\n"
    );
    let o = handover(&p, &["--json", "status"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["vlans"].as_array().unwrap().len(), 3);
    assert_eq!(v["audit_intact"], true);
    assert_eq!(v["site"]["technician"], "Ana");
}

#[test]
fn a_bad_plan_names_the_line_changes_nothing_and_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    let p = init(dir.path());
    let before = sqlite3(&p, "SELECT * FROM vlans; SELECT count(*) FROM audit;").stdout;
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "vlan_id,name,subnet,gateway,roles\n10,Cams,10.10.0.0/24,10.10.0.1,camera\n11,Doors,10.10.0.0/25,10.10.0.1,access-control\n").unwrap();
    let o = handover(&p, &["plan", "import", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    let msg = String::from_utf8_lossy(&o.stderr);
    assert!(
        msg.contains("line 3") && msg.contains("subnet") && msg.contains("overlaps"),
        "{msg}"
    );
    assert_eq!(
        sqlite3(&p, "SELECT * FROM vlans; SELECT count(*) FROM audit;").stdout,
        before
    );
}

#[test]
fn a_bad_plan_at_init_creates_no_project() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "vlan,name,subnet,gateway,roles\n").unwrap();
    let p = dir.path().join("site.handover");
    let o = handover(
        &p,
        &[
            "init",
            "--name",
            "X",
            "--technician",
            "Ana",
            "--plan",
            bad.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("line 1"));
    assert!(!p.exists());
}

#[test]
fn hand_edits_of_the_audit_log_fail_verify_naming_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    let p = init(dir.path());
    let o = handover(&p, &["audit", "verify"]);
    assert!(
        o.status.success() && text(&o).contains("intact: 2 entries"),
        "{}",
        text(&o)
    );
    let o = sqlite3(&p, "UPDATE audit SET actor = 'Mallory' WHERE seq = 2;");
    assert!(String::from_utf8_lossy(&o.stderr).contains("append-only"));
    sqlite3(
        &p,
        "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'Mallory' WHERE seq = 2;",
    );
    let o = handover(&p, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(5), "{}", text(&o));
    assert!(text(&o).contains("entry 2 was changed"), "{}", text(&o));
    let o = handover(&p, &["--json", "audit", "verify"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["problem"]["kind"], "edited");
    assert_eq!(v["problem"]["seq"], 2);
}

#[test]
fn deleting_the_newest_audit_row_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let p = init(dir.path());
    sqlite3(
        &p,
        "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2;",
    );
    let o = handover(&p, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(5), "{}", text(&o));
    assert!(
        text(&o).contains("entries at the end were removed"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_project_held_by_another_process_is_refused_with_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let p = init(dir.path());
    let held = handover_store::Project::open(&p, std::sync::Arc::new(handover_model::SystemClock))
        .unwrap();
    let o = handover(&p, &["status"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("open elsewhere"), "{}", text(&o));
    drop(held);
    assert!(handover(&p, &["status"]).status.success());
}

/// Many processes import plans into one project at once: each either succeeds or is told the project is open
/// elsewhere; the file stays consistent and the audit chain intact.
#[test]
fn concurrent_processes_never_corrupt_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let p = init(dir.path());
    let children: Vec<_> = (0..8)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_handover"))
                .arg("--project")
                .arg(&p)
                .args(["plan", "import", demo_plan().as_str()])
                .output()
        })
        .collect();
    let mut ok = 0;
    for c in children {
        let o = c.unwrap();
        match o.status.code() {
            Some(0) => ok += 1,
            Some(3) => assert!(text(&o).contains("open elsewhere")),
            other => panic!("unexpected exit {other:?}: {}", text(&o)),
        }
    }
    assert!(ok >= 1);
    let o = handover(&p, &["--json", "audit", "verify"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["entries"], 2 + ok);
    assert!(v["problem"].is_null());
    assert_eq!(
        String::from_utf8_lossy(&sqlite3(&p, "PRAGMA integrity_check;").stdout),
        "ok\n"
    );
}

#[test]
fn missing_project_says_how_to_create_one_and_exits_6() {
    let dir = tempfile::tempdir().unwrap();
    let o = handover(&dir.path().join("none.handover"), &["status"]);
    assert_eq!(o.status.code(), Some(6));
    assert!(text(&o).contains("handover init"));
}

fn with_data_dir(project: &Path, data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_handover"))
        .arg("--project")
        .arg(project)
        .args(args)
        .env("HANDOVER_DATA_DIR", data)
        .output()
        .expect("run handover")
}

/// The shipped catalogs are signed with the shipped key: importing one is refused only as "not newer";
/// a tampered copy is refused as a bad signature (exit 5), an unsigned one as unsigned.
#[test]
fn catalog_import_checks_signature_then_version() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let src = manifest_dir().join("../../assets/catalogs");
    let cat = dir.path().join("firmware-baseline.toml");
    std::fs::copy(src.join("firmware-baseline.toml"), &cat).unwrap();
    std::fs::copy(
        src.join("firmware-baseline.toml.sig"),
        dir.path().join("firmware-baseline.toml.sig"),
    )
    .unwrap();
    let p = dir.path().join("unused.handover");
    let o = with_data_dir(&p, &data, &["catalog", "import", cat.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    assert!(text(&o).contains("not newer"), "{}", text(&o));
    let mut bytes = std::fs::read(&cat).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 1;
    std::fs::write(&cat, bytes).unwrap();
    let o = with_data_dir(&p, &data, &["catalog", "import", cat.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(5), "{}", text(&o));
    assert!(text(&o).contains("invalid signature"), "{}", text(&o));
    std::fs::remove_file(dir.path().join("firmware-baseline.toml.sig")).unwrap();
    let o = with_data_dir(&p, &data, &["catalog", "import", cat.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(5), "{}", text(&o));
    assert!(text(&o).contains("not signed"), "{}", text(&o));
    let o = with_data_dir(&p, &data, &["--json", "catalog", "show"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[1]["header"]["kind"], "firmware-baseline");
    assert_eq!(v[1]["source"], "built-in");
}

/// The signed report end to end through the real OS keyring (run under scripts/with-keyring.sh, as the test
/// suite is): identity created, report signed, pdfsig validates it, tampering is caught by `verify`.
#[test]
fn report_is_signed_with_the_keyring_identity_and_verifies() {
    if std::env::var("HANDOVER_KEYRING_TEST").as_deref() != Ok("1") {
        println!(
            "SKIP report_is_signed_with_the_keyring_identity_and_verifies: no unlocked test keyring (run under scripts/with-keyring.sh)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let p = init(dir.path());
    let run = |args: &[&str]| with_data_dir(&p, &data, args);
    // The keyring is shared by the run: only when no test made an identity yet can its absence be shown.
    if !run(&["sign-identity", "show"]).status.success() {
        let o = run(&["report"]);
        assert_eq!(o.status.code(), Some(6), "{}", text(&o));
        assert!(text(&o).contains("sign-identity create"), "{}", text(&o));
    }
    let o = run(&[
        "sign-identity",
        "create",
        "--name",
        "Ana Test",
        "--org",
        "Test Integrators",
        "--replace",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let pdf = dir.path().join("out.pdf");
    let o = run(&[
        "report",
        "--out",
        pdf.to_str().unwrap(),
        "--paper",
        "letter",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let ca = data.join("signing/handover-ca.pem");
    let o = run(&[
        "verify",
        pdf.to_str().unwrap(),
        "--trust",
        ca.to_str().unwrap(),
    ]);
    assert!(
        o.status.success() && text(&o).contains("VALID AND TRUSTED"),
        "{}",
        text(&o)
    );
    let o = run(&["verify", pdf.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(10), "{}", text(&o));
    let sig = Command::new("pdfsig")
        .arg(&pdf)
        .output()
        .expect("pdfsig (poppler-utils)");
    assert!(String::from_utf8_lossy(&sig.stdout).contains("Signature is Valid."));
    let mut bytes = std::fs::read(&pdf).unwrap();
    bytes[1500] ^= 0x01;
    std::fs::write(&pdf, bytes).unwrap();
    let o = run(&[
        "verify",
        pdf.to_str().unwrap(),
        "--trust",
        ca.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(5), "{}", text(&o));
    assert!(text(&o).contains("CHANGED OR INVALID"), "{}", text(&o));
    assert!(dir.path().join("out.json").is_file() && dir.path().join("out.csv").is_file());
    let o = run(&["--json", "audit", "log"]);
    assert!(text(&o).contains("report.sign"));
}

#[test]
fn fix_all_with_nothing_fixable_says_so_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let p = init(dir.path());
    let o = handover(&p, &["fix", "--all", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("Nothing to fix"), "{}", text(&o));
    // Naming nothing at all is still a usage mistake.
    let o = handover(&p, &["fix", "--yes"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("name a finding"), "{}", text(&o));
}

/// The package folder, read when the test runs (not baked in at build time), so a test binary built
/// from another checkout of the same commit still finds this checkout's files.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
}

#[test]
fn identify_and_the_unidentified_hosts_answer_on_a_project_without_devices() {
    let dir = tempfile::tempdir().unwrap();
    let p = init(dir.path());
    let o = handover(&p, &["devices", "unidentified"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Every host"), "{}", text(&o));
    let o = handover(&p, &["--json", "devices", "unidentified"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "[]");
    let o = handover(&p, &["identify"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("0 identified."), "{}", text(&o));
    let o = handover(&p, &["identify", "camera-3"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}
