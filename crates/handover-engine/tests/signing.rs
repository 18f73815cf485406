//! The laptop-wide signing identity through the engine's `Signing` façade and `Session::write_report`, which
//! takes the identity from the session's keyring: what both front ends show, create and sign with. An in-memory
//! keyring and a data folder of the test's own (the CA file is written there, never into the user's).

use std::sync::Arc;

use handover_engine::report_types::PageSize;
use handover_engine::signing::Signing;
use handover_engine::vault::SecretString;
use handover_engine::{ErrorCode, Session};
use handover_test_support::engine as common;
use handover_vault::MemoryStore;

/// A demo project and the environment it runs in: one in-memory keyring, a data folder in `dir`.
fn setup(dir: &std::path::Path) -> (Session, handover_engine::Env) {
    let env = common::env_with(Arc::new(MemoryStore::new())).with_data_dir(dir.join("data"));
    let session = common::demo_project_in(dir, "signing", env.clone());
    (session, env)
}

#[test]
fn an_identity_is_created_once_shown_with_its_ca_file_and_replaced_only_on_purpose() {
    let dir = tempfile::tempdir().unwrap();
    let (_session, env) = setup(dir.path());
    let signing = Signing::open(&env).unwrap();
    assert!(signing.show().unwrap().is_none());

    for (name, org) in [("  ", "Example Security"), ("Ana Lopez", "")] {
        let e = signing.create(name, org, false).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInput, "{e}");
        assert!(
            signing.show().unwrap().is_none(),
            "a refused create stores nothing"
        );
    }

    let made = signing
        .create(" Ana Lopez ", "Example Security", false)
        .unwrap();
    assert!(made.certificate.subject.contains("Ana Lopez"), "{made:?}");
    assert_eq!(
        made.certificate.organization.as_deref(),
        Some("Example Security")
    );
    let ca = made.ca_path.clone().expect("a created identity has a CA");
    assert_eq!(ca, dir.path().join("data/signing/handover-ca.pem"));
    assert!(
        std::fs::read_to_string(&ca)
            .unwrap()
            .contains("BEGIN CERTIFICATE")
    );

    // Shown again through another opening of the same keyring: the same certificate.
    let shown = Signing::open(&env).unwrap().show().unwrap().unwrap();
    assert_eq!(
        shown.certificate.sha256_fingerprint,
        made.certificate.sha256_fingerprint
    );

    // A second identity replaces the first only when asked to (IT must then trust the new CA).
    let e = signing.create("Bo", "Other", false).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert!(e.to_string().contains("--replace"), "{e}");
    let replaced = signing.create("Bo", "Other", true).unwrap();
    assert_ne!(
        replaced.certificate.sha256_fingerprint,
        made.certificate.sha256_fingerprint
    );

    // The CA file deleted (a cleared data folder) is written again when the identity is shown.
    std::fs::remove_file(&ca).unwrap();
    assert_eq!(signing.show().unwrap().unwrap().ca_path, Some(ca.clone()));
    assert!(ca.is_file());
}

#[test]
fn a_pkcs12_file_that_is_missing_or_wrongly_unlocked_leaves_the_identity_there() {
    let dir = tempfile::tempdir().unwrap();
    let (_session, env) = setup(dir.path());
    let signing = Signing::open(&env).unwrap();
    let made = signing
        .create("Ana Lopez", "Example Security", false)
        .unwrap();
    let password = SecretString::new("secret".into());

    let e = signing
        .import_pkcs12(std::path::Path::new(""), &password)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput, "{e}");
    let e = signing
        .import_pkcs12(&dir.path().join("absent.p12"), &password)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound, "{e}");
    let junk = dir.path().join("junk.p12");
    std::fs::write(&junk, b"not a PKCS#12 file").unwrap();
    let e = signing.import_pkcs12(&junk, &password).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput, "{e}");

    let kept = signing.show().unwrap().unwrap();
    assert_eq!(
        kept.certificate.sha256_fingerprint,
        made.certificate.sha256_fingerprint
    );
}

#[test]
fn the_report_is_signed_with_the_sessions_identity_and_refused_without_one_or_without_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let (session, env) = setup(dir.path());
    let pdf = dir.path().join("out/handover-report.pdf");
    std::fs::create_dir_all(pdf.parent().unwrap()).unwrap();

    let e = session.write_report(&pdf, PageSize::A4).unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound, "{e}");
    assert!(e.to_string().contains("sign-identity create"), "{e}");
    assert!(!pdf.exists(), "nothing is written without an identity");

    let made = Signing::open(&env)
        .unwrap()
        .create("Ana Lopez", "Example Security", false)
        .unwrap();

    // The twins are named after the report: any other extension would have one overwrite it.
    for name in ["handover-report.json", "handover-report", "report.PDF.csv"] {
        let wrong = dir.path().join("out").join(name);
        let e = session.write_report(&wrong, PageSize::A4).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInput, "{name}: {e}");
        assert!(e.to_string().contains(".pdf"), "{e}");
    }
    assert_eq!(
        std::fs::read_dir(dir.path().join("out")).unwrap().count(),
        0,
        "a refused name writes nothing"
    );

    let o = session.write_report(&pdf, PageSize::A4).unwrap();
    assert_eq!(o.signer, made.certificate.subject);
    assert_eq!(o.ca, made.ca_path);
    assert!(pdf.is_file() && o.json.is_file() && o.csv.is_file());
    let upper = dir.path().join("out/Upper.PDF");
    assert!(session.write_report(&upper, PageSize::Letter).is_ok());
}
