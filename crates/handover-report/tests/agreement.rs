//! Three independent readers agree with `verify` on the same files: poppler's `pdfsig` (with an NSS database
//! trusting the CA), pyHanko (`pyhanko sign validate --trust`, from the venv scripts/setup-sim-tools.sh
//! makes) and ours, on a valid and trusted report, one trusted through another CA only, one signed through a
//! leaf-issued "CA" (the forged chain of issue 15), and a tampered one. A missing tool fails the test with the
//! command that installs it.

use handover_test_support::report as common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use handover_report::sign::identity::forged_identity_from_pem_parts;
use handover_report::{TrustedCert, Verdict, sign, verify};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose,
    PKCS_ECDSA_P256_SHA256, date_time_ymd,
};

fn pyhanko() -> PathBuf {
    let tools =
        std::env::var_os("HANDOVER_TOOLS").unwrap_or_else(|| "/var/tmp/handover-tools".into());
    let bin = Path::new(&tools).join("venv/bin/pyhanko");
    assert!(
        bin.is_file(),
        "pyHanko is not installed at {}: run scripts/setup-sim-tools.sh",
        bin.display()
    );
    bin
}

/// pyHanko's one-line summary, e.g. `…:INTACT:TRUSTED,UNTOUCHED` or `…:INVALID`.
fn pyhanko_says(pdf: &Path, ca_pem: &Path) -> String {
    let out = Command::new(pyhanko())
        .args([
            "sign",
            "validate",
            "--no-revocation-check",
            "--trust-replace",
            "--trust",
        ])
        .arg(ca_pem)
        .arg(pdf)
        .output()
        .expect("run pyhanko");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The three readers' verdicts on `signed`, each trusting only `ca_pem`.
fn readers(dir: &Path, name: &str, signed: &[u8], ca_pem: &str) -> (Verdict, String, String) {
    let case = dir.join(name);
    std::fs::create_dir_all(&case).unwrap();
    let pdf = write(&case, "report.pdf", signed);
    let db = nss_db_trusting(&case, ca_pem);
    let anchors = TrustedCert::from_pem(ca_pem.as_bytes()).unwrap();
    let ours = verify(signed, &anchors, clock()).verdict();
    (
        ours,
        pdfsig(&pdf, Some(&db)),
        pyhanko_says(&pdf, &case.join("ca.pem")),
    )
}

/// A signed report through root → ordinary leaf → "Ana Lopez" (the leaf acting as a CA), and the root's PEM.
fn forged_through_a_leaf() -> (Vec<u8>, String) {
    let cert = |cn: &str, ca: IsCa, usages: Vec<KeyUsagePurpose>| {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name
            .push(DnType::OrganizationName, "Brightline Security Systems");
        p.distinguished_name.push(DnType::CommonName, cn);
        p.is_ca = ca;
        p.key_usages = usages;
        p.not_before = date_time_ymd(2025, 1, 1);
        p.not_after = date_time_ymd(2029, 1, 1);
        (p, KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap())
    };
    let signing = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::ContentCommitment,
    ];
    let (p, root_key) = cert(
        "Root CA",
        IsCa::Ca(BasicConstraints::Unconstrained),
        vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign],
    );
    let root = p.self_signed(&root_key).unwrap();
    let (p, leaf_key) = cert("Ordinary Leaf", IsCa::ExplicitNoCa, signing.clone());
    let leaf = p.signed_by(&leaf_key, &root, &root_key).unwrap();
    let (p, forged_key) = cert("Ana Lopez", IsCa::ExplicitNoCa, signing);
    let forged = p.signed_by(&forged_key, &leaf, &leaf_key).unwrap();
    let chain = format!("{}{}{}", forged.pem(), leaf.pem(), root.pem());
    let id = forged_identity_from_pem_parts(&forged_key.serialize_pem(), &chain).unwrap();
    (sign(&render_n(3), &id, clock()).unwrap(), root.pem())
}

#[test]
fn pdfsig_pyhanko_and_verify_agree() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (ca, id) = identity(41);
    let (other_ca, _) = identity(42);
    let signed = sign(&render_n(3), &id, clock()).unwrap();

    let (ours, pdfsig, hanko) = readers(d, "valid", &signed, &ca.ca_cert_pem);
    assert_eq!(ours, Verdict::Trusted);
    assert!(
        pdfsig.contains("Signature is Valid.") && pdfsig.contains("Certificate is Trusted."),
        "{pdfsig}"
    );
    assert!(hanko.contains(":INTACT:TRUSTED"), "{hanko}");

    let (ours, pdfsig, hanko) = readers(d, "other-ca", &signed, &other_ca.ca_cert_pem);
    assert_eq!(ours, Verdict::IntactUntrusted);
    assert!(
        pdfsig.contains("Signature is Valid.") && !pdfsig.contains("Certificate is Trusted."),
        "{pdfsig}"
    );
    assert!(hanko.contains(":INTACT:UNTRUSTED"), "{hanko}");

    let (forged, root_pem) = forged_through_a_leaf();
    let (ours, pdfsig, hanko) = readers(d, "leaf-as-ca", &forged, &root_pem);
    assert_eq!(ours, Verdict::IntactUntrusted);
    assert!(
        pdfsig.contains("Signature is Valid.") && !pdfsig.contains("Certificate is Trusted."),
        "{pdfsig}"
    );
    assert!(hanko.contains(":INTACT:UNTRUSTED"), "{hanko}");

    let mut tampered = signed.clone();
    tampered[1500] ^= 0x01;
    let (ours, pdfsig, hanko) = readers(d, "tampered", &tampered, &ca.ca_cert_pem);
    assert_eq!(ours, Verdict::Changed);
    assert!(pdfsig.contains("Digest Mismatch"), "{pdfsig}");
    assert!(hanko.contains(":INVALID"), "{hanko}");
}
