//! PAdES baseline signing by incremental update: the rendered PDF's bytes are kept as they
//! are and an update is appended holding a signature dictionary (`/SubFilter
//! /ETSI.CAdES.detached`, `/M` from the caller's clock), an invisible signature widget on
//! page 1 and an `/AcroForm` with `/SigFlags 3`. The `/ByteRange` placeholder is patched
//! in place (same width), the two ranges are hashed with SHA-256 and the CMS from
//! `cms.rs` is hex-written into the zero-filled `/Contents`. Pure: bytes in, bytes out.

use lopdf::{Dictionary, IncrementalDocument, Object, ObjectId, StringFormat};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::cms::sign_digest;
use super::identity::SigningIdentity;
use crate::error::{Error, Result};

/// Bytes reserved for the CMS structure (hex doubles it in the file).
pub const SIGNATURE_RESERVED: usize = 16 * 1024;
/// Each number of the `/ByteRange` placeholder: ten digits, so any file up to ~9.3 GB fits
/// when the real numbers are written into its width.
const BR_PLACEHOLDER: i64 = 9_999_999_999;

/// Signs `pdf` with `identity`, stamping `signing_time` into `/M`. Returns the signed file
/// (the input followed by one incremental update).
pub fn sign(
    pdf: &[u8],
    identity: &SigningIdentity,
    signing_time: OffsetDateTime,
) -> Result<Vec<u8>> {
    let mut inc: IncrementalDocument = pdf.try_into()?;
    let prev = inc.get_prev_documents();
    let catalog_id = prev.trailer.get(b"Root")?.as_reference()?;
    let page_id: ObjectId = prev
        .page_iter()
        .next()
        .ok_or(Error::UnsupportedPdf("the document has no pages"))?;
    let signer_name = identity
        .leaf
        .tbs_certificate
        .subject
        .0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .find(|atv| atv.oid == const_oid::db::rfc4519::CN)
        .and_then(|atv| {
            std::str::from_utf8(atv.value.value())
                .ok()
                .map(str::to_owned)
        })
        .unwrap_or_else(|| identity.leaf.tbs_certificate.subject.to_string());

    let placeholder = BR_PLACEHOLDER;
    let mut sig = Dictionary::new();
    sig.set("Type", Object::Name(b"Sig".to_vec()));
    sig.set("Filter", Object::Name(b"Adobe.PPKLite".to_vec()));
    sig.set("SubFilter", Object::Name(b"ETSI.CAdES.detached".to_vec()));
    sig.set(
        "ByteRange",
        Object::Array(vec![
            Object::Integer(0),
            Object::Integer(placeholder),
            Object::Integer(placeholder),
            Object::Integer(placeholder),
        ]),
    );
    sig.set(
        "Contents",
        Object::String(vec![0u8; SIGNATURE_RESERVED], StringFormat::Hexadecimal),
    );
    sig.set(
        "M",
        Object::string_literal(crate::render::pdf_date(signing_time)),
    );
    sig.set(
        "Name",
        Object::String(utf16_text(&signer_name), StringFormat::Hexadecimal),
    );
    sig.set(
        "Reason",
        Object::string_literal("Handover report: technician sign-off"),
    );
    let sig_id = inc.new_document.add_object(Object::Dictionary(sig));

    let mut widget = Dictionary::new();
    widget.set("Type", Object::Name(b"Annot".to_vec()));
    widget.set("Subtype", Object::Name(b"Widget".to_vec()));
    widget.set("FT", Object::Name(b"Sig".to_vec()));
    widget.set(
        "Rect",
        Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()]),
    );
    widget.set("V", Object::Reference(sig_id));
    widget.set("T", Object::string_literal("HandoverSignature"));
    widget.set("F", Object::Integer(132));
    widget.set("P", Object::Reference(page_id));
    let widget_id = inc.new_document.add_object(Object::Dictionary(widget));

    inc.opt_clone_object_to_new_document(page_id)?;
    let page = inc.new_document.get_object_mut(page_id)?.as_dict_mut()?;
    let mut annots = match page.get(b"Annots") {
        Ok(Object::Array(a)) => a.clone(),
        Ok(_) => return Err(Error::UnsupportedPdf("page 1 has indirect /Annots")),
        Err(_) => Vec::new(),
    };
    annots.push(Object::Reference(widget_id));
    page.set("Annots", Object::Array(annots));

    inc.opt_clone_object_to_new_document(catalog_id)?;
    let catalog = inc.new_document.get_object_mut(catalog_id)?.as_dict_mut()?;
    if catalog.has(b"AcroForm") {
        return Err(Error::UnsupportedPdf(
            "the document already has a form (signed twice?)",
        ));
    }
    let mut form = Dictionary::new();
    form.set("Fields", Object::Array(vec![Object::Reference(widget_id)]));
    form.set("SigFlags", Object::Integer(3));
    catalog.set("AcroForm", Object::Dictionary(form));

    let mut out = Vec::with_capacity(pdf.len() + 2 * SIGNATURE_RESERVED + 4096);
    inc.save_to(&mut out)
        .map_err(|e| Error::Pdf(lopdf::Error::IO(e)))?;

    // Locate the placeholders in the appended update.
    let update_start = pdf.len();
    let br_key = find(&out, b"/ByteRange", update_start)
        .ok_or(Error::UnsupportedPdf("ByteRange not written"))?;
    let br_open = find(&out, b"[", br_key).ok_or(Error::UnsupportedPdf("ByteRange not written"))?;
    let br_close =
        find(&out, b"]", br_open).ok_or(Error::UnsupportedPdf("ByteRange not written"))?;
    // The page dictionary in the update has a /Contents too: look for the zero-filled string.
    let c_start = find(&out, b"<00000000000000000000000000000000", update_start)
        .ok_or(Error::UnsupportedPdf("Contents not written"))?;
    let c_end = find(&out, b">", c_start).ok_or(Error::UnsupportedPdf("Contents not written"))? + 1;
    if c_end - c_start != 2 * SIGNATURE_RESERVED + 2 {
        return Err(Error::UnsupportedPdf(
            "Contents placeholder has an unexpected size",
        ));
    }
    let ranges = [0usize, c_start, c_end, out.len() - c_end];
    let text = format!("{} {} {} {}", ranges[0], ranges[1], ranges[2], ranges[3]);
    let width = br_close - br_open - 1;
    if text.len() > width {
        return Err(Error::UnsupportedPdf(
            "document too large for the ByteRange placeholder",
        ));
    }
    let padded = format!("{text:<width$}");
    out[br_open + 1..br_close].copy_from_slice(padded.as_bytes());

    let mut h = Sha256::new();
    h.update(&out[..c_start]);
    h.update(&out[c_end..]);
    let digest: [u8; 32] = h.finalize().into();
    let cms = sign_digest(identity, &digest)?;
    if cms.len() > SIGNATURE_RESERVED {
        return Err(Error::SignatureTooLarge {
            needed: cms.len(),
            reserved: SIGNATURE_RESERVED,
        });
    }
    let hex = hex::encode_upper(&cms);
    out[c_start + 1..c_start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

/// UTF-16BE with BOM, the PDF text string encoding for non-ASCII names.
fn utf16_text(s: &str) -> Vec<u8> {
    let mut v = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        v.extend_from_slice(&u.to_be_bytes());
    }
    v
}

/// Position of `needle` at or after `from`.
pub(crate) fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}
