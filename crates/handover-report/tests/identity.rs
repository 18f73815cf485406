//! Signing identities: created CA + leaf (key usage as NSS wants it), the vault round trip
//! through bytes, `describe()`, and import of an OpenSSL 3 PKCS#12 with an RSA key made by
//! the `openssl` command (a real foreign PKI file), signed with and checked by `pdfsig`.

use handover_test_support::report as common;

use common::*;
use handover_report::{SigningIdentity, TrustedCert, Verdict, sign, verify};

#[test]
fn created_identity_round_trips_through_bytes() {
    let (ca, id) = identity(21);
    let bytes = id.to_bytes().unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(text.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert_eq!(
        text.matches("-----BEGIN CERTIFICATE-----").count(),
        2,
        "leaf and CA"
    );
    let back = SigningIdentity::from_bytes(&bytes).unwrap();
    let d = back.describe().unwrap();
    assert_eq!(d, id.describe().unwrap());
    assert!(d.subject.contains("CN=Brightline Security"), "{d:?}");
    assert!(d.issuer.contains("Handover CA"), "{d:?}");
    assert_eq!(d.key_algorithm, "ECDSA P-256");
    assert_eq!(d.sha256_fingerprint.len(), 32 * 3 - 1);
    assert!(d.not_before.starts_with("2026-11-20"), "{d:?}");
    assert!(d.not_after.starts_with("2029-11-"), "{d:?}");
    assert_eq!(
        back.root_pem().unwrap().as_deref(),
        Some(ca.ca_cert_pem.as_str())
    );
    // The restored identity signs, and the result verifies against the CA.
    let signed = sign(&render_n(2), &back, clock()).unwrap();
    let anchors = TrustedCert::from_pem(ca.ca_cert_pem.as_bytes()).unwrap();
    assert_eq!(
        verify(&signed, &anchors, clock()).verdict(),
        Verdict::Trusted
    );
    // A bundle without its key is refused.
    let certs_only = &text.as_bytes()[text.find("-----BEGIN CERTIFICATE-----").unwrap()..];
    assert!(SigningIdentity::from_bytes(certs_only).is_err());
}

#[test]
fn names_with_dn_syntax_do_not_inject_attributes() {
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(5);
    let (_, id) =
        SigningIdentity::create_integrator_ca("Evil, CN=Root", "O=Other+OU=x", clock(), &mut rng)
            .unwrap();
    let d = id.describe().unwrap();
    // Exactly one CN and one O attribute exist; the commas are escaped in the DN string.
    assert_eq!(d.subject.matches("CN=").count(), 2, "{}", d.subject); // one real, one inside the value
    assert!(d.subject.contains("\\,"), "{}", d.subject);
}

#[test]
fn openssl3_pkcs12_with_rsa_imports_and_signs_valid() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    openssl_pki(d, &["rsa:2048"]);
    openssl(
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "leaf.key",
            "-in",
            "leaf.pem",
            "-certfile",
            "ca.pem",
            "-out",
            "id.p12",
            "-passout",
            "pass:s3cret",
        ],
        d,
    );
    let p12 = std::fs::read(d.join("id.p12")).unwrap();

    // A TLS-style leaf (keyEncipherment only) is refused at import, with a clear error.
    std::fs::write(
        d.join("tls.ext"),
        "basicConstraints=CA:FALSE\nkeyUsage=critical,keyEncipherment\n",
    )
    .unwrap();
    openssl_issue(d, "tls.ext", "tls.pem");
    openssl(
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "leaf.key",
            "-in",
            "tls.pem",
            "-certfile",
            "ca.pem",
            "-out",
            "tls.p12",
            "-passout",
            "pass:s3cret",
        ],
        d,
    );
    let err = SigningIdentity::from_pkcs12(&std::fs::read(d.join("tls.p12")).unwrap(), "s3cret")
        .unwrap_err();
    assert!(
        matches!(err, handover_report::Error::NotASigningCertificate),
        "{err}"
    );

    let err = SigningIdentity::from_pkcs12(&p12, "wrong").unwrap_err();
    assert!(err.is_pkcs12(), "{err}");

    let id = SigningIdentity::from_pkcs12(&p12, "s3cret").unwrap();
    let desc = id.describe().unwrap();
    assert_eq!(desc.key_algorithm, "RSA-2048");
    assert!(desc.subject.contains("CN=Acme Signing"), "{desc:?}");
    assert_eq!(desc.chain_len, 1);

    // The imported identity survives the vault round trip and signs a report pdfsig accepts.
    let id = SigningIdentity::from_bytes(&id.to_bytes().unwrap()).unwrap();
    // The report names the integrator the certificate does (O=Acme Integrators).
    let mut m = model(4);
    m.site.integrator = "Acme Integrators".into();
    let pdf = handover_report::render(&m, &options()).unwrap();
    let signed = sign(&pdf, &id, clock()).unwrap();
    let path = write(d, "rsa.pdf", &signed);
    let ca_pem = std::fs::read_to_string(d.join("ca.pem")).unwrap();
    let db = nss_db_trusting(d, &ca_pem);
    let out = pdfsig(&path, Some(&db));
    assert!(out.contains("Signature is Valid."), "{out}");
    assert!(out.contains("Certificate is Trusted."), "{out}");
    let anchors = TrustedCert::from_pem(ca_pem.as_bytes()).unwrap();
    let now = time::OffsetDateTime::from_unix_timestamp(
        std::fs::metadata(d.join("leaf.pem"))
            .unwrap()
            .modified()
            .unwrap()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64,
    )
    .unwrap();
    let v = verify(&signed, &anchors, now);
    assert_eq!(v.verdict(), Verdict::Trusted, "{v:#?}");
}

#[test]
fn the_ca_bundle_issues_new_identities_it_still_trusts() {
    let (ca, first) = identity(31);
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(32);
    let later = clock() + time::Duration::days(400);
    let second = ca
        .issue_signing_identity(
            "Second Tech",
            "Brightline Security Systems",
            later,
            &mut rng,
        )
        .unwrap();
    assert_ne!(
        first.describe().unwrap().sha256_fingerprint,
        second.describe().unwrap().sha256_fingerprint
    );
    assert!(second.describe().unwrap().issuer.contains("Handover CA"));
    let signed = sign(&render_n(2), &second, later).unwrap();
    let anchors = TrustedCert::from_pem(ca.ca_cert_pem.as_bytes()).unwrap();
    assert_eq!(verify(&signed, &anchors, later).verdict(), Verdict::Trusted);
    // A CA bundle whose key does not match its certificate is refused.
    let (other, _) = identity(33);
    let mixed = handover_report::CaBundle {
        ca_cert_pem: ca.ca_cert_pem.clone(),
        ca_key: other.ca_key.clone(),
    };
    let err = mixed
        .issue_signing_identity("x", "y", later, &mut rng)
        .unwrap_err();
    assert!(err.is_unsupported_key(), "{err}");
}
