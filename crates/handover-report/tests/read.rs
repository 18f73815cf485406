//! Reading a report back (`read_inventory`): each verdict with the inventory its twin carries, and every
//! hostile input — garbage, a truncated file, no twin, a twin that is not JSON, not an inventory or too
//! large, a twin that disagrees with what was signed — read as a verdict and a typed twin problem, never a
//! panic. Reports are rendered and signed for real; forged twins are put in before signing (the signature
//! then holds over them) or by an incremental update after it.

use handover_test_support::report as common;

use common::*;
use handover_report::{
    AuditAnchor, Reading, TrustedCert, TwinProblem, Verdict, read::TWIN_LIMIT, read_inventory, sign,
};
use lopdf::{Document, IncrementalDocument, Object, ObjectId};

/// A report of `n` devices signed by the identity from `seed`, and that identity's CA as trusted.
fn signed(n: usize, seed: u64) -> (Vec<u8>, Vec<TrustedCert>) {
    let (ca, id) = identity(seed);
    let pdf = sign(&render_n(n), &id, clock()).expect("sign");
    (
        pdf,
        TrustedCert::from_pem(ca.ca_cert_pem.as_bytes()).unwrap(),
    )
}

/// `pdf` with the twin's stream replaced by `content` (compressed when `compress`), signed by `seed`'s
/// identity: the signature covers the forged twin.
fn signed_with_twin(content: Vec<u8>, compress: bool, seed: u64) -> (Vec<u8>, Vec<TrustedCert>) {
    let mut doc = Document::load_mem(&render_n(3)).unwrap();
    let id = twin_stream_id(&doc);
    let stream = doc.get_object_mut(id).unwrap().as_stream_mut().unwrap();
    stream.dict.remove(b"Filter");
    stream.set_content(content);
    if compress {
        stream.compress().unwrap();
    }
    resign(&mut doc, seed)
}

fn resign(doc: &mut Document, seed: u64) -> (Vec<u8>, Vec<TrustedCert>) {
    let mut pdf = Vec::new();
    doc.save_to(&mut pdf).unwrap();
    let (ca, id) = identity(seed);
    let pdf = sign(&pdf, &id, clock()).expect("sign");
    (
        pdf,
        TrustedCert::from_pem(ca.ca_cert_pem.as_bytes()).unwrap(),
    )
}

/// The embedded file stream carrying the twin.
fn twin_stream_id(doc: &Document) -> ObjectId {
    doc.objects
        .iter()
        .find(|(_, o)| {
            o.as_stream().is_ok_and(|s| {
                s.dict.get(b"Type").and_then(Object::as_name).ok() == Some(b"EmbeddedFile")
            })
        })
        .map(|(id, _)| *id)
        .expect("the embedded twin")
}

/// The twin as the report embeds it, decoded.
fn twin_text(pdf: &[u8]) -> String {
    let doc = Document::load_mem(pdf).unwrap();
    let s = doc
        .get_object(twin_stream_id(&doc))
        .unwrap()
        .as_stream()
        .unwrap();
    String::from_utf8(
        s.decompressed_content()
            .unwrap_or_else(|_| s.content.clone()),
    )
    .unwrap()
}

fn read(pdf: &[u8], trusted: &[TrustedCert]) -> Reading {
    read_inventory(pdf, trusted, clock())
}

#[test]
fn a_trusted_report_reads_back_its_whole_inventory_and_anchored_history() {
    let (pdf, ca) = signed(9, 31);
    let r = read(&pdf, &ca);
    assert_eq!(r.verdict(), Verdict::Trusted, "{:#?}", r.verification);
    let m = model(9);
    assert_eq!(
        r.audit_anchor(),
        AuditAnchor::Anchored {
            head: m.method.audit_log_head.clone()
        }
    );
    let inv = r.inventory.as_ref().expect("the twin reads");
    assert_eq!(inv.schema, handover_report::twin::INVENTORY_SCHEMA);
    assert_eq!(inv.project_id, m.project_id);
    assert_eq!(inv.site, m.site);
    assert_eq!(inv.vlans, m.vlans);
    assert_eq!(inv.devices, m.devices);
    assert_eq!(inv.findings, m.findings);
    assert_eq!(inv.waivers, m.waivers);
    assert_eq!(r.verification.inventory, Some(inv.summary()));
}

#[test]
fn a_report_without_its_ca_is_intact_untrusted_and_still_carries_its_inventory() {
    let (pdf, _) = signed(4, 32);
    let r = read(&pdf, &[]);
    assert_eq!(r.verdict(), Verdict::IntactUntrusted);
    assert!(
        r.verification
            .reason()
            .unwrap()
            .contains("no trusted CA was given"),
        "{:?}",
        r.verification.reason()
    );
    assert_eq!(r.inventory.unwrap().devices.len(), 4);
}

#[test]
fn a_report_changed_after_signing_is_changed_and_its_inventory_is_still_shown() {
    let (mut pdf, ca) = signed(5, 33);
    let at = pdf.len() / 3;
    pdf[at] ^= 0x20;
    let r = read(&pdf, &ca);
    assert_eq!(r.verdict(), Verdict::Changed, "{:#?}", r.verification);
    assert_eq!(r.verdict().exit_code(), 5);
    assert_eq!(r.inventory.unwrap().devices.len(), 5);
}

#[test]
fn an_unsigned_report_is_unsigned_with_its_inventory() {
    let r = read(&render_n(2), &[]);
    assert_eq!(r.verdict(), Verdict::NotSigned);
    assert_eq!(r.inventory.unwrap().devices.len(), 2);
}

#[test]
fn garbage_is_unsigned_and_its_twin_problem_says_it_is_not_a_pdf() {
    for bytes in [&b""[..], b"not a pdf", b"%PDF-1.7\n%%EOF", &[0xff; 4096]] {
        let r = read(bytes, &[]);
        assert_eq!(r.verdict(), Verdict::NotSigned, "{bytes:?}");
        assert_eq!(r.audit_anchor(), AuditAnchor::NotCompared);
        let problem = r.inventory.as_ref().unwrap_err();
        assert_eq!(problem.code(), "not_a_pdf", "{problem}");
    }
}

#[test]
fn a_truncated_report_is_never_trusted_and_never_panics() {
    let (pdf, ca) = signed(3, 34);
    for cut in (1..40).map(|i| pdf.len() * i / 40).chain([pdf.len() - 1]) {
        let r = read(&pdf[..cut], &ca);
        assert_eq!(
            r.verdict().exit_code(),
            5,
            "cut at {cut} of {}: {:#?}",
            pdf.len(),
            r.verification
        );
        serde_json::to_value(&r).expect("a reading always serialises");
    }
}

#[test]
fn a_signed_report_without_a_twin_says_it_is_missing_and_cannot_name_its_integrator() {
    let mut doc = Document::load_mem(&render_n(3)).unwrap();
    let names = doc.catalog().unwrap().get(b"Names").unwrap().clone();
    let names = doc.dereference(&names).unwrap().1.clone();
    let mut names = names.as_dict().unwrap().clone();
    names.remove(b"EmbeddedFiles");
    doc.catalog_mut()
        .unwrap()
        .set("Names", Object::Dictionary(names));
    let (pdf, ca) = resign(&mut doc, 35);
    let r = read(&pdf, &ca);
    assert!(r.verification.signature_valid && r.verification.digest_matches);
    assert_eq!(r.verdict(), Verdict::IntactUntrusted);
    assert!(
        r.verification.untrusted_because[0].contains("embeds no inventory"),
        "{:?}",
        r.verification.untrusted_because
    );
    assert_eq!(r.audit_anchor(), AuditAnchor::NotCompared);
    let problem = r.inventory.as_ref().unwrap_err();
    assert!(problem.is_missing(), "{problem}");
    assert!(
        r.verification
            .problems
            .contains(&"no embedded handover-inventory.json".to_owned())
    );
}

#[test]
fn a_twin_that_is_not_json_is_named_so_and_the_report_stays_unconfirmed() {
    let (pdf, ca) = signed_with_twin(b"\x1b[2J{not json".to_vec(), true, 36);
    let r = read(&pdf, &ca);
    assert_eq!(r.verdict(), Verdict::IntactUntrusted);
    let problem = r.inventory.as_ref().unwrap_err();
    assert!(matches!(problem, TwinProblem::NotJson(_)), "{problem:?}");
    assert!(
        r.verification
            .problems
            .iter()
            .any(|p| p.starts_with("embedded inventory is not JSON")),
        "{:?}",
        r.verification.problems
    );
}

#[test]
fn a_twin_that_is_json_but_not_an_inventory_is_named_so() {
    for json in [
        &b"{}"[..],
        b"[1, 2]",
        br#"{"project_id": 7, "devices": []}"#,
    ] {
        let (pdf, ca) = signed_with_twin(json.to_vec(), false, 37);
        let r = read(&pdf, &ca);
        assert_eq!(r.verdict(), Verdict::IntactUntrusted);
        let problem = r.inventory.as_ref().unwrap_err();
        assert_eq!(problem.code(), "not_inventory", "{problem}");
    }
}

#[test]
fn a_twin_that_inflates_past_the_limit_is_refused_without_being_read() {
    let (pdf, ca) = signed_with_twin(vec![b' '; TWIN_LIMIT + 1], true, 38);
    assert!(
        pdf.len() < 1 << 20,
        "the bomb is small: {} bytes",
        pdf.len()
    );
    let r = read(&pdf, &ca);
    let problem = r.inventory.as_ref().unwrap_err();
    assert!(problem.is_too_large(), "{problem}");
    assert_eq!(r.verdict(), Verdict::IntactUntrusted);
    assert!(
        r.verification
            .problems
            .iter()
            .any(|p| p.contains("over the") && p.contains("limit")),
        "{:?}",
        r.verification.problems
    );
}

#[test]
fn a_twin_claiming_another_audit_head_than_the_printed_one_is_changed() {
    let head = model(3).method.audit_log_head;
    let forged = "f".repeat(64);
    let text = twin_text(&render_n(3)).replace(&head, &forged);
    let (pdf, ca) = signed_with_twin(text.into_bytes(), true, 39);
    let r = read(&pdf, &ca);
    assert!(r.verification.signature_valid && r.verification.digest_matches);
    assert_eq!(r.verdict(), Verdict::Changed);
    assert_eq!(
        r.audit_anchor(),
        AuditAnchor::Differs {
            claimed: forged,
            printed: Some(head)
        }
    );
}

#[test]
fn a_twin_naming_another_integrator_than_the_signer_is_intact_untrusted() {
    let m = model(3);
    let text = twin_text(&render_n(3)).replace(&m.site.integrator, "Someone Else Ltd");
    let (pdf, ca) = signed_with_twin(text.into_bytes(), true, 40);
    let r = read(&pdf, &ca);
    assert_eq!(r.verdict(), Verdict::IntactUntrusted);
    let reason = r.verification.reason().unwrap();
    assert!(reason.contains("Someone Else Ltd"), "{reason}");
    assert_eq!(r.inventory.unwrap().site.integrator, "Someone Else Ltd");
}

#[test]
fn a_twin_replaced_after_signing_is_changed_though_its_forgery_reads() {
    let (pdf, ca) = signed(3, 41);
    let forged = twin_text(&pdf).replace(&model(3).devices[0].serial, "FORGED-SERIAL");
    let mut inc = IncrementalDocument::create_from(pdf.clone(), Document::load_mem(&pdf).unwrap());
    let id = twin_stream_id(inc.get_prev_documents());
    inc.opt_clone_object_to_new_document(id).unwrap();
    let stream = inc
        .new_document
        .get_object_mut(id)
        .unwrap()
        .as_stream_mut()
        .unwrap();
    stream.dict.remove(b"Filter");
    stream.set_content(forged.into_bytes());
    let mut changed = Vec::new();
    inc.save_to(&mut changed).unwrap();
    let r = read(&changed, &ca);
    assert!(r.verification.appended_bytes > 0, "{:#?}", r.verification);
    assert_eq!(r.verdict(), Verdict::Changed);
    assert_eq!(r.inventory.unwrap().devices[0].serial, "FORGED-SERIAL");
}

#[test]
fn a_reading_serialises_its_verdict_history_and_twin_problem_for_json_readers() {
    let (pdf, ca) = signed(2, 42);
    let v = serde_json::to_value(read(&pdf, &ca)).unwrap();
    assert_eq!(v["verdict"], "trusted");
    assert_eq!(v["tone"], "green");
    assert_eq!(v["exit_status"], 0);
    assert_eq!(v["audit_anchor"]["status"], "anchored");
    assert_eq!(v["inventory"]["devices"].as_array().unwrap().len(), 2);
    assert!(v["inventory_problem"].is_null());
    assert_eq!(v["detail"]["inventory"]["devices"], 2);

    let v = serde_json::to_value(read(b"not a pdf", &ca)).unwrap();
    assert_eq!(v["verdict"], "not_signed");
    assert_eq!(v["exit_status"], 5);
    assert!(v["inventory"].is_null());
    assert_eq!(v["inventory_problem"]["code"], "not_a_pdf");
    assert!(
        v["inventory_problem"]["message"]
            .as_str()
            .unwrap()
            .contains("not a readable PDF"),
        "{v:#}"
    );
}
