//! Offline catalog updates: a newer signed catalog is taken; tampered, unsigned, foreign-signed or older ones
//! are refused and the catalog in use stays.

use std::path::Path;

use handover_engine::catalogs::{import, load};
use handover_engine::policy::catalog::signature::{TrustedKey, sign};

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
        load(&data).firmware.info.header.version,
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
    let now = load(&data).firmware;
    assert_eq!(now.info.header.version, "2026.12.1");
    assert_eq!(now.info.source, "imported");
    // The same again is not newer.
    let e = import(&data, &f, &trusted).unwrap_err();
    assert!(e.to_string().contains("not newer"), "{e}");
}

#[test]
fn the_shipped_catalogs_carry_valid_signatures_from_the_shipped_key() {
    for name in ["firmware-baseline", "default-credentials"] {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/catalogs");
        let bytes = std::fs::read(base.join(format!("{name}.toml"))).unwrap();
        let sig = std::fs::read_to_string(base.join(format!("{name}.toml.sig"))).unwrap();
        handover_engine::policy::catalog::signature::verify(
            name,
            &bytes,
            Some(&sig),
            &TrustedKey::shipped(),
        )
        .unwrap();
    }
}
