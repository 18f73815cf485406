//! The Review screen's view of a signed handover PDF read with no project and no network: the verdict, the
//! signer and the embedded inventory come from `handover_report::read_inventory` (through the engine's
//! `report::read_report`); this module only shapes them for the front end and words the headline. The
//! inventory is shown for a bad file too, under the verdict that says not to rely on it.

use handover_engine::report_types::{ChainStatus, Inventory, Reading, Verdict, Verification};

use crate::dto::{
    ReviewDevice, ReviewDto, ReviewFinding, ReviewInventory, ReviewVerdict, SignerDto,
};

fn inventory(inv: &Inventory) -> ReviewInventory {
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
            firmware_status: d.firmware.status.label().to_owned(),
            credential: d.credential.state.code().to_owned(),
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
            severity: f.severity.label().to_owned(),
            title: f.title.clone(),
            detail: f.detail.clone(),
            clauses: f.clauses.clone(),
            status: f.status.label().to_owned(),
            waiver: inv
                .waivers
                .iter()
                .find(|w| w.finding_id == f.id)
                .map(|w| format!("{} ({})", w.reason, w.approved_by)),
        })
        .collect();
    ReviewInventory {
        project_id: inv.project_id.clone(),
        site: inv.site.name.clone(),
        customer: inv.site.customer.clone(),
        integrator: inv.site.integrator.clone(),
        technician: inv.site.technician.clone(),
        generated_at: inv.generated_at.clone(),
        devices,
        findings,
    }
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

/// What the Review screen shows of `reading`, the report at `path`.
pub fn review(path: &str, reading: &Reading) -> ReviewDto {
    let v = &reading.verification;
    let (verdict, headline) = verdict(v);
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
        inventory: reading.inventory.as_ref().ok().map(inventory),
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
        let inv = inventory(&Inventory::from_json(&json).expect("the twin parses"));
        assert_eq!(inv.devices.len(), model.devices.len());
        for (shown, d) in inv.devices.iter().zip(&model.devices) {
            assert_eq!(shown.id, d.id);
            assert_eq!(shown.tls_sha256, d.tls_sha256, "{}", d.id);
        }
        assert!(inv.devices.iter().any(|d| d.tls_sha256.is_some()));
        assert!(inv.devices.iter().any(|d| d.tls_sha256.is_none()));
    }
}
