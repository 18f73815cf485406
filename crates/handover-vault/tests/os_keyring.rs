//! Integration tests of `OsKeyring` against a real Secret Service (gnome-keyring), with `secret-tool` as an
//! independent second reader, plus the error paths: locked keyring, no session bus, no Secret Service.
//!
//! Run through `scripts/with-keyring.sh cargo test -p handover-vault` (CI does). Without that script the
//! keyring tests print why they skip and return. The error-path tests start child processes (this same test
//! binary, with `HANDOVER_VAULT_CHILD` set) in their own environment, because changing the environment of a
//! running multi-threaded test process is not sound. Not tested here: macOS Keychain, Windows Credential Manager.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{SystemTime, UNIX_EPOCH};

use handover_vault::{CredentialStore, EntryKey, OsKeyring, SecretString, Slot};

const CHILD_VAR: &str = "HANDOVER_VAULT_CHILD";

/// True when a real unlocked keyring is there; otherwise prints why the test is skipped.
fn keyring_available(test: &str) -> bool {
    match std::env::var("HANDOVER_KEYRING_TEST").as_deref() {
        Ok("1") => true,
        _ => {
            eprintln!(
                "SKIP {test}: HANDOVER_KEYRING_TEST is not 1; run `scripts/with-keyring.sh cargo test -p \
                 handover-vault` to test against a real gnome-keyring"
            );
            false
        }
    }
}

fn unique_project(tag: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("test-{tag}-{}-{nanos}", std::process::id())
}

/// Runs libsecret's `secret-tool`; returns stdout, or stdout + stderr for `search` (it prints the attributes
/// on stderr and the secrets on stdout).
fn secret_tool(args: &[&str]) -> String {
    let out = Command::new("secret-tool")
        .args(args)
        .output()
        .expect("run secret-tool");
    assert!(
        out.status.success(),
        "secret-tool {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if args.first() == Some(&"search") {
        combined(&out)
    } else {
        String::from_utf8(out.stdout).unwrap()
    }
}

fn combined(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs one test of this binary as a child process with `mode` in `HANDOVER_VAULT_CHILD`.
fn child(prefix: &[&str], test: &str, mode: &str, env: &[(&str, &str)]) -> Output {
    let exe = std::env::current_exe().unwrap();
    let mut cmd = Command::new("timeout");
    cmd.arg("120").args(prefix).arg(&exe);
    cmd.args(["--exact", test, "--nocapture", "--test-threads=1"]);
    cmd.env(CHILD_VAR, mode);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("spawn child test process")
}

fn script() -> PathBuf {
    manifest_dir().join("../../scripts/with-keyring.sh")
}

#[test]
fn entries_are_stored_in_the_real_keyring_and_secret_tool_reads_them() {
    if !keyring_available("entries_are_stored_in_the_real_keyring") {
        return;
    }
    let vault = OsKeyring::open().expect("open the keyring");
    let project = unique_project("rw");
    let current = EntryKey::device(&project, "cam-12", "admin", Slot::Current).unwrap();
    let pending = current.with_slot(Slot::Pending).unwrap();
    let other = EntryKey::other(&project, "report-signing-key").unwrap();
    let values = [
        (&current, "Cur-8f2k_x~Q.z"),
        (&pending, "Pend-77aa-RTSP.safe~"),
        (&other, "-----BEGIN PRIVATE KEY----- not really"),
    ];
    for (key, value) in values {
        vault.put(key, &SecretString::from(value)).unwrap();
    }
    for (key, value) in values {
        assert_eq!(vault.get(key).unwrap().expose(), value, "{key}");
        // The independent reader: libsecret's secret-tool, by service + account.
        let looked_up = secret_tool(&["lookup", "service", "handover", "username", &key.account()]);
        assert_eq!(looked_up, value, "secret-tool lookup {key}");
    }
    // Findable by project through the extra attributes; a pending entry (it lives for the seconds of one
    // rotation) is not decorated, to save a keyring write, and is found by its account string instead.
    let search = secret_tool(&[
        "search", "--all", "service", "handover", "project", &project,
    ]);
    for (key, value) in [values[0], values[2]] {
        assert!(
            search.contains(&format!("attribute.username = {}", key.account())),
            "{search}"
        );
        assert!(search.contains(&format!("secret = {value}")), "{search}");
    }
    assert!(!search.contains("Pend-77aa"), "{search}");
    assert!(search.contains("attribute.slot = current"), "{search}");
    assert!(search.contains("attribute.device = cam-12"), "{search}");
    assert!(search.contains("attribute.user = admin"), "{search}");
    let pending_found = secret_tool(&[
        "search",
        "--all",
        "service",
        "handover",
        "username",
        &pending.account(),
    ]);
    assert!(
        pending_found.contains(&format!("label = Handover: {project}/cam-12/admin#pending")),
        "{pending_found}"
    );
    let by_slot = secret_tool(&[
        "search", "--all", "service", "handover", "project", &project, "slot", "current",
    ]);
    assert_eq!(by_slot.matches("secret = ").count(), 1, "{by_slot}");

    let mut expected = vec![current.clone(), pending.clone(), other.clone()];
    expected.sort();
    assert_eq!(vault.list(&project).unwrap(), expected);
    assert_eq!(
        vault.list(&unique_project("empty")).unwrap(),
        Vec::<EntryKey>::new()
    );

    assert!(vault.delete(&pending).unwrap());
    assert!(!vault.delete(&pending).unwrap());
    let err = vault.get(&pending).unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert_eq!(vault.find(&pending).unwrap(), None);
    for key in [&current, &other] {
        vault.delete(key).unwrap();
    }
    assert!(vault.list(&project).unwrap().is_empty());
}

#[test]
fn put_replaces_the_value_without_duplicating_the_item() {
    if !keyring_available("put_replaces_the_value") {
        return;
    }
    let vault = OsKeyring::open().unwrap();
    let project = unique_project("replace");
    let key = EntryKey::device(&project, "nvr-1", "admin", Slot::Current).unwrap();
    vault.put(&key, &"first".into()).unwrap();
    vault.put(&key, &"second".into()).unwrap();
    assert_eq!(vault.get(&key).unwrap().expose(), "second");
    let search = secret_tool(&[
        "search", "--all", "service", "handover", "project", &project,
    ]);
    assert_eq!(search.matches("secret = ").count(), 1, "{search}");
    assert!(search.contains("secret = second"));
    vault.delete(&key).unwrap();
}

#[test]
fn entries_written_by_another_program_are_skipped_by_list() {
    if !keyring_available("entries_written_by_another_program") {
        return;
    }
    let vault = OsKeyring::open().unwrap();
    let project = unique_project("foreign");
    // An item under our service name that is not ours (a user's own note, an older tool).
    let mut child = Command::new("secret-tool")
        .args([
            "store",
            "--label=foreign",
            "service",
            "handover",
            "username",
            "not-a-handover-account",
            "project",
            &project,
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"foreign").unwrap();
    assert!(child.wait().unwrap().success());
    let key = EntryKey::other(&project, "snmp-switch-1").unwrap();
    vault.put(&key, &"community".into()).unwrap();
    assert_eq!(vault.list(&project).unwrap(), vec![key.clone()]);
    vault.delete(&key).unwrap();
}

#[test]
fn a_locked_keyring_is_a_clear_error() {
    if !keyring_available("a_locked_keyring_is_a_clear_error") {
        return;
    }
    let script = script();
    let out = child(
        &[script.to_str().unwrap(), "--locked"],
        "locked_child",
        "locked",
        &[],
    );
    let text = combined(&out);
    assert!(out.status.success(), "child failed: {text}");
    assert!(text.contains("CHILD-OK locked"), "{text}");
}

#[test]
fn locked_child() {
    if std::env::var(CHILD_VAR).as_deref() != Ok("locked") {
        eprintln!(
            "SKIP locked_child: helper of a_locked_keyring_is_a_clear_error, runs only as its child"
        );
        return;
    }
    assert_eq!(
        std::env::var("HANDOVER_KEYRING_TEST").as_deref(),
        Ok("locked")
    );
    let err = OsKeyring::open().expect_err("a locked keyring must not open");
    assert!(err.is_locked(), "{err:?}");
    assert!(!err.is_unavailable());
    let msg = err.to_string();
    assert!(msg.contains("unlock your login keyring"), "{msg}");
    assert!(msg.contains("never falls back"), "{msg}");
    // With prompting allowed, operations ask for an unlock; headless, no prompt can be shown, so each
    // operation fails (quickly, not hanging) as Locked, and nothing is stored anywhere.
    let vault = OsKeyring::open_prompting().expect("open without the lock probe");
    let key = EntryKey::device("locked-test", "cam-1", "admin", Slot::Pending).unwrap();
    let err = vault.put(&key, &"never-stored".into()).unwrap_err();
    assert!(err.is_locked(), "put: {err:?}");
    assert!(
        err.to_string().contains("unlock your login keyring"),
        "{err}"
    );
    let out = Command::new("secret-tool")
        .args(["search", "--all", "service", "handover"])
        .output()
        .unwrap();
    assert!(!combined(&out).contains("never-stored"));
    // The marker item the script stored while creating the keyring is there, but locked: reading or listing
    // it needs an unlock, which cannot be shown here.
    let marker = EntryKey::other("locked-test", "marker").unwrap();
    let err = vault.get(&marker).unwrap_err();
    assert!(err.is_locked(), "get: {err:?}");
    let err = vault.list("locked-test").unwrap_err();
    assert!(err.is_locked(), "list: {err:?}");
    println!("CHILD-OK locked: {msg}");
}

#[test]
fn no_session_bus_is_a_clear_error() {
    let out = child(
        &[],
        "no_bus_child",
        "no-bus",
        &[(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/handover-test-bus",
        )],
    );
    let text = combined(&out);
    assert!(out.status.success(), "child failed: {text}");
    assert!(text.contains("CHILD-OK no-bus"), "{text}");
}

#[test]
fn no_bus_child() {
    if std::env::var(CHILD_VAR).as_deref() != Ok("no-bus") {
        eprintln!(
            "SKIP no_bus_child: helper of no_session_bus_is_a_clear_error, runs only as its child"
        );
        return;
    }
    let err = OsKeyring::open().expect_err("no bus, no keyring");
    assert!(err.is_unavailable(), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("no D-Bus session bus"), "{msg}");
    assert!(msg.contains("never falls back"), "{msg}");
    println!("CHILD-OK no-bus: {msg}");
}

#[test]
fn a_bus_without_secret_service_is_a_clear_error() {
    if !keyring_available("a_bus_without_secret_service_is_a_clear_error") {
        return;
    }
    // A session bus that cannot activate anything: no <servicedir>, so gnome-keyring is not auto-started.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("session.conf");
    std::fs::write(
        &config,
        format!(
            r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
"#,
            dir.path().display()
        ),
    )
    .unwrap();
    let config_arg = format!("--config-file={}", config.display());
    let out = child(
        &["dbus-run-session", &config_arg, "--"],
        "no_service_child",
        "no-service",
        &[],
    );
    let text = combined(&out);
    assert!(out.status.success(), "child failed: {text}");
    assert!(text.contains("CHILD-OK no-service"), "{text}");
}

#[test]
fn no_service_child() {
    if std::env::var(CHILD_VAR).as_deref() != Ok("no-service") {
        eprintln!(
            "SKIP no_service_child: helper of a_bus_without_secret_service_is_a_clear_error, runs only as its child"
        );
        return;
    }
    let err = OsKeyring::open().expect_err("no Secret Service, no keyring");
    assert!(err.is_unavailable(), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("no Secret Service running"), "{msg}");
    assert!(msg.contains("start gnome-keyring"), "{msg}");
    println!("CHILD-OK no-service: {msg}");
}

#[test]
fn a_rotation_is_visible_in_the_keyring_while_unsettled_and_clean_after_commit() {
    use handover_vault::rotation;
    if !keyring_available("a_rotation_is_visible_in_the_keyring") {
        return;
    }
    let vault = OsKeyring::open().unwrap();
    let project = unique_project("rotate");
    let account = EntryKey::device(&project, "cam-7", "admin", Slot::Current).unwrap();
    rotation::stage(
        &vault,
        &account,
        &"factory-12345".into(),
        &"New-Pass-1".into(),
    )
    .unwrap();
    // An independent reader sees the pending entry, found by its account string as recovery would.
    let pending_account = account.with_slot(Slot::Pending).unwrap().account();
    let pending = secret_tool(&[
        "search",
        "--all",
        "service",
        "handover",
        "username",
        &pending_account,
    ]);
    assert!(pending.contains("secret = New-Pass-1"), "{pending}");
    let open = rotation::unsettled(&vault, &project).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].account, account);
    // A fresh connection (as after a restart) sees the same.
    let again = OsKeyring::open().unwrap();
    assert_eq!(rotation::unsettled(&again, &project).unwrap().len(), 1);
    rotation::commit(&again, &account).unwrap();
    assert!(rotation::unsettled(&vault, &project).unwrap().is_empty());
    assert_eq!(vault.list(&project).unwrap(), vec![account.clone()]);
    assert_eq!(
        secret_tool(&[
            "lookup",
            "service",
            "handover",
            "username",
            &account.account()
        ]),
        "New-Pass-1"
    );
    vault.delete(&account).unwrap();
}

#[test]
fn a_duplicated_item_is_reported_as_ambiguous() {
    if !keyring_available("a_duplicated_item_is_reported_as_ambiguous") {
        return;
    }
    let vault = OsKeyring::open().unwrap();
    let project = unique_project("dup");
    let key = EntryKey::device(&project, "cam-3", "admin", Slot::Current).unwrap();
    vault.put(&key, &"one".into()).unwrap();
    // A second item with the same service and account (e.g. restored from a backup by another tool).
    let account = key.account();
    let mut child = Command::new("secret-tool")
        .args([
            "store",
            "--label=copy",
            "service",
            "handover",
            "username",
            &account,
            "origin",
            "backup",
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"two").unwrap();
    assert!(child.wait().unwrap().success());
    let err = vault.get(&key).unwrap_err();
    assert!(err.is_ambiguous(), "{err:?}");
    assert!(err.to_string().contains("2 keyring items match"), "{err}");
    assert!(!err.to_string().contains("one") && !format!("{err:?}").contains("two"));
    // Clean up both with secret-tool (the vault refuses to guess which one to delete).
    secret_tool(&["clear", "service", "handover", "username", &account]);
    assert!(vault.get(&key).unwrap_err().is_not_found());
}

#[test]
fn concurrent_use_from_many_threads() {
    if !keyring_available("concurrent_use_from_many_threads") {
        return;
    }
    let vault = OsKeyring::open().unwrap();
    let project = unique_project("threads");
    let started = std::time::Instant::now();
    std::thread::scope(|s| {
        for t in 0..8 {
            let vault = vault.clone();
            let project = project.clone();
            s.spawn(move || {
                for i in 0..10 {
                    let key = EntryKey::device(
                        &project,
                        &format!("dev-{t}"),
                        &format!("user-{i}"),
                        Slot::Current,
                    )
                    .unwrap();
                    let value = SecretString::from(format!("pw-{t}-{i}"));
                    vault.put(&key, &value).unwrap();
                    assert_eq!(vault.get(&key).unwrap(), value);
                }
            });
        }
    });
    let elapsed = started.elapsed();
    println!(
        "80 put+get pairs from 8 threads: {elapsed:?} ({:?} per pair)",
        elapsed / 80
    );
    let keys = vault.list(&project).unwrap();
    assert_eq!(keys.len(), 80);
    for key in keys {
        assert!(vault.delete(&key).unwrap());
    }
}

/// The package folder, read when the test runs (not baked in at build time), so a test binary built
/// from another checkout of the same commit still finds this checkout's files.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
}
