//! What reaches the terminal: a closed stdout (`handover devices | head`) ends the command quietly with its own
//! exit status instead of a panic (exit 101), and text a device sent (maker, model, serial) is shown with its
//! control characters escaped, so an escape sequence cannot clear the screen, recolour it or retitle the window.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn demo_plan() -> String {
    manifest_dir()
        .join("../../assets/demo/plan.csv")
        .to_string_lossy()
        .into_owned()
}

fn handover(project: &Path, args: &[&str], stdout: Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_handover"))
        .arg("--project")
        .arg(project)
        .args(args)
        .env_remove("HANDOVER_PROJECT")
        .env_remove("HANDOVER_TECHNICIAN")
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .expect("run handover")
}

/// A pipe whose reader is already gone: every write to it fails with EPIPE.
fn closed_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    writer.into()
}

fn init(dir: &Path) -> PathBuf {
    let p = dir.join("site.handover");
    let o = handover(
        &p,
        &[
            "init",
            "--name",
            "Warehouse 3",
            "--technician",
            "Ana",
            "--plan",
            demo_plan().as_str(),
        ],
        Stdio::piped(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    p
}

#[test]
fn a_closed_stdout_ends_quietly_with_the_commands_own_status() {
    let dir = tempfile::tempdir().unwrap();
    let p = init(dir.path());
    let not_a_pdf = dir.path().join("plan.csv");
    std::fs::copy(demo_plan().as_str(), &not_a_pdf).unwrap();
    let cases: [(&[&str], i32); 5] = [
        (&["status"], 0),
        (&["devices"], 0),
        (&["--json", "audit", "log"], 0),
        (&["verify", not_a_pdf.to_str().unwrap()], 5),
        (&["--json", "verify", not_a_pdf.to_str().unwrap()], 5),
    ];
    for (args, status) in cases {
        let o = handover(&p, args, closed_pipe());
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(status), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn device_text_reaches_the_terminal_inert() {
    let dir = tempfile::tempdir().unwrap();
    let p = init(dir.path());
    // A device whose answers carried escape sequences (as one UDP Hello or a SOAP answer can).
    let o = Command::new("sqlite3")
        .arg(&p)
        .arg(
            r#"INSERT INTO devices (address, serial, found_by, facts, first_seen, last_seen) VALUES
               ('10.20.0.9', 'S1' || char(27) || '[31m', '[]',
                '{"manufacturer":"Evil\u001b[2J\u001b[H","model":"Cam\u001b]0;pwned\u0007\u202e"}',
                '2026-11-20T16:30:00Z', '2026-11-20T16:30:00Z');"#,
        )
        .output()
        .expect("sqlite3 is installed by scripts/setup.sh");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = handover(&p, &["devices"], Stdio::piped());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        !out.chars()
            .any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'),
        "{out:?}"
    );
    assert!(out.contains(r"Evil\x1b[2J\x1b[H"), "{out}");
    assert!(out.contains(r"Cam\x1b]0;pwned\x07\u{202e}"), "{out}");
    assert!(out.contains(r"S1\x1b[31m"), "{out}");
    // JSON keeps the exact text, escaped the JSON way.
    let o = handover(&p, &["--json", "devices"], Stdio::piped());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["facts"]["manufacturer"], "Evil\u{1b}[2J\u{1b}[H");
}

/// Every command that prints device-sourced text, on stdout and stderr alike: finding titles and evidence
/// (written from a device's answers), the status page, the audit log, and an error naming a device's text.
#[test]
fn finding_titles_status_audit_and_errors_reach_the_terminal_inert() {
    let dir = tempfile::tempdir().unwrap();
    let p = init(dir.path());
    let o = Command::new("sqlite3")
        .arg(&p)
        .arg(
            r#"INSERT INTO devices (address, serial, found_by, facts, first_seen, last_seen) VALUES
               ('10.20.0.9', 'S2', '[]', '{"manufacturer":"Evil\u001b[2J"}',
                '2026-11-20T16:30:00Z', '2026-11-20T16:30:00Z');
               INSERT INTO findings (device_id, check_id, severity, title, evidence, clauses, status,
                                     raised_at, updated_at)
               SELECT id, 'firmware.baseline', 'high', 'Firmware ' || char(27) || ']0;pwned' || char(7) || ' is old',
                      'reported ' || char(27) || '[8m hidden', '[]', 'open',
                      '2026-11-20T16:30:00Z', '2026-11-20T16:30:00Z' FROM devices WHERE serial = 'S2';"#,
        )
        .output()
        .expect("sqlite3 is installed by scripts/setup.sh");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let clean = |what: &str, text: &str| {
        assert!(
            !text
                .chars()
                .any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'),
            "{what}: {text:?}"
        );
    };
    for args in [
        &["findings"][..],
        &["status"],
        &["devices"],
        &["audit", "log"],
    ] {
        let o = handover(&p, args, Stdio::piped());
        let (out, err) = (
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr),
        );
        assert!(o.status.success(), "{args:?}: {out}{err}");
        clean(&format!("{args:?} stdout"), &out);
        clean(&format!("{args:?} stderr"), &err);
        if args == ["findings"] {
            assert!(out.contains(r"\x1b]0;pwned\x07"), "{out}");
        }
    }
    // An error that quotes what was given (here, a file name carrying an escape sequence) is inert too.
    let o = handover(
        &p,
        &["catalog", "import", "/nonexistent/evil\u{1b}[2J.toml"],
        Stdio::piped(),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    clean("error", &err);
    assert!(err.contains(r"\x1b[2J"), "{err}");
}

/// `devices web` names the device's HTTPS page where it has one, and warns where it has only plain HTTP.
#[test]
fn devices_web_prefers_https_and_warns_about_plain_http() {
    let dir = tempfile::tempdir().unwrap();
    let p = init(dir.path());
    let o = Command::new("sqlite3")
        .arg(&p)
        .arg(
            r#"INSERT INTO devices (address, serial, found_by, facts, first_seen, last_seen) VALUES
               ('10.20.0.9', 'S1', '[]', '{"xaddr":"https://10.20.0.9:8443/onvif/device_service"}',
                '2026-11-20T16:30:00Z', '2026-11-20T16:30:00Z'),
               ('10.20.0.10', 'S2', '[]', '{"protocols":["HTTP:8080"]}',
                '2026-11-20T16:30:00Z', '2026-11-20T16:30:00Z');"#,
        )
        .output()
        .expect("sqlite3 is installed by scripts/setup.sh");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = handover(&p, &["devices", "web", "--device", "D1"], Stdio::piped());
    assert!(o.status.success());
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        "https://10.20.0.9:8443/"
    );
    let o = handover(&p, &["devices", "web", "--device", "D2"], Stdio::piped());
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        "http://10.20.0.10:8080/"
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("offers no HTTPS"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// An error whose causes repeat one another (the keyring's does: each layer quotes the one below) shows each
/// piece of text once: no "caused by" line that an earlier line already carries.
#[test]
fn an_unreachable_keyring_is_explained_once_with_exit_8() {
    let dir = tempfile::tempdir().unwrap();
    let p = init(dir.path());
    let runtime = dir.path().join("run");
    std::fs::create_dir(&runtime).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_handover"))
        .arg("--project")
        .arg(&p)
        .args(["credentials", "find-defaults"])
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("XDG_RUNTIME_DIR", &runtime)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(8), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].starts_with("error: ") && lines[0].contains("D-Bus"),
        "{err}"
    );
    for (i, l) in lines.iter().enumerate().skip(1) {
        let cause = l.trim_start().trim_start_matches("caused by: ");
        assert!(
            !lines[..i].iter().any(|earlier| earlier.contains(cause)),
            "line {i} repeats an earlier one:\n{err}"
        );
    }
}

/// The package folder, read when the test runs (not baked in at build time), so a test binary built
/// from another checkout of the same commit still finds this checkout's files.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
}
