//! Signing and verification against independent readers: poppler's `pdfsig` (with and
//! without the integrator CA in an NSS database) and our own `verify`, in agreement —
//! valid, trusted, digest mismatch after a flipped byte, content appended after signing.

use handover_test_support::report as common;

use common::*;
use handover_report::{ChainStatus, TrustedCert, Verdict, sign, verify};

#[test]
fn signed_report_is_valid_and_trusted_in_pdfsig_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, id) = identity(7);
    let signed = sign(&render_n(30), &id, clock()).expect("sign");
    let path = write(dir.path(), "signed.pdf", &signed);

    let plain = pdfsig(&path, None);
    assert!(plain.contains("Signature is Valid."), "pdfsig:\n{plain}");
    assert!(plain.contains("ETSI.CAdES.detached"), "pdfsig:\n{plain}");
    assert!(plain.contains("Total document signed"), "pdfsig:\n{plain}");

    let db = nss_db_trusting(dir.path(), &ca.ca_cert_pem);
    let trusted = pdfsig(&path, Some(&db));
    assert!(
        trusted.contains("Signature is Valid."),
        "pdfsig:\n{trusted}"
    );
    assert!(
        trusted.contains("Certificate is Trusted."),
        "pdfsig:\n{trusted}"
    );

    let anchors = TrustedCert::from_pem(ca.ca_cert_pem.as_bytes()).unwrap();
    let v = verify(&signed, &anchors, clock());
    assert_eq!(v.verdict(), Verdict::Trusted, "{v:#?}");
    assert!(
        matches!(v.chain, ChainStatus::Trusted(ref s) if s.contains("Handover CA")),
        "{v:#?}"
    );
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    let shown = v.to_string();
    assert!(shown.starts_with("VALID AND TRUSTED: "), "{shown}");
    assert!(shown.contains("devices / VLANs:        30 / 3"), "{shown}");
    let inv = v.inventory.expect("inventory summary");
    assert_eq!(inv.devices, 30);
    assert_eq!(inv.project_id, "PRJ-2026-0042");
}

#[test]
fn untrusted_without_the_ca_in_both_readers() {
    let dir = tempfile::tempdir().unwrap();
    let (_ca, id) = identity(8);
    let (other_ca, _) = identity(9);
    let signed = sign(&render_n(5), &id, clock()).unwrap();
    let path = write(dir.path(), "signed.pdf", &signed);
    let db = nss_db_trusting(dir.path(), &other_ca.ca_cert_pem);
    let out = pdfsig(&path, Some(&db));
    assert!(out.contains("Signature is Valid."), "{out}");
    assert!(!out.contains("Certificate is Trusted."), "{out}");

    let anchors = TrustedCert::from_pem(other_ca.ca_cert_pem.as_bytes()).unwrap();
    let v = verify(&signed, &anchors, clock());
    assert_eq!(v.chain, ChainStatus::Untrusted);
    assert_eq!(v.verdict(), Verdict::IntactUntrusted);
    assert_eq!(
        verify(&signed, &[], clock()).chain,
        ChainStatus::NoTrustAnchors
    );
}

#[test]
fn flipped_byte_in_signed_range_is_a_digest_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, id) = identity(10);
    let unsigned = render_n(12);
    let signed = sign(&unsigned, &id, clock()).unwrap();
    let anchors = TrustedCert::from_pem(ca.ca_cert_pem.as_bytes()).unwrap();
    // Flip a byte inside the first range (in the original document) and one near the end
    // (inside the second range, in the update's trailer area).
    for (label, pos) in [
        ("first range", unsigned.len() / 2),
        ("second range", signed.len() - 30),
    ] {
        let mut bad = signed.clone();
        bad[pos] ^= 0x01;
        let path = write(dir.path(), "tampered.pdf", &bad);
        let out = pdfsig(&path, None);
        assert!(out.contains("Digest Mismatch"), "{label}: pdfsig:\n{out}");
        let v = verify(&bad, &anchors, clock());
        assert!(!v.digest_matches, "{label}: {v:#?}");
        assert_eq!(v.verdict(), Verdict::Changed, "{label}");
        assert!(v.to_string().contains("digest matches:         NO"), "{v}");
        assert_ne!(v.verdict().exit_code(), 0);
    }
}

#[test]
fn appended_bytes_are_reported() {
    let (ca, id) = identity(11);
    let mut signed = sign(&render_n(3), &id, clock()).unwrap();
    signed.extend_from_slice(b"\n% appended after signing\n");
    let anchors = TrustedCert::from_pem(ca.ca_cert_pem.as_bytes()).unwrap();
    let v = verify(&signed, &anchors, clock());
    assert!(v.digest_matches && v.signature_valid, "{v:#?}");
    assert!(!v.covers_whole_file);
    assert_eq!(v.appended_bytes, 26);
    assert_eq!(v.verdict(), Verdict::Changed);
}

#[test]
fn unsigned_report_is_not_signed() {
    let v = verify(&render_n(2), &[], clock());
    assert_eq!(v.verdict(), Verdict::NotSigned);
    assert!(
        v.inventory.is_some(),
        "the twin is readable without a signature"
    );
    assert_eq!(
        verify(b"not a pdf", &[], clock()).verdict(),
        Verdict::NotSigned
    );
}

#[test]
fn expired_certificate_is_outside_validity() {
    let (ca, id) = identity(12);
    let signed = sign(&render_n(2), &id, clock()).unwrap();
    let anchors = TrustedCert::from_pem(ca.ca_cert_pem.as_bytes()).unwrap();
    let later = clock() + time::Duration::days(365 * 4);
    let v = verify(&signed, &anchors, later);
    assert!(matches!(v.chain, ChainStatus::OutsideValidity(_)), "{v:#?}");
    assert_eq!(v.verdict(), Verdict::IntactUntrusted);
}

#[test]
fn hostile_text_from_the_file_is_printable() {
    // A site name with a terminal escape sequence travels in the embedded JSON; the
    // verification report must not replay it to the terminal.
    let mut m = model(2);
    m.site.name = "Evil\u{1b}]0;owned\u{7}\u{1b}[2J site".into();
    let pdf = handover_report::render(&m, &options()).unwrap();
    let v = verify(&pdf, &[], clock());
    let shown = v.to_string();
    assert!(
        !shown.chars().any(|c| c.is_control() && c != '\n'),
        "{shown:?}"
    );
    assert!(
        v.inventory
            .unwrap()
            .site
            .starts_with("Evil\u{FFFD}]0;owned")
    );
}

/// The printed audit log head is read back from the appendix and agrees with the twin; a report whose
/// embedded twin claims another head than the one printed is red, even when validly signed.
#[test]
fn the_printed_audit_head_must_be_the_one_the_twin_claims() {
    let (ca, id) = identity(13);
    let anchors = TrustedCert::from_pem(ca.ca_cert_pem.as_bytes()).unwrap();
    let m = model(4);
    let pdf = handover_report::render(&m, &options()).unwrap();
    let v = verify(&sign(&pdf, &id, clock()).unwrap(), &anchors, clock());
    let head = v.audit_head.clone().expect("the twin claims a head");
    assert_eq!(head.claimed, m.method.audit_log_head);
    assert!(head.matches(), "{head:?}");
    assert_eq!(v.verdict(), Verdict::Trusted);

    // The same PDF with the embedded JSON's head replaced, then signed.
    let mut doc = lopdf::Document::load_mem(&pdf).unwrap();
    let forged_head = "f".repeat(64);
    let stream_id = doc
        .objects
        .iter()
        .find(|(_, o)| {
            o.as_stream().is_ok_and(|s| {
                s.decompressed_content()
                    .unwrap_or_else(|_| s.content.clone())
                    .windows(16)
                    .any(|w| w == b"\"audit_log_head\"")
            })
        })
        .map(|(id, _)| *id)
        .expect("the embedded JSON stream");
    let stream = doc
        .get_object_mut(stream_id)
        .unwrap()
        .as_stream_mut()
        .unwrap();
    let json = String::from_utf8(
        stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone()),
    )
    .unwrap();
    stream.dict.remove(b"Filter");
    stream.set_content(
        json.replace(&m.method.audit_log_head, &forged_head)
            .into_bytes(),
    );
    let mut forged = Vec::new();
    doc.save_to(&mut forged).unwrap();
    let v = verify(&sign(&forged, &id, clock()).unwrap(), &anchors, clock());
    assert!(v.signature_valid && v.digest_matches, "{v:#?}");
    assert_eq!(v.verdict(), Verdict::Changed, "{v:#?}");
    let reason = v.reason().unwrap();
    assert!(
        reason.contains(&forged_head) && reason.contains(&m.method.audit_log_head),
        "{reason}"
    );
}
