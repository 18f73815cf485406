//! Identity before trust: another address's claim to be a device in custody (a Hello, a ProbeMatch or a manual
//! add carrying its endpoint reference, MAC or serial) is proven or refuted here, never taken on its word.
//!
//! Proof is the pinned certificate (an HTTPS claim must present the device's pinned certificate, checked at the
//! handshake before anything is sent), or an authenticated read with the held password that returns the serial
//! and MAC the project knows. A proven claim moves the device (a sighting naming it); a refuted one becomes a
//! finding (`identity.claim`: "another host claims to be D10") and nothing more is sent to that host. A claim
//! that cannot be decided now (no answer, nothing known to compare) stays open for the next run.
//! Known limit: a host that accepts any password and copies the device's serial and MAC passes the read-back on
//! plain HTTP; only a pinned certificate rules that out.

use handover_devices::{Credentials, DeviceClient};
use handover_model::{Device, DeviceFacts, MacAddr, Severity};
use handover_store::devices::{Claim, Sighting};
use handover_store::findings::NewFinding;
use handover_vault::Sealer;

use crate::error::Result;
use crate::session::Session;

/// What happened to the open claims.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ClaimSummary {
    /// Claims proven: the device moved to the claiming address.
    pub proven: usize,
    /// Claims refuted: a finding names the impostor; the device stays.
    pub refuted: usize,
    /// Claims that could not be decided now.
    pub open: usize,
}

enum Verdict {
    Proven(String),
    Refuted(String),
    Undecided,
}

async fn judge(
    client: &DeviceClient,
    d: &Device,
    xaddr: &str,
    creds: Option<Credentials>,
) -> Verdict {
    if let Some(fp) = &d.facts.tls_fingerprint
        && xaddr.to_ascii_lowercase().starts_with("https://")
    {
        client.pin_certificate(xaddr, Some(fp));
        let Ok(session) = client.session(xaddr, None) else {
            return Verdict::Undecided;
        };
        return match session.system_date_and_time().await {
            Ok(_) => Verdict::Proven(format!("it presented the pinned certificate {fp}")),
            Err(e) if e.is_certificate_changed() => {
                Verdict::Refuted("it presents another certificate than the one pinned".into())
            }
            Err(_) => Verdict::Undecided,
        };
    }
    let Some(creds) = creds else {
        return Verdict::Undecided;
    };
    let Ok(session) = client.session(xaddr, Some(creds)) else {
        return Verdict::Undecided;
    };
    let _ = session.system_date_and_time().await;
    let info = match session.device_information().await {
        Ok(i) => i,
        Err(e) if e.is_auth_rejected() || e.is_auth_required() => {
            return Verdict::Refuted(
                "it refuses the password Handover holds for the device".into(),
            );
        }
        Err(_) => return Verdict::Undecided,
    };
    if d.identity.serial.is_none() && d.identity.mac.is_none() {
        return Verdict::Undecided; // it takes the password, but there is nothing known to compare
    }
    if let Some(known) = &d.identity.serial
        && info.serial_number.trim() != known.trim()
    {
        return Verdict::Refuted(format!(
            "it reports serial {:?}, not {known:?}",
            info.serial_number
        ));
    }
    if let Some(known) = d.identity.mac {
        let macs: Vec<MacAddr> = match session.network_interfaces().await {
            Ok(i) => i.iter().filter_map(|n| n.mac.parse().ok()).collect(),
            Err(_) => return Verdict::Undecided,
        };
        if !macs.contains(&known) {
            return Verdict::Refuted(format!("it does not report MAC {known}"));
        }
    }
    Verdict::Proven(
        "an authenticated read with the held password returned the known serial and MAC".into(),
    )
}

impl Session {
    /// Proves or refutes every open claim (see the module docs); `vault` opens the held passwords.
    pub(crate) async fn prove_claims(
        &self,
        client: &DeviceClient,
        vault: Option<&Sealer>,
    ) -> Result<ClaimSummary> {
        let mut summary = ClaimSummary::default();
        let listed = self.project().claims(true)?;
        for claim in listed {
            let d = self.project().device(claim.device)?;
            let xaddr = claim
                .xaddr
                .clone()
                .unwrap_or_else(|| format!("http://{}/onvif/device_service", claim.address));
            let creds = match vault {
                Some(v) => self.held_credentials(v, d.id)?,
                None => None,
            };
            match judge(client, &d, &xaddr, creds).await {
                Verdict::Proven(why) => {
                    self.move_with_claim(&claim, &xaddr, &why)?;
                    summary.proven += 1;
                }
                Verdict::Refuted(why) => {
                    self.refute_claim(&claim, &d, &why)?;
                    summary.refuted += 1;
                }
                Verdict::Undecided => summary.open += 1,
            }
        }
        Ok(summary)
    }

    fn move_with_claim(&self, claim: &Claim, xaddr: &str, why: &str) -> Result<()> {
        let actor = self.actor().clone();
        self.project_mut().record_sighting(
            Sighting {
                address: Some(claim.address),
                facts: DeviceFacts {
                    xaddr: Some(xaddr.to_owned()),
                    ..DeviceFacts::default()
                },
                device: Some(claim.device),
                ..Sighting::default()
            },
            &actor,
        )?;
        self.project_mut().settle_claim(claim, true, why, &actor)?;
        Ok(())
    }

    fn refute_claim(&self, claim: &Claim, d: &Device, why: &str) -> Result<()> {
        let actor = self.actor().clone();
        self.project_mut().settle_claim(claim, false, why, &actor)?;
        self.project_mut().raise_finding(
            &NewFinding {
                device: d.id,
                check: "identity.claim".into(),
                severity: Severity::High,
                title: format!("Another host claims to be {}", d.id),
                evidence: format!(
                    "{} announced itself as {} (at {}), but {why}; nothing was sent to it and the device stays at {}",
                    claim.address, d.id, d.address, d.address
                ),
                clauses: handover_policy::clauses::for_check("identity.claim"),
            },
            &actor,
        )?;
        Ok(())
    }
}
