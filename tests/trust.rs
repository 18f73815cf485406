//! `handover report` and `handover verify` as IT meets them, through the real OS keyring (run under
//! scripts/with-keyring.sh, as the test suite is): the four verdicts with their exit statuses, text and
//! `--json`; the signer's organisation against the integrator the report names; a `--trust` file without a
//! certificate refused; and history first: no report is signed over an audit log that does not verify.
//! One test function, because the signing identity lives in the one keyring the run shares.

use std::path::{Path, PathBuf};
use std::process::Command;

use handover_system_tests::{
    demo_plan, handover as run, handover_bin, keyring_or_skip, sqlite3, text,
};

fn init(dir: &Path, data: &Path, name: &str, integrator: &str) -> PathBuf {
    let p = dir.join(format!("{name}.handover"));
    let o = run(
        &p,
        data,
        &[
            "init",
            "--name",
            name,
            "--integrator",
            integrator,
            "--technician",
            "Ana",
            "--plan",
            demo_plan().as_str(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    p
}

/// `verify --json` of `pdf` trusting `trust`: (exit status, the JSON).
fn verify_json(
    p: &Path,
    data: &Path,
    pdf: &Path,
    trust: Option<&Path>,
) -> (i32, serde_json::Value) {
    let mut args = vec!["--json", "verify", pdf.to_str().unwrap()];
    if let Some(t) = trust {
        args.extend(["--trust", t.to_str().unwrap()]);
    }
    let o = run(p, data, &args);
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o)));
    (o.status.code().unwrap(), v)
}

fn other_ca(dir: &Path) -> PathBuf {
    let out = dir.join("other-ca.pem");
    let o = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ])
        .args(["-subj", "/O=Other/CN=Other CA", "-days", "30", "-keyout"])
        .arg(dir.join("other-ca.key"))
        .arg("-out")
        .arg(&out)
        .output()
        .expect("openssl is installed by scripts/setup.sh");
    assert!(o.status.success(), "{}", text(&o));
    out
}

#[test]
fn four_verdicts_the_integrator_check_and_history_first() {
    if !keyring_or_skip("four_verdicts_the_integrator_check_and_history_first") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = d.join("data");
    let p = init(d, &data, "warehouse", "Test Integrators");
    let o = run(
        &p,
        &data,
        &[
            "sign-identity",
            "create",
            "--name",
            "Ana Test",
            "--org",
            "Test Integrators",
            "--replace",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let ca = data.join("signing/handover-ca.pem");
    let pdf = d.join("report.pdf");
    let o = run(&p, &data, &["report", "--out", pdf.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));

    // Valid and trusted: green, 0, and the printed audit head is what the twin claims.
    let o = run(
        &p,
        &data,
        &[
            "verify",
            pdf.to_str().unwrap(),
            "--trust",
            ca.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("VALID AND TRUSTED"), "{}", text(&o));
    let (code, v) = verify_json(&p, &data, &pdf, Some(&ca));
    assert_eq!(
        (code, &v["verdict"], &v["tone"]),
        (0, &"trusted".into(), &"green".into())
    );
    assert_eq!(v["exit_status"], 0);
    let head = &v["detail"]["audit_head"];
    assert_eq!(head["printed"], head["claimed"], "{v:#}");
    assert_eq!(head["claimed"].as_str().unwrap().len(), 64, "{v:#}");

    // No CA given: amber, 10, says so and how to give one.
    let o = run(&p, &data, &["verify", pdf.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(10), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("INTACT, SIGNER NOT TRUSTED"), "{t}");
    assert!(t.contains("no trusted CA was given"), "{t}");
    assert!(t.contains("--trust CA.pem"), "{t}");
    let (code, v) = verify_json(&p, &data, &pdf, None);
    assert_eq!(
        (code, &v["verdict"], &v["tone"]),
        (10, &"intact_untrusted".into(), &"amber".into())
    );
    assert!(
        v["reason"].as_str().unwrap().contains("no trusted CA"),
        "{v:#}"
    );

    // Another CA given: amber, 10, says the chain failed, and never asks for --trust (it was given).
    let other = other_ca(d);
    let o = run(
        &p,
        &data,
        &[
            "verify",
            pdf.to_str().unwrap(),
            "--trust",
            other.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(10), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("does not chain to any of the given CAs"), "{t}");
    assert!(
        !t.contains("pass --trust") && !t.contains("--trust CA.pem"),
        "{t}"
    );
    let (_, v) = verify_json(&p, &data, &pdf, Some(&other));
    assert_eq!(v["detail"]["chain"]["status"], "untrusted", "{v:#}");

    // A --trust file without a certificate is refused, not taken as "no CA given".
    let key_only = d.join("other-ca.key");
    let o = run(
        &p,
        &data,
        &[
            "verify",
            pdf.to_str().unwrap(),
            "--trust",
            key_only.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    assert!(text(&o).contains("no CERTIFICATE"), "{}", text(&o));

    // The same signer on a report naming another integrator: amber, naming both.
    let p2 = init(d, &data, "depot", "Someone Else Ltd");
    let pdf2 = d.join("depot.pdf");
    let o = run(&p2, &data, &["report", "--out", pdf2.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(
        &p2,
        &data,
        &[
            "verify",
            pdf2.to_str().unwrap(),
            "--trust",
            ca.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(10), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains("\"Test Integrators\"") && t.contains("\"Someone Else Ltd\""),
        "{t}"
    );

    // Changed: red, 5.
    let tampered = d.join("tampered.pdf");
    let mut bytes = std::fs::read(&pdf).unwrap();
    bytes[1500] ^= 0x01;
    std::fs::write(&tampered, bytes).unwrap();
    let o = run(
        &p,
        &data,
        &[
            "verify",
            tampered.to_str().unwrap(),
            "--trust",
            ca.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(5), "{}", text(&o));
    assert!(text(&o).contains("CHANGED OR INVALID"), "{}", text(&o));
    let (code, v) = verify_json(&p, &data, &tampered, Some(&ca));
    assert_eq!(
        (code, &v["verdict"], &v["tone"]),
        (5, &"changed".into(), &"red".into())
    );

    // Unsigned: red, 5.
    let (code, v) = verify_json(&p, &data, &d.join("report.json"), Some(&ca));
    assert_eq!(
        (code, &v["verdict"], &v["tone"]),
        (5, &"not_signed".into(), &"red".into())
    );

    // History first: after a hand edit of the audit log, `report` refuses, naming the entry; nothing is written.
    sqlite3(
        &p,
        "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'Mallory' WHERE seq = 2;",
    );
    let refused = d.join("refused.pdf");
    let o = run(&p, &data, &["report", "--out", refused.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(5), "{}", text(&o));
    assert!(text(&o).contains("entry 2 was changed"), "{}", text(&o));
    assert!(!refused.exists() && !d.join("refused.json").exists());
}

/// A PKCS#12 identity the user names is input: a file that is not PKCS#12, or one locked with another password,
/// is refused with exit status 4 and a message naming the cause, and no identity is stored.
#[test]
fn a_bad_or_wrongly_unlocked_pkcs12_file_is_refused_input() {
    if !keyring_or_skip("a_bad_or_wrongly_unlocked_pkcs12_file_is_refused_input") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let p = init(dir.path(), &data, "P12", "Example Security");
    let import = |file: &Path, password: &str| {
        use std::io::Write;
        let mut child = Command::new(handover_bin())
            .arg("--project")
            .arg(&p)
            .args(["sign-identity", "import"])
            .arg(file)
            .env("HANDOVER_DATA_DIR", &data)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{password}\n").as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let garbage = dir.path().join("not.p12");
    std::fs::write(&garbage, b"this is not a PKCS#12 file").unwrap();
    let o = import(&garbage, "x");
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    assert!(text(&o).contains("PKCS#12"), "{}", text(&o));

    // A real PKCS#12 file (made by openssl), opened with the wrong password.
    let key = dir.path().join("k.pem");
    let cert = dir.path().join("c.pem");
    let p12 = dir.path().join("id.p12");
    let ok = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
        ])
        .args([
            "-nodes",
            "-days",
            "30",
            "-subj",
            "/CN=Refused Import/O=Nobody",
        ])
        .args([
            "-addext",
            "keyUsage=critical,digitalSignature,nonRepudiation",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", text(&ok));
    let ok = Command::new("openssl")
        .args(["pkcs12", "-export", "-passout", "pass:right-one"])
        .arg("-inkey")
        .arg(&key)
        .arg("-in")
        .arg(&cert)
        .arg("-out")
        .arg(&p12)
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", text(&ok));
    let o = import(&p12, "wrong-one");
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    assert!(text(&o).to_lowercase().contains("password"), "{}", text(&o));
    // Nothing was stored: the identity in use (if another test made one) is not the refused one.
    let shown = run(&p, &data, &["sign-identity", "show"]);
    assert!(!text(&shown).contains("Refused Import"), "{}", text(&shown));
}
