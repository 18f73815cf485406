//! Offline catalog updates: a newer signed catalog is taken; tampered, unsigned, foreign-signed or older ones
//! are refused and the catalog in use stays.

use handover_test_support::engine as common;

use std::path::Path;

use handover_engine::catalogs::{import, load_with};
use handover_policy::catalog::signature::{TrustedKey, sign};

const FIRMWARE: &str = include_str!("../../../assets/catalogs/firmware-baseline.toml");

fn write(dir: &Path, name: &str, text: &str, sig: Option<String>) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    if let Some(sig) = sig {
        std::fs::write(dir.join(format!("{name}.sig")), sig).unwrap();
    }
    p
}

#[test]
fn a_newer_signed_catalog_is_used_and_everything_else_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let key = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let trusted = [TrustedKey::from_key(key.verifying_key())];
    let newer = FIRMWARE
        .replace("version = \"2026.11.1\"", "version = \"2026.12.1\"")
        .replace("min_version = \"1.4.2\"", "min_version = \"1.5.0\"");

    // Unsigned.
    let f = write(dir.path(), "a.toml", &newer, None);
    let e = import(&data, &f, &trusted).unwrap_err();
    assert!(e.to_string().contains("not signed"), "{e}");
    // Tampered after signing.
    let f = write(
        dir.path(),
        "b.toml",
        &newer.replace("1.5.0", "0.0.1"),
        Some(sign(newer.as_bytes(), &key)),
    );
    let e = import(&data, &f, &trusted).unwrap_err();
    assert!(e.to_string().contains("invalid signature"), "{e}");
    // Signed by someone else.
    let other = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let f = write(
        dir.path(),
        "c.toml",
        &newer,
        Some(sign(newer.as_bytes(), &other)),
    );
    assert!(
        import(&data, &f, &trusted)
            .unwrap_err()
            .to_string()
            .contains("invalid signature")
    );
    // Signed but malformed: names the line.
    let broken = newer.replace(
        "[[family]]\nvendor = \"generic\"",
        "[[family]]\nvendor = generic",
    );
    let f = write(
        dir.path(),
        "d.toml",
        &broken,
        Some(sign(broken.as_bytes(), &key)),
    );
    let e = import(&data, &f, &trusted).unwrap_err();
    assert!(e.to_string().contains("line"), "{e}");
    assert_eq!(
        load_with(&data, &trusted).0.firmware.info.header.version,
        "2026.11.1",
        "refusals change nothing"
    );

    // Newer and signed: taken.
    let f = write(
        dir.path(),
        "e.toml",
        &newer,
        Some(sign(newer.as_bytes(), &key)),
    );
    let info = import(&data, &f, &trusted).unwrap();
    assert_eq!(info.header.version, "2026.12.1");
    let (now, warnings) = load_with(&data, &trusted);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(now.firmware.info.header.version, "2026.12.1");
    assert_eq!(now.firmware.info.source, "imported");
    // Loaded with the keys shipped in Handover, the same file is not trusted: checked at every load, not only
    // at import.
    let (shipped, warnings) = load_with(&data, &TrustedKey::shipped());
    assert_eq!(shipped.firmware.info.header.version, "2026.11.1");
    assert!(warnings[0].to_string().contains("ignored"), "{warnings:?}");
    // The same again is not newer.
    let e = import(&data, &f, &trusted).unwrap_err();
    assert!(e.to_string().contains("not newer"), "{e}");
}

#[test]
fn the_shipped_catalogs_carry_valid_signatures_from_the_shipped_key() {
    for name in ["firmware-baseline", "default-credentials"] {
        let base = manifest_dir().join("../../assets/catalogs");
        let bytes = std::fs::read(base.join(format!("{name}.toml"))).unwrap();
        let sig = std::fs::read_to_string(base.join(format!("{name}.toml.sig"))).unwrap();
        handover_policy::catalog::signature::verify(
            name,
            &bytes,
            Some(&sig),
            &TrustedKey::shipped(),
        )
        .unwrap();
    }
}

/// A catalog dropped into the data folder by hand (no valid signature), or changed after import, is ignored at
/// load with a warning; an imported catalog older than the built-in one (after an upgrade) no longer overrides it.
#[test]
fn every_load_checks_the_signature_and_the_newest_catalog_wins() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("catalogs")).unwrap();
    let key = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let trusted = [TrustedKey::from_key(key.verifying_key())];
    let dropped = data.join("catalogs/firmware-baseline.toml");
    let newer = FIRMWARE.replace("version = \"2026.11.1\"", "version = \"2027.1.1\"");
    // Unsigned, dropped in by hand.
    std::fs::write(&dropped, &newer).unwrap();
    let (c, warnings) = load_with(&data, &trusted);
    assert_eq!(c.firmware.info.source, "built-in");
    assert!(
        warnings
            .iter()
            .any(|w| w.to_string().contains("not signed")),
        "{warnings:?}"
    );
    // Signed, then changed after import.
    std::fs::write(
        dropped.with_extension("toml.sig"),
        sign(newer.as_bytes(), &key),
    )
    .unwrap();
    assert_eq!(
        load_with(&data, &trusted).0.firmware.info.source,
        "imported"
    );
    std::fs::write(&dropped, newer.replace("2027.1.1", "2027.1.2")).unwrap();
    let (c, warnings) = load_with(&data, &trusted);
    assert_eq!(c.firmware.info.source, "built-in");
    assert!(
        warnings
            .iter()
            .any(|w| w.to_string().contains("invalid signature")),
        "{warnings:?}"
    );
    // Validly signed but older than the built-in catalog: the built-in one wins.
    let older = FIRMWARE.replace("version = \"2026.11.1\"", "version = \"2025.1.1\"");
    std::fs::write(&dropped, &older).unwrap();
    std::fs::write(
        dropped.with_extension("toml.sig"),
        sign(older.as_bytes(), &key),
    )
    .unwrap();
    let (c, warnings) = load_with(&data, &trusted);
    assert_eq!(c.firmware.info.header.version, "2026.11.1");
    assert!(
        warnings.iter().any(|w| w.to_string().contains("not newer")),
        "{warnings:?}"
    );
}

/// An ignored catalog file is written to the project's audit log, once while the reason stays the same, and
/// again when it changes; the chain stays intact.
#[test]
fn an_ignored_catalog_is_audited_once_per_reason() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("catalogs")).unwrap();
    // The catalogs in use are those of the data folder, checked again at each use (not fixed ones).
    let mut env = handover_engine::Env::for_tests().with_data_dir(data.clone());
    env.catalogs = None;
    let s = common::demo_project_in(dir.path(), "catalogs", env);
    let dropped = data.join("catalogs/firmware-baseline.toml");
    let newer = FIRMWARE.replace("version = \"2026.11.1\"", "version = \"2027.1.1\"");
    std::fs::write(&dropped, &newer).unwrap();
    let ignored = |s: &handover_engine::Session| {
        s.audit_entries(0, 10_000)
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "catalog.ignored")
            .collect::<Vec<_>>()
    };
    for _ in 0..3 {
        let (c, warnings) = s.catalogs().unwrap();
        assert_eq!(c.firmware.info.source, "built-in");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }
    let entries = ignored(&s);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].subject, "firmware-baseline");
    assert!(
        entries[0].detail["why"]
            .as_str()
            .unwrap()
            .contains("not signed"),
        "{entries:?}"
    );
    // Another reason (a signature from a key Handover does not ship): a second entry.
    let key = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    std::fs::write(
        dropped.with_extension("toml.sig"),
        sign(newer.as_bytes(), &key),
    )
    .unwrap();
    s.catalogs().unwrap();
    s.catalogs().unwrap();
    assert_eq!(ignored(&s).len(), 2);
    assert!(s.verify_audit().unwrap().is_intact());
}

/// The package folder, read when the test runs (not baked in at build time), so a test binary built
/// from another checkout of the same commit still finds this checkout's files.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
}
