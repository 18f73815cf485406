//! Reading a signed handover PDF for the Review screen, with no project and no network: the verdict comes
//! from `handover_report::verify` (signature, integrity, chain), and the embedded inventory JSON
//! (`handover-inventory.json`) is read here so the reviewer can browse devices and findings. The JSON is
//! shown for a bad file too, under the verdict that says not to rely on it.
//!
//! Note for the lead: reading the embedded JSON duplicates a few lines of `handover_report::verify`; a
//! public `handover_report::embedded_inventory(bytes)` would let this module drop its lopdf use.

use lopdf::{Document, Object};
use serde::Deserialize;

use handover_report::model::{Device, Finding, Site, Waiver};
use handover_report::twin::EMBEDDED_JSON_NAME;
use handover_report::{ChainStatus, TrustedCert, Verdict, Verification};

use crate::dto::{
    ReviewDevice, ReviewDto, ReviewFinding, ReviewInventory, ReviewVerdict, SignerDto,
};

/// The embedded inventory as written by `handover_report::twin::inventory_json`.
#[derive(Deserialize)]
struct Inventory {
    project_id: String,
    generated_at: String,
    site: Site,
    devices: Vec<Device>,
    findings: Vec<Finding>,
    #[serde(default)]
    waivers: Vec<Waiver>,
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    match o {
        Object::Reference(id) => doc.get_object(*id).ok(),
        other => Some(other),
    }
}

fn deref_dict<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a lopdf::Dictionary> {
    deref(doc, o)?.as_dict().ok()
}

/// The bytes of the attached `handover-inventory.json`, if the PDF has one.
pub fn embedded_json(bytes: &[u8]) -> Option<Vec<u8>> {
    let doc = Document::load_mem(bytes).ok()?;
    let catalog = doc.catalog().ok()?;
    let names = deref_dict(&doc, catalog.get(b"Names").ok()?)?;
    let ef = deref_dict(&doc, names.get(b"EmbeddedFiles").ok()?)?;
    let arr = deref(&doc, ef.get(b"Names").ok()?)?.as_array().ok()?;
    for pair in arr.chunks(2) {
        if let [name, spec] = pair
            && name.as_str().ok() == Some(EMBEDDED_JSON_NAME.as_bytes())
        {
            let spec = deref_dict(&doc, spec)?;
            let efd = deref_dict(&doc, spec.get(b"EF").ok()?)?;
            let stream = deref(&doc, efd.get(b"F").ok()?)?.as_stream().ok()?;
            return stream
                .decompressed_content()
                .ok()
                .or_else(|| Some(stream.content.clone()));
        }
    }
    None
}

fn snake<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn inventory(json: &[u8]) -> Option<ReviewInventory> {
    let inv: Inventory = serde_json::from_slice(json).ok()?;
    let devices = inv
        .devices
        .iter()
        .map(|d| ReviewDevice {
            id: d.id.clone(),
            name: d.name.clone(),
            vlan_id: d.vlan_id,
            address: d.address.clone(),
            mac: d.mac.clone(),
            maker: d.maker.clone(),
            model: d.model.clone(),
            serial: d.serial.clone(),
            firmware: d.firmware.version.clone(),
            firmware_status: snake(&d.firmware.status),
            credential: snake(&d.credential.state),
            placement_verified: d.placement.verified,
            placement_evidence: d.placement.evidence.clone(),
            services: d
                .services
                .iter()
                .map(|s| format!("{}/{} {}", s.port, s.transport, s.name))
                .collect(),
            tls_sha256: d.tls_sha256.clone(),
        })
        .collect();
    let findings = inv
        .findings
        .iter()
        .map(|f| ReviewFinding {
            id: f.id.clone(),
            device_id: f.device_id.clone(),
            severity: snake(&f.severity),
            title: f.title.clone(),
            detail: f.detail.clone(),
            clauses: f.clauses.clone(),
            status: snake(&f.status),
            waiver: inv
                .waivers
                .iter()
                .find(|w| w.finding_id == f.id)
                .map(|w| format!("{} ({})", w.reason, w.approved_by)),
        })
        .collect();
    Some(ReviewInventory {
        project_id: inv.project_id,
        site: inv.site.name,
        customer: inv.site.customer,
        integrator: inv.site.integrator,
        technician: inv.site.technician,
        generated_at: inv.generated_at,
        devices,
        findings,
    })
}

/// The verdict for the front end, and its sentence (with the reason for anything but trusted).
pub fn verdict(v: &Verification) -> (ReviewVerdict, String) {
    let reason = v.reason().unwrap_or_default();
    match v.verdict() {
        Verdict::Trusted => (
            ReviewVerdict::Trusted,
            "Valid and trusted: the file is exactly as signed, by the integrator it names, through a CA \
             you trust."
                .into(),
        ),
        Verdict::IntactUntrusted => (
            ReviewVerdict::IntactUntrusted,
            format!(
                "Intact, but who signed it is not confirmed: {reason}. The file is exactly as signed; \
                 do not take it as the integrator's until this is resolved."
            ),
        ),
        Verdict::Changed if v.appended_bytes > 0 && v.digest_matches => (
            ReviewVerdict::Changed,
            format!(
                "Changed after signing: {} bytes were added after the signature. What you see may \
                 include the additions; do not rely on this file.",
                v.appended_bytes
            ),
        ),
        Verdict::Changed => (
            ReviewVerdict::Changed,
            format!("Changed or invalid: {reason}. Do not rely on this file."),
        ),
        Verdict::NotSigned => (
            ReviewVerdict::NotSigned,
            "Not signed: this file carries no handover signature, so nothing in it is vouched \
             for."
                .into(),
        ),
    }
}

/// Verifies `bytes` against `trusted` at `now` and reads the inventory.
pub fn review(
    path: &str,
    bytes: &[u8],
    trusted: &[TrustedCert],
    now: time::OffsetDateTime,
) -> ReviewDto {
    let v = handover_report::verify(bytes, trusted, now);
    let (verdict, headline) = verdict(&v);
    ReviewDto {
        path: path.to_owned(),
        verdict,
        headline,
        signer: v.signer.as_ref().map(|s| SignerDto {
            subject: s.subject.clone(),
            issuer: s.issuer.clone(),
            not_before: s.not_before.clone(),
            not_after: s.not_after.clone(),
            fingerprint: s.sha256_fingerprint.clone(),
        }),
        signed_at: v.signing_time.clone(),
        trusted_by: match &v.chain {
            ChainStatus::Trusted(ca) => Some(ca.clone()),
            _ => None,
        },
        reasons: v.untrusted_because.clone(),
        problems: v.problems.clone(),
        inventory: embedded_json(bytes).and_then(|j| inventory(&j)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_inventory_gives_each_device_its_pinned_certificate() {
        let at = time::macros::datetime!(2026-12-04 10:00 UTC);
        let model = handover_report::sample::sample_model(12, at);
        let json = handover_report::twin::inventory_json(&model).unwrap();
        let inv = inventory(&json).expect("the twin parses");
        assert_eq!(inv.devices.len(), model.devices.len());
        for (shown, d) in inv.devices.iter().zip(&model.devices) {
            assert_eq!(shown.id, d.id);
            assert_eq!(shown.tls_sha256, d.tls_sha256, "{}", d.id);
        }
        assert!(inv.devices.iter().any(|d| d.tls_sha256.is_some()));
        assert!(inv.devices.iter().any(|d| d.tls_sha256.is_none()));
    }
}
