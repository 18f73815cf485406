//! Writes the small seeds of the `verify_pdf` fuzz target (`cargo run --example make_verify_pdf_seed` in
//! `fuzz/`, no sanitizer needed): the one-device sample report, its embedded font programs emptied (lopdf
//! never reads them; the font dictionaries and ToUnicode maps it does read stay), signed by a fresh
//! integrator CA, with the `/Contents` placeholder cut from the product's 16 KiB to what the CMS needs and the
//! signature made again over the new ranges. The file is ~16 KB instead of 75 KB, so an execution of the
//! target is that much shorter; the CA's certificate is written to `seeds/verify_pdf.ca.pem`, the trust anchor
//! the target is built with. Also writes the same report unsigned. Run once; the outputs are committed (a run
//! makes a new CA, so the seed and the certificate change together).

use handover_report::sign::cms::sign_digest;
use handover_report::{RenderOptions, SigningIdentity, render, sample::sample_model, sign};
use lopdf::{Document, Object};
use sha2::{Digest, Sha256};

/// Bytes of `/Contents` kept beyond the CMS's own length (an ECDSA signature's DER varies by a few bytes).
const SLACK: usize = 64;

fn strip_font_programs(pdf: &[u8]) -> Vec<u8> {
    let mut doc = Document::load_mem(pdf).expect("the rendered report loads");
    for obj in doc.objects.values_mut() {
        if let Object::Stream(s) = obj
            && s.dict.has(b"Length1")
        {
            s.dict.remove(b"Filter");
            s.dict.set("Length1", 0);
            s.set_content(Vec::new());
        }
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("the report saves");
    out
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> usize {
    from + hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("needle present")
}

fn rfind(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len())
        .rposition(|w| w == needle)
        .expect("needle present")
}

/// Cuts the zero padding of the signature's `/Contents`, moves the `/ByteRange`, the update's cross-reference
/// offsets and `startxref` by as much, and signs the new ranges.
fn shrink_contents(signed: &[u8], id: &SigningIdentity) -> Vec<u8> {
    let br = rfind(signed, b"/ByteRange[");
    let br_open = br + b"/ByteRange".len();
    let br_close = find(signed, b"]", br_open);
    let nums: Vec<usize> = std::str::from_utf8(&signed[br_open + 1..br_close])
        .unwrap()
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    let (c_start, c_end) = (nums[1], nums[2]);
    let hex = &signed[c_start + 1..c_end - 1];
    assert!(hex.starts_with(b"3082"), "a long-form DER SEQUENCE");
    let cms_len = 4 + usize::from_str_radix(std::str::from_utf8(&hex[4..8]).unwrap(), 16).unwrap();
    let new_hex = 2 * (cms_len + SLACK);
    let delta = hex.len() - new_hex;

    let mut out = Vec::with_capacity(signed.len() - delta);
    out.extend_from_slice(&signed[..c_start + 1]);
    out.extend(std::iter::repeat_n(b'0', new_hex));
    out.extend_from_slice(&signed[c_end - 1..]);
    let c_end = c_end - delta;

    // The update's cross-reference entries after the signature dictionary, and startxref.
    let xref = rfind(&out, b"\nxref\n") + 1;
    let trailer = find(&out, b"trailer", xref);
    let mut at = xref;
    while at < trailer {
        let eol = find(&out, b"\n", at);
        let line = out[at..eol].to_vec();
        if line.len() >= 18 && (line.ends_with(b" n ") || line.ends_with(b" n")) {
            let off: usize = std::str::from_utf8(&line[..10]).unwrap().parse().unwrap();
            if off > c_start {
                out[at..at + 10].copy_from_slice(format!("{:010}", off - delta).as_bytes());
            }
        }
        at = eol + 1;
    }
    let sx = rfind(&out, b"startxref\n") + b"startxref\n".len();
    let sx_end = find(&out, b"\n", sx);
    let old: usize = std::str::from_utf8(&out[sx..sx_end])
        .unwrap()
        .parse()
        .unwrap();
    assert!(old > c_start);
    out.splice(sx..sx_end, (old - delta).to_string().into_bytes());

    let text = format!("0 {} {} {}", c_start, c_end, out.len() - c_end);
    let width = br_close - br_open - 1;
    out[br_open + 1..br_close].copy_from_slice(format!("{text:<width$}").as_bytes());

    let mut h = Sha256::new();
    h.update(&out[..c_start]);
    h.update(&out[c_end..]);
    let digest: [u8; 32] = h.finalize().into();
    let cms = sign_digest(id, &digest).expect("the CMS builds");
    assert!(cms.len() <= cms_len + SLACK);
    let hex = hex::encode_upper(&cms);
    out[c_start + 1..c_start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    out
}

fn main() {
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let at = time::macros::datetime!(2026-11-20 16:30 UTC);
    let model = sample_model(1, at);
    let opts = RenderOptions {
        document_id: "fuzz-seed-small".into(),
        ..RenderOptions::default()
    };
    let pdf = strip_font_programs(&render(&model, &opts).expect("the sample renders"));
    let (ca, id) = SigningIdentity::create_integrator_ca(
        "Brightline Security",
        "Brightline Security Systems",
        at,
        &mut rand::rngs::OsRng,
    )
    .expect("a CA and identity");
    let signed = sign(&pdf, &id, at).expect("the report signs");
    let small = shrink_contents(&signed, &id);
    std::fs::write(seeds.join("verify_pdf/signed-report-small.pdf"), &small).unwrap();
    std::fs::write(seeds.join("verify_pdf/unsigned-report-small.pdf"), &pdf).unwrap();
    let all = ca.ca_cert_pem;
    std::fs::write(seeds.join("verify_pdf.ca.pem"), &all).unwrap();
    // What the fuzz target will see: the product's own verdict on the new seed, at the target's fixed time.
    let trusted = handover_report::TrustedCert::from_pem(all.as_bytes()).expect("the CA parses");
    let reading = handover_report::read_inventory(
        &small,
        &trusted,
        time::macros::datetime!(2026-12-01 12:00 UTC),
    );
    println!("verdict: {}", reading.verification);
    assert!(reading.inventory.is_ok(), "the inventory reads");
    println!(
        "signed {} bytes (was {} before the cut), unsigned {} bytes",
        small.len(),
        signed.len(),
        pdf.len()
    );
}
