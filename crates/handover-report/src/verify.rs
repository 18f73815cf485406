//! Offline verification of a signed handover report, for `handover verify REPORT.pdf
//! [--trust CA.pem]`: finds the signature dictionary, checks the byte range (well formed,
//! covering the whole file, or how many bytes were appended after signing), recomputes the
//! SHA-256 of the signed ranges against the CMS message digest, checks the CMS signature
//! with the embedded signer certificate and its signing-certificate-v2 binding, validates the
//! signer's certification path to a trusted CA at the caller's `now` (`chain`, RFC 5280
//! rules), compares the signer's organisation with the integrator the report names, and
//! summarises the embedded inventory JSON (found and parsed by `read`, which returns it whole).
//! Problems are data in [`Verification`], never
//! errors; [`Verification::verdict`] folds them into one of four outcomes ([`Verdict`]), and
//! `text` prints them.

mod chain;
mod history;
mod text;

use der::Encode;
use lopdf::{Document, Object};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use x509_cert::Certificate;

pub use chain::ChainStatus;
pub use history::AuditHead;

use crate::read::{Inventory, TwinProblem, embedded};
use crate::sign::cms::{
    self, ID_AA_SIGNING_CERTIFICATE_V2, ID_MESSAGE_DIGEST, SigningCertificateV2,
};
use crate::sign::identity::{IdentityDescription, TrustedCert, describe_certificate};

/// Figures from the embedded inventory JSON.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InventorySummary {
    /// Project id.
    pub project_id: String,
    /// Site name.
    pub site: String,
    /// The integrator the report names (`site.integrator`).
    pub integrator: String,
    /// The audit log head the inventory claims the report anchors (absent in older reports).
    pub audit_log_head: Option<String>,
    /// Generation time as written (RFC 3339).
    pub generated_at: String,
    /// Devices listed.
    pub devices: usize,
    /// VLANs listed.
    pub vlans: usize,
    /// Findings still open.
    pub open_findings: usize,
    /// Waivers.
    pub waivers: usize,
}

/// Everything `verify` found out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verification {
    /// A signature dictionary was found.
    pub signed: bool,
    /// The CMS signature over the signed attributes verifies with the signer certificate.
    pub signature_valid: bool,
    /// The SHA-256 of the signed byte ranges equals the signed message digest.
    pub digest_matches: bool,
    /// The byte range covers the whole file (nothing was appended after signing).
    pub covers_whole_file: bool,
    /// Bytes after the signed range (0 when the whole file is covered).
    pub appended_bytes: u64,
    /// Certificate chain verdict.
    pub chain: ChainStatus,
    /// The signer's certificate.
    pub signer: Option<IdentityDescription>,
    /// The signature dictionary's `/M`.
    pub signing_time: Option<String>,
    /// The `/SubFilter`.
    pub sub_filter: Option<String>,
    /// The embedded inventory, if present and readable.
    pub inventory: Option<InventorySummary>,
    /// The audit log head printed in the appendix against the one the inventory claims.
    pub audit_head: Option<AuditHead>,
    /// Human-readable problems, in the order found.
    pub problems: Vec<String>,
    /// Why the signer is not trusted or not confirmed, each reason a sentence; empty when
    /// the signer is trusted (and irrelevant when the file was changed or is unsigned).
    pub untrusted_because: Vec<String>,
}

/// One of four outcomes, the same in the CLI (exit status, text, `--json`) and the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Valid and trusted: signature valid, whole file signed, the signer chains to a trusted
    /// CA and its organisation is the integrator the report names (green).
    Trusted,
    /// Intact, but the signer is not trusted or not confirmed (amber):
    /// [`Verification::untrusted_because`] says why.
    IntactUntrusted,
    /// Changed or invalid: digest mismatch, bad signature, or bytes added after signing (red).
    Changed,
    /// No signature, or not a readable PDF (red).
    NotSigned,
}

/// How a verdict is shown: green, amber or red.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    /// Valid and trusted.
    Green,
    /// Intact, signer not trusted or not confirmed.
    Amber,
    /// Changed, invalid or unsigned.
    Red,
}

impl Verdict {
    /// The process exit status `handover verify` ends with: 0 valid and trusted, 10 intact
    /// but the signer not trusted or not confirmed, 5 changed, invalid or unsigned.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Trusted => 0,
            Verdict::IntactUntrusted => 10,
            Verdict::Changed | Verdict::NotSigned => 5,
        }
    }

    /// Green, amber or red.
    pub fn tone(self) -> Tone {
        match self {
            Verdict::Trusted => Tone::Green,
            Verdict::IntactUntrusted => Tone::Amber,
            Verdict::Changed | Verdict::NotSigned => Tone::Red,
        }
    }
}

impl Verification {
    /// The overall outcome.
    pub fn verdict(&self) -> Verdict {
        if !self.signed {
            Verdict::NotSigned
        } else if !self.signature_valid
            || !self.digest_matches
            || !self.covers_whole_file
            || self.audit_head.as_ref().is_some_and(|h| !h.matches())
        {
            Verdict::Changed
        } else if matches!(self.chain, ChainStatus::Trusted(_)) && self.untrusted_because.is_empty()
        {
            Verdict::Trusted
        } else {
            Verdict::IntactUntrusted
        }
    }

    /// The verdict's reason in one sentence: why the signer is not trusted (amber), or the
    /// first problem found (red); `None` when valid and trusted.
    pub fn reason(&self) -> Option<String> {
        match self.verdict() {
            Verdict::Trusted => None,
            Verdict::IntactUntrusted => Some(self.untrusted_because.join("; ")),
            Verdict::Changed if self.signature_valid && !self.digest_matches => {
                Some("digest mismatch: the signed content was changed".into())
            }
            Verdict::Changed if self.signature_valid && self.appended_bytes > 0 => Some(format!(
                "{} bytes were appended after the signed range",
                self.appended_bytes
            )),
            Verdict::Changed if self.signature_valid => self
                .problems
                .iter()
                .find(|p| p.contains("audit log head"))
                .cloned(),
            // The check that failed is the last one recorded (each failure ends the walk).
            Verdict::Changed | Verdict::NotSigned => Some(
                self.problems
                    .last()
                    .cloned()
                    .unwrap_or_else(|| "the signature could not be checked".into()),
            ),
        }
    }

    fn empty() -> Self {
        Verification {
            signed: false,
            signature_valid: false,
            digest_matches: false,
            covers_whole_file: false,
            appended_bytes: 0,
            chain: ChainStatus::NoTrustAnchors,
            signer: None,
            signing_time: None,
            sub_filter: None,
            inventory: None,
            audit_head: None,
            problems: Vec::new(),
            untrusted_because: Vec::new(),
        }
    }
}

/// Verifies a signed report offline against `trusted` CAs at time `now`. To read the inventory
/// the report carries as well, use [`crate::read_inventory`].
pub fn verify(bytes: &[u8], trusted: &[TrustedCert], now: OffsetDateTime) -> Verification {
    examine(bytes, trusted, now).0
}

/// The verification and the embedded inventory, from one parse of the PDF.
pub(crate) fn examine(
    bytes: &[u8],
    trusted: &[TrustedCert],
    now: OffsetDateTime,
) -> (Verification, Result<Inventory, TwinProblem>) {
    let mut v = Verification::empty();
    let doc = match Document::load_mem(bytes) {
        Ok(d) => d,
        Err(e) => {
            v.problems.push(format!("not a readable PDF: {e}"));
            return (v, Err(TwinProblem::NotAPdf(e)));
        }
    };
    let inventory = embedded::twin_bytes(&doc).and_then(|json| Inventory::from_json(&json));
    match &inventory {
        Ok(inv) => v.inventory = Some(inv.summary()),
        Err(problem) => v.problems.push(problem.to_string()),
    }
    signature(bytes, &doc, trusted, now, &mut v);
    (v, inventory)
}

/// The history anchor and the signature: every check after the twin is read.
fn signature(
    bytes: &[u8],
    doc: &Document,
    trusted: &[TrustedCert],
    now: OffsetDateTime,
    v: &mut Verification,
) {
    let claimed = v.inventory.as_ref().and_then(|i| i.audit_log_head.clone());
    v.audit_head = history::check(doc, claimed);
    match &v.audit_head {
        None if v.inventory.is_some() => v.problems.push(
            "the embedded inventory names no audit log head (a report from an older Handover): the history anchor was not compared".into(),
        ),
        Some(h) if !h.matches() => v.problems.push(format!(
            "the audit log head printed in the report ({}) is not the one its embedded inventory claims ({})",
            h.printed.as_deref().unwrap_or("none found"),
            h.claimed
        )),
        _ => {}
    }
    // The last signature dictionary in the file (Handover writes exactly one).
    let sig = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .rfind(|d| d.has(b"ByteRange") && d.has(b"Contents"));
    let Some(sig) = sig else {
        v.problems.push("no signature found".into());
        return;
    };
    v.signed = true;
    v.signing_time = sig
        .get(b"M")
        .ok()
        .and_then(|o| o.as_str().ok())
        .map(|s| printable(&String::from_utf8_lossy(s)));
    v.sub_filter = sig
        .get(b"SubFilter")
        .ok()
        .and_then(|o| o.as_name().ok())
        .map(|s| printable(&String::from_utf8_lossy(s)));
    let Some(range) = byte_range(sig, bytes.len(), &mut v.problems) else {
        return;
    };
    let signed_end = range[2] + range[3];
    // The unsigned gap must be exactly the /Contents hex string, or unsigned bytes could hide there.
    let gap_ok = bytes.get(range[1]) == Some(&b'<')
        && bytes.get(range[2].wrapping_sub(1)) == Some(&b'>')
        && bytes[range[1] + 1..range[2] - 1]
            .iter()
            .all(u8::is_ascii_hexdigit);
    if !gap_ok {
        v.problems
            .push("the unsigned gap is not just the signature value".into());
        return;
    }
    v.appended_bytes = (bytes.len() - signed_end) as u64;
    v.covers_whole_file = v.appended_bytes == 0;
    if !v.covers_whole_file {
        v.problems.push(format!(
            "{} bytes were appended after the signed range",
            v.appended_bytes
        ));
    }
    let contents = match sig.get(b"Contents").and_then(Object::as_str) {
        Ok(c) => c,
        Err(_) => {
            v.problems.push("/Contents is not a string".into());
            return;
        }
    };
    let sd = match cms::parse_signed_data(contents) {
        Ok(sd) => sd,
        Err(e) => {
            v.problems
                .push(format!("the signature is not a CMS SignedData: {e}"));
            return;
        }
    };
    let mut h = Sha256::new();
    h.update(&bytes[range[0]..range[0] + range[1]]);
    h.update(&bytes[range[2]..signed_end]);
    let digest: [u8; 32] = h.finalize().into();
    check_signer(&sd, &digest, trusted, now, v);
}

fn byte_range(
    sig: &lopdf::Dictionary,
    len: usize,
    problems: &mut Vec<String>,
) -> Option<[usize; 4]> {
    let arr = sig.get(b"ByteRange").and_then(Object::as_array).ok()?;
    let nums: Vec<usize> = arr
        .iter()
        .filter_map(|o| o.as_i64().ok())
        .filter_map(|n| usize::try_from(n).ok())
        .collect();
    if nums.len() != 4
        || nums[0] != 0
        || nums[1].saturating_add(2) > nums[2]
        || nums[2].checked_add(nums[3]).is_none_or(|e| e > len)
    {
        problems.push("malformed /ByteRange".into());
        return None;
    }
    Some([nums[0], nums[1], nums[2], nums[3]])
}

fn check_signer(
    sd: &::cms::signed_data::SignedData,
    digest: &[u8; 32],
    trusted: &[TrustedCert],
    now: OffsetDateTime,
    v: &mut Verification,
) {
    let certs: Vec<Certificate> = sd
        .certificates
        .as_ref()
        .map(|set| {
            set.0
                .iter()
                .filter_map(|c| match c {
                    ::cms::cert::CertificateChoices::Certificate(c) => Some(c.clone()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let Some(si) = sd.signer_infos.0.iter().next() else {
        v.problems.push("the CMS has no signer".into());
        return;
    };
    let signer = match &si.sid {
        ::cms::signed_data::SignerIdentifier::IssuerAndSerialNumber(ias) => {
            certs.iter().find(|c| {
                c.tbs_certificate.issuer == ias.issuer
                    && c.tbs_certificate.serial_number == ias.serial_number
            })
        }
        ::cms::signed_data::SignerIdentifier::SubjectKeyIdentifier(_) => certs.first(),
    };
    let Some(signer) = signer else {
        v.problems
            .push("the signer's certificate is not embedded".into());
        return;
    };
    v.signer = describe_certificate(signer).ok();
    let Some(attrs) = &si.signed_attrs else {
        v.problems.push("no signed attributes".into());
        return;
    };
    let md = attrs
        .iter()
        .find(|a| a.oid == ID_MESSAGE_DIGEST)
        .and_then(|a| a.values.iter().next())
        .and_then(|any| any.decode_as::<der::asn1::OctetString>().ok());
    v.digest_matches = md
        .as_ref()
        .map(|m| m.as_bytes() == digest.as_slice())
        .unwrap_or(false);
    if !v.digest_matches {
        v.problems
            .push("digest mismatch: the signed content was changed".into());
    }
    let ess_ok = attrs
        .iter()
        .find(|a| a.oid == ID_AA_SIGNING_CERTIFICATE_V2)
        .and_then(|a| a.values.iter().next())
        .and_then(|any| any.decode_as::<SigningCertificateV2>().ok())
        .and_then(|scv2| scv2.certs.into_iter().next())
        .map(|id| {
            signer
                .to_der()
                .map(|d| Sha256::digest(d).as_slice() == id.cert_hash.as_bytes())
                .unwrap_or(false)
        });
    match ess_ok {
        Some(true) => {}
        Some(false) => v
            .problems
            .push("signing-certificate-v2 does not match the signer certificate".into()),
        None => v
            .problems
            .push("no signing-certificate-v2 attribute".into()),
    }
    let signed_attrs_der = match attrs.to_der() {
        Ok(d) => d,
        Err(e) => {
            v.problems
                .push(format!("signed attributes cannot be encoded: {e}"));
            return;
        }
    };
    match cms::verify_with_spki(
        &signer.tbs_certificate.subject_public_key_info,
        &si.signature_algorithm.oid,
        &signed_attrs_der,
        si.signature.as_bytes(),
    ) {
        Ok(()) => v.signature_valid = ess_ok == Some(true),
        Err(e) => v.problems.push(format!("bad signature: {e}")),
    }
    v.chain = chain::validate(signer, &certs, trusted, now);
    v.untrusted_because.extend(v.chain.reason());
    let organization = v.signer.as_ref().and_then(|s| s.organization.clone());
    let integrator = v.inventory.as_ref().map(|i| i.integrator.as_str());
    v.untrusted_because
        .extend(organization_mismatch(organization.as_deref(), integrator));
}

/// The signer's organisation (O) against the integrator the report names; `None` when they
/// agree (ignoring case and runs of white space).
fn organization_mismatch(organization: Option<&str>, integrator: Option<&str>) -> Option<String> {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    match (organization, integrator) {
        (_, None) => Some(
            "the report embeds no inventory naming the integrator, so the signer's organisation cannot be compared".into(),
        ),
        (None, Some(i)) => Some(format!(
            "the signer's certificate names no organisation (O); the report names the integrator \"{i}\""
        )),
        (Some(o), Some(i)) if norm(o) != norm(i) || norm(o).is_empty() => Some(format!(
            "the signer's organisation \"{o}\" is not the integrator the report names (\"{i}\")"
        )),
        _ => None,
    }
}

/// Text from the (untrusted) file made safe to print on a terminal: control characters,
/// including escape sequences, become U+FFFD.
pub(crate) fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}
