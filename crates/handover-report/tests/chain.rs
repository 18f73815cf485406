//! Certification path validation against forged chains, built with rcgen (an implementation
//! independent of ours): a report signed through each broken chain is intact but must not be
//! trusted, and `verify` must say which rule failed. One `check` helper signs a report with
//! the given leaf and chain and returns the verification against the given root.

use handover_test_support::report as common;

use common::*;
use handover_report::sign::identity::forged_identity_from_pem_parts;
use handover_report::{ChainStatus, Tone, TrustedCert, Verdict, Verification, sign, verify};
use rcgen::{
    BasicConstraints, Certificate, CertificateParams, CustomExtension, DnType, IsCa, KeyPair,
    KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, date_time_ymd,
};

/// The integrator the sample report names.
const ORG: &str = "Brightline Security Systems";

struct Issued {
    cert: Certificate,
    key: KeyPair,
}

#[derive(Clone)]
struct Spec {
    cn: &'static str,
    org: &'static str,
    ca: IsCa,
    usages: Vec<KeyUsagePurpose>,
    valid: (i32, i32),
    critical_unknown: bool,
}

fn ca(cn: &'static str) -> Spec {
    Spec {
        cn,
        org: ORG,
        ca: IsCa::Ca(BasicConstraints::Unconstrained),
        usages: vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign],
        valid: (2025, 2035),
        critical_unknown: false,
    }
}

fn leaf(cn: &'static str) -> Spec {
    Spec {
        cn,
        org: ORG,
        // ExplicitNoCa: rcgen 0.13 writes no extensions at all (not even key usage) for NoCa.
        ca: IsCa::ExplicitNoCa,
        usages: vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::ContentCommitment,
        ],
        valid: (2025, 2029),
        critical_unknown: false,
    }
}

fn issue(spec: &Spec, by: Option<&Issued>) -> Issued {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name
        .push(DnType::OrganizationName, spec.org);
    p.distinguished_name.push(DnType::CommonName, spec.cn);
    p.is_ca = spec.ca.clone();
    p.key_usages = spec.usages.clone();
    p.not_before = date_time_ymd(spec.valid.0, 1, 1);
    p.not_after = date_time_ymd(spec.valid.1, 1, 1);
    if spec.critical_unknown {
        let mut e = CustomExtension::from_oid_content(&[1, 3, 6, 1, 4, 1, 99999, 1], vec![5, 0]);
        e.set_criticality(true);
        p.custom_extensions.push(e);
    }
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
    let cert = match by {
        Some(i) => p.signed_by(&key, &i.cert, &i.key).unwrap(),
        None => p.self_signed(&key).unwrap(),
    };
    Issued { cert, key }
}

/// Signs the sample report as `signer`, carrying `chain` (closest issuer first), and verifies
/// it trusting `root` at the fixed clock (2026-11-20).
fn check(signer: &Issued, chain: &[&Issued], root: &Issued) -> Verification {
    let certs: String = std::iter::once(signer)
        .chain(chain.iter().copied())
        .map(|c| c.cert.pem())
        .collect();
    let id = forged_identity_from_pem_parts(&signer.key.serialize_pem(), &certs).unwrap();
    let signed = sign(&render_n(3), &id, clock()).unwrap();
    let anchors = TrustedCert::from_pem(root.cert.pem().as_bytes()).unwrap();
    verify(&signed, &anchors, clock())
}

/// The file is intact, the signer refused by a rule whose message contains `says`.
fn assert_refused(v: &Verification, says: &str) {
    assert!(v.signature_valid && v.digest_matches, "{v:#?}");
    assert_eq!(v.verdict(), Verdict::IntactUntrusted, "{v:#?}");
    assert_eq!(v.verdict().tone(), Tone::Amber);
    assert_eq!(v.verdict().exit_code(), 10);
    let reason = v.reason().unwrap();
    assert!(reason.contains(says), "wanted {says:?} in {reason:?}");
    assert!(!reason.contains("--trust"), "{reason}");
}

#[test]
fn a_proper_chain_through_an_intermediate_is_trusted() {
    let root = issue(&ca("Root CA"), None);
    let inter = issue(&ca("Issuing CA"), Some(&root));
    let signer = issue(&leaf("Ana Lopez"), Some(&inter));
    let v = check(&signer, &[&inter, &root], &root);
    assert_eq!(v.verdict(), Verdict::Trusted, "{v:#?}");
    assert!(matches!(v.chain, ChainStatus::Trusted(ref s) if s.contains("Root CA")));
    assert_eq!(v.reason(), None);
    assert_eq!(v.verdict().exit_code(), 0);
}

/// The issue's reproduction: a certificate issued by an ordinary leaf under the trusted CA.
#[test]
fn a_leaf_issued_by_a_leaf_is_not_trusted() {
    let root = issue(&ca("Root CA"), None);
    let ordinary = issue(&leaf("Ordinary Leaf"), Some(&root));
    let forged = issue(&leaf("Ana Lopez"), Some(&ordinary));
    let v = check(&forged, &[&ordinary, &root], &root);
    assert_refused(&v, "Ordinary Leaf issued");
    assert_refused(&v, "is not a CA");
    assert!(matches!(v.chain, ChainStatus::Refused(_)), "{v:#?}");
}

#[test]
fn an_expired_intermediate_is_not_trusted() {
    let root = issue(&ca("Root CA"), None);
    let old = issue(
        &Spec {
            valid: (2020, 2022),
            ..ca("Old Issuing CA")
        },
        Some(&root),
    );
    let signer = issue(&leaf("Ana Lopez"), Some(&old));
    let v = check(&signer, &[&old], &root);
    assert_refused(&v, "Old Issuing CA");
    assert_refused(&v, "expired on 2022-01-01");
    assert!(matches!(v.chain, ChainStatus::OutsideValidity(_)), "{v:#?}");
}

#[test]
fn a_ca_certificate_used_as_signer_is_not_trusted() {
    let root = issue(&ca("Root CA"), None);
    let mut spec = ca("Issuing CA");
    spec.usages.push(KeyUsagePurpose::DigitalSignature);
    let inter = issue(&spec, Some(&root));
    let v = check(&inter, &[&root], &root);
    assert_refused(&v, "is a CA certificate");
}

#[test]
fn an_exceeded_path_length_is_not_trusted() {
    let root = issue(
        &Spec {
            ca: IsCa::Ca(BasicConstraints::Constrained(0)),
            ..ca("Root CA")
        },
        None,
    );
    let inter = issue(&ca("Issuing CA"), Some(&root));
    let signer = issue(&leaf("Ana Lopez"), Some(&inter));
    let v = check(&signer, &[&inter], &root);
    assert_refused(&v, "pathLenConstraint");
    // Within the constraint, the same shape is trusted.
    let root1 = issue(
        &Spec {
            ca: IsCa::Ca(BasicConstraints::Constrained(1)),
            ..ca("Root CA")
        },
        None,
    );
    let inter = issue(&ca("Issuing CA"), Some(&root1));
    let signer = issue(&leaf("Ana Lopez"), Some(&inter));
    assert_eq!(
        check(&signer, &[&inter], &root1).verdict(),
        Verdict::Trusted
    );
}

#[test]
fn a_signer_without_a_signing_key_usage_is_not_trusted() {
    let root = issue(&ca("Root CA"), None);
    let signer = issue(
        &Spec {
            usages: vec![KeyUsagePurpose::KeyEncipherment],
            ..leaf("Ana Lopez")
        },
        Some(&root),
    );
    let v = check(&signer, &[&root], &root);
    assert_refused(&v, "allows neither digitalSignature nor nonRepudiation");
}

#[test]
fn an_issuer_without_key_cert_sign_is_not_trusted() {
    let root = issue(&ca("Root CA"), None);
    let inter = issue(
        &Spec {
            usages: vec![KeyUsagePurpose::DigitalSignature],
            ..ca("Issuing CA")
        },
        Some(&root),
    );
    let signer = issue(&leaf("Ana Lopez"), Some(&inter));
    let v = check(&signer, &[&inter], &root);
    assert_refused(&v, "does not include keyCertSign");
}

#[test]
fn an_unknown_critical_extension_is_not_trusted() {
    let root = issue(&ca("Root CA"), None);
    let signer = issue(
        &Spec {
            critical_unknown: true,
            ..leaf("Ana Lopez")
        },
        Some(&root),
    );
    let v = check(&signer, &[&root], &root);
    assert_refused(&v, "critical extension");
    assert_refused(&v, "1.3.6.1.4.1.99999.1");
}

#[test]
fn an_expired_signer_is_not_trusted() {
    let root = issue(&ca("Root CA"), None);
    let signer = issue(
        &Spec {
            valid: (2024, 2025),
            ..leaf("Ana Lopez")
        },
        Some(&root),
    );
    let v = check(&signer, &[&root], &root);
    assert_refused(&v, "Ana Lopez");
    assert_refused(&v, "expired on 2025-01-01");
}

#[test]
fn a_self_signed_certificate_naming_the_integrator_is_not_trusted() {
    let root = issue(&ca("Root CA"), None);
    let signer = issue(&leaf("Ana Lopez"), None);
    let v = check(&signer, &[], &root);
    assert_refused(&v, "self-signed");
    assert!(matches!(v.chain, ChainStatus::SelfSigned(_)), "{v:#?}");
}

#[test]
fn a_signer_of_another_organisation_is_named_with_the_integrator() {
    let root = issue(&ca("Root CA"), None);
    let signer = issue(
        &Spec {
            org: "Example Security",
            ..leaf("Ana Lopez")
        },
        Some(&root),
    );
    let v = check(&signer, &[&root], &root);
    assert!(matches!(v.chain, ChainStatus::Trusted(_)), "{v:#?}");
    assert_refused(&v, "\"Example Security\"");
    assert_refused(&v, "\"Brightline Security Systems\"");
}

#[test]
fn no_trusted_ca_given_is_amber_and_says_so() {
    let root = issue(&ca("Root CA"), None);
    let signer = issue(&leaf("Ana Lopez"), Some(&root));
    let certs = format!("{}{}", signer.cert.pem(), root.cert.pem());
    let id = forged_identity_from_pem_parts(&signer.key.serialize_pem(), &certs).unwrap();
    let signed = sign(&render_n(3), &id, clock()).unwrap();
    let v = verify(&signed, &[], clock());
    assert_eq!(v.verdict(), Verdict::IntactUntrusted);
    assert_eq!(v.chain, ChainStatus::NoTrustAnchors);
    assert!(v.reason().unwrap().contains("no trusted CA was given"));
}

/// Changed and unsigned files are red with exit status 5, whatever the chain.
#[test]
fn changed_and_unsigned_are_red() {
    let root = issue(&ca("Root CA"), None);
    let signer = issue(&leaf("Ana Lopez"), Some(&root));
    let certs = format!("{}{}", signer.cert.pem(), root.cert.pem());
    let id = forged_identity_from_pem_parts(&signer.key.serialize_pem(), &certs).unwrap();
    let mut signed = sign(&render_n(3), &id, clock()).unwrap();
    let anchors = TrustedCert::from_pem(root.cert.pem().as_bytes()).unwrap();
    signed[1500] ^= 1;
    let v = verify(&signed, &anchors, clock());
    assert_eq!(v.verdict(), Verdict::Changed, "{v:#?}");
    assert_eq!(
        (v.verdict().tone(), v.verdict().exit_code()),
        (Tone::Red, 5)
    );
    let v = verify(&render_n(3), &anchors, clock());
    assert_eq!(v.verdict(), Verdict::NotSigned);
    assert_eq!(
        (v.verdict().tone(), v.verdict().exit_code()),
        (Tone::Red, 5)
    );
}
