//! Integration tests of the KeePass export, read back by an independent reader: KeePassXC's `keepassxc-cli`
//! (Debian package keepassxc). Checks every entry's group, title, user name, password, URL and notes, the KDF
//! actually written (Argon2id, 64 MiB), that a wrong password does not open the file, and that failures (bad
//! path, full disk) leave no file behind. Where `keepassxc-cli` is missing the reader tests print why they skip,
//! except under CI (`CI` set), where a missing tool is a failure.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use handover_vault::export::{ExportAccount, ExportModel, KdfParams, NO_VLAN_GROUP, export_kdbx};
use handover_vault::{PasswordPolicy, SecretString, generate};
use rand::SeedableRng;

const PASSWORD: &str = "correct horse battery staple";

fn have_cli(test: &str) -> bool {
    let found = Command::new("keepassxc-cli")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{test}: keepassxc-cli is missing under CI: run scripts/setup.sh"
        );
        eprintln!(
            "SKIP {test}: keepassxc-cli not found (apt-get install keepassxc, or scripts/setup.sh)"
        );
    }
    found
}

/// Runs `keepassxc-cli <args>` with the database password on stdin.
fn cli(password: &str, args: &[&str]) -> Output {
    let mut child = Command::new("keepassxc-cli")
        .args(args)
        .env("QT_QPA_PLATFORM", "offscreen")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn keepassxc-cli");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn account(site: &str, vlan: Option<&str>, title: &str, password: &str) -> ExportAccount {
    ExportAccount {
        site: site.into(),
        vlan: vlan.map(Into::into),
        title: title.into(),
        url: format!("http://127.0.0.{}/", title.len()),
        username: "admin".into(),
        password: SecretString::from(password),
        model: Some("DS-2CD2143G2-I".into()),
        serial: Some(format!("SN-{title}")),
        mac: Some("44:19:b6:00:00:01".into()),
        extra_notes: None,
    }
}

fn model() -> ExportModel {
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let generated = |rng: &mut rand::rngs::StdRng| {
        generate(&PasswordPolicy::default(), rng)
            .unwrap()
            .password
            .expose()
            .clone()
    };
    let mut onvif = account(
        "Warehouse North",
        Some("VLAN 20 cameras"),
        "cam-dock-2",
        &generated(&mut rng),
    );
    onvif.url = "http://127.0.0.7:8080/onvif/device_service".into();
    onvif.username = "operator".into();
    onvif.extra_notes = Some("Firmware: V5.7.3 build 220112".into());
    ExportModel {
        title: "Handover: ACME 2026-11".into(),
        accounts: vec![
            account(
                "Warehouse North",
                Some("VLAN 20 cameras"),
                "cam-dock-1",
                &generated(&mut rng),
            ),
            onvif,
            account(
                "Warehouse North",
                Some("VLAN 30 access"),
                "door-main",
                &generated(&mut rng),
            ),
            // Characters that need escaping in XML and CSV, and non-ASCII.
            account("Office", None, "nvr-1", r#"<&>"'\,;ü€"#),
            account(
                "Office",
                Some("VLAN 20 cameras"),
                "cam-lobby",
                &generated(&mut rng),
            ),
        ],
    }
}

#[test]
fn keepassxc_reads_every_entry_back() {
    if !have_cli("keepassxc_reads_every_entry_back") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.kdbx");
    let model = model();
    let started = Instant::now();
    export_kdbx(&path, &model, &PASSWORD.into(), &KdfParams::STRONG).unwrap();
    println!("export with KdfParams::STRONG took {:?}", started.elapsed());

    let out = cli(
        PASSWORD,
        &["export", "-q", "-f", "csv", path.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name} in {headers:?}"))
    };
    let (group, title, user, pass, url, notes) = (
        col("Group"),
        col("Title"),
        col("Username"),
        col("Password"),
        col("URL"),
        col("Notes"),
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), model.accounts.len(), "{rows:?}");
    for a in &model.accounts {
        let row = rows
            .iter()
            .find(|r| &r[title] == a.title.as_str())
            .unwrap_or_else(|| panic!("{}", a.title));
        let vlan = a.vlan.as_deref().unwrap_or(NO_VLAN_GROUP);
        assert_eq!(&row[group], format!("{}/{}/{}", model.title, a.site, vlan));
        assert_eq!(&row[user], a.username.as_str());
        assert_eq!(&row[pass], a.password.expose().as_str(), "{}", a.title);
        assert_eq!(&row[url], a.url.as_str());
        assert_eq!(&row[notes], a.notes().as_str());
        assert!(
            row[notes].contains("Model: DS-2CD2143G2-I")
                && row[notes].contains("MAC: 44:19:b6:00:00:01")
        );
    }

    // `show -s` (the brief's recipe) on one entry, by path.
    let out = cli(
        PASSWORD,
        &[
            "show",
            "-q",
            "-s",
            "-a",
            "Password",
            path.to_str().unwrap(),
            "Office/No VLAN/nvr-1",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout)
            .unwrap()
            .trim_end_matches('\n'),
        r#"<&>"'\,;ü€"#
    );

    // The KDF that was written (the KDBX4 header read back by the keepass crate, then by keepassxc-cli).
    let db = keepass::Database::open(
        &mut std::fs::File::open(&path).unwrap(),
        keepass::DatabaseKey::new().with_password(PASSWORD),
    )
    .unwrap();
    assert_eq!(
        db.config.kdf_config,
        keepass::config::KdfConfig::Argon2id {
            iterations: 10,
            memory: 64 * 1024 * 1024,
            parallelism: 2,
            version: argon2::Version::Version13
        }
    );
    let out = cli(PASSWORD, &["db-info", "-q", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(info.contains("Number of entries: 5"), "{info}");
    assert!(
        info.contains("KDF: Argon2id (10 rounds, 65536 KB)"),
        "{info}"
    );
    assert!(info.contains("Cipher: AES 256-bit"), "{info}");
    assert!(info.contains("Recycle bin is not enabled"), "{info}");

    // The wrong password opens nothing.
    let out = cli("wrong password 123", &["ls", "-q", path.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Warehouse"));
}

fn dir_is_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().next().is_none()
}

#[test]
fn failures_leave_no_file_behind() {
    let dir = tempfile::tempdir().unwrap();
    let kdf = KdfParams::insecure_for_tests_only();
    // No such directory.
    let err = export_kdbx(
        &dir.path().join("missing/site.kdbx"),
        &model(),
        &PASSWORD.into(),
        &kdf,
    )
    .unwrap_err();
    assert!(err.is_export_io(), "{err}");
    assert!(err.to_string().contains("no partial file"), "{err}");
    // The parent is a regular file.
    std::fs::write(dir.path().join("plain"), b"x").unwrap();
    let err = export_kdbx(
        &dir.path().join("plain/site.kdbx"),
        &model(),
        &PASSWORD.into(),
        &kdf,
    )
    .unwrap_err();
    assert!(err.is_export_io(), "{err}");
    // Too short a password: refused before anything is written.
    let target = dir.path().join("site.kdbx");
    let err = export_kdbx(&target, &model(), &"short".into(), &kdf).unwrap_err();
    assert!(err.to_string().contains("shorter than 12"), "{err}");
    assert!(!target.exists());
    std::fs::remove_file(dir.path().join("plain")).unwrap();
    assert!(dir_is_empty(dir.path()));
}

#[test]
fn an_existing_file_is_replaced_only_on_success() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("site.kdbx");
    std::fs::write(&target, b"previous export").unwrap();
    let kdf = KdfParams::insecure_for_tests_only();
    assert!(export_kdbx(&target, &model(), &"short".into(), &kdf).is_err());
    assert_eq!(std::fs::read(&target).unwrap(), b"previous export");
    export_kdbx(&target, &model(), &PASSWORD.into(), &kdf).unwrap();
    let bytes = std::fs::read(&target).unwrap();
    // KDBX signature 0x9AA2D903 0xB54BFB67, version 4.
    assert_eq!(
        &bytes[..8],
        &[0x03, 0xd9, 0xa2, 0x9a, 0x67, 0xfb, 0x4b, 0xb5]
    );
    assert_eq!(u16::from_le_bytes([bytes[10], bytes[11]]), 4);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names,
        vec![std::ffi::OsString::from("site.kdbx")],
        "no temporary file left"
    );
    // The secret never appears in clear in the file.
    let needle = model().accounts[3].password.expose().clone();
    assert!(!bytes.windows(needle.len()).any(|w| w == needle.as_bytes()));
}

#[test]
fn a_full_disk_is_a_clear_error_and_leaves_no_file() {
    // A 16 KiB tmpfs in a private mount namespace (needs root: CI runs as root).
    if std::env::var("HANDOVER_VAULT_CHILD").as_deref() == Ok("full-disk") {
        let dir = std::env::var("HANDOVER_VAULT_FULL_DIR").unwrap();
        let dir = Path::new(&dir);
        let mut big = model();
        let template = big.accounts[0].clone();
        for i in 0..400 {
            let mut a = template.clone();
            a.title = format!("cam-{i}");
            a.extra_notes = Some(format!("{i:0>64}"));
            a.password = SecretString::from(format!("{i}-{}", "x".repeat(40)));
            big.accounts.push(a);
        }
        let err = export_kdbx(
            &dir.join("site.kdbx"),
            &big,
            &PASSWORD.into(),
            &KdfParams::insecure_for_tests_only(),
        )
        .unwrap_err();
        assert!(err.is_export_io(), "{err}");
        assert!(err.to_string().contains("No space left on device"), "{err}");
        assert!(
            dir_is_empty(dir),
            "partial file left: {:?}",
            std::fs::read_dir(dir).unwrap().collect::<Vec<_>>()
        );
        println!("CHILD-OK full-disk: {err}");
        return;
    }
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    if !is_root {
        eprintln!(
            "SKIP a_full_disk_is_a_clear_error: needs root for a tmpfs in a private mount namespace"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let script = format!(
        "mount -t tmpfs -o size=16k tmpfs '{}' && exec '{}' --exact a_full_disk_is_a_clear_error_and_leaves_no_file --nocapture",
        dir.path().display(),
        exe.display()
    );
    let out = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", &script])
        .env("HANDOVER_VAULT_CHILD", "full-disk")
        .env("HANDOVER_VAULT_FULL_DIR", dir.path())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("CHILD-OK full-disk"), "{text}");
}
