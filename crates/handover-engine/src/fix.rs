//! Fixing a finding on the spot, where ONVIF allows: one action per finding (point the device at the plan's NTP
//! servers, turn WS-Discovery off, turn plain HTTP off once HTTPS is proved to work), applied with the password
//! Handover holds, read back to prove it took, and recorded in the audit log. The front end asks the technician
//! to confirm first.

use handover_devices::{Credentials, DeviceClient, DiscoveryMode, NetworkProtocol};
use handover_model::{Device, DeviceId, FindingId, FindingStatus};
use handover_policy::Catalogs;
use handover_policy::checks::{Context, Fix, Settings, evaluate};
use handover_store::devices::Sighting;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::session::Session;

/// What a fix did.
#[derive(Debug, Clone, Serialize)]
pub struct FixOutcome {
    /// The finding.
    pub finding: String,
    /// The action taken.
    pub action: Fix,
    /// What was read back from the device afterwards.
    pub read_back: String,
}

impl Session {
    /// The fix Handover offers for a finding, if any (to show before asking for confirmation).
    pub fn fix_for(&self, id: FindingId, settings: &Settings) -> Result<Option<Fix>> {
        self.fix_for_with(id, &self.catalogs_in_use()?, settings)
    }

    fn fix_for_with(
        &self,
        id: FindingId,
        catalogs: &Catalogs,
        settings: &Settings,
    ) -> Result<Option<Fix>> {
        let f = handover_store::findings::get(self.project().conn(), id)?;
        let d = self.project().device(f.device)?;
        let plan = self.project().plan()?;
        Ok(self
            .raised_fixes(&d, &plan, catalogs, settings)?
            .into_iter()
            .find(|(check, _)| *check == f.check)
            .map(|(_, fix)| fix))
    }

    /// The fix of every open finding Handover can fix on its device (what "Fix all fixable" offers), each
    /// device evaluated once; findings without a fix are left out. In finding order.
    pub fn open_fixes(&self, settings: &Settings) -> Result<Vec<(FindingId, DeviceId, Fix)>> {
        let catalogs = &self.catalogs_in_use()?;
        let (findings, plan, devices) = {
            let p = self.project();
            (p.findings()?, p.plan()?, p.devices()?)
        };
        let open: Vec<_> = findings
            .into_iter()
            .filter(|f| f.status == FindingStatus::Open)
            .collect();
        let mut by_device: std::collections::HashMap<DeviceId, Vec<(&'static str, Fix)>> =
            std::collections::HashMap::new();
        for d in devices {
            if open.iter().any(|f| f.device == d.id) {
                let fixes = self.raised_fixes(&d, &plan, catalogs, settings)?;
                by_device.insert(d.id, fixes);
            }
        }
        Ok(open
            .into_iter()
            .filter_map(|f| {
                let fix = by_device
                    .get(&f.device)?
                    .iter()
                    .find(|(check, _)| *check == f.check)?
                    .1
                    .clone();
                Some((f.id, f.device, fix))
            })
            .collect())
    }

    /// The checks the policy raises on a device now, with the fix of each that has one.
    fn raised_fixes(
        &self,
        d: &Device,
        plan: &handover_model::Plan,
        catalogs: &Catalogs,
        settings: &Settings,
    ) -> Result<Vec<(&'static str, Fix)>> {
        let creds = handover_store::credentials::for_device(self.project().conn(), d.id)?;
        let ev = evaluate(
            Context {
                device: d,
                plan,
                credentials: &creds,
            },
            catalogs,
            settings,
        );
        Ok(ev
            .raised
            .into_iter()
            .filter_map(|r| Some((r.check, r.fix?)))
            .collect())
    }

    /// Applies the finding's fix on the device and reads it back; the finding is marked fixed only when the
    /// read-back shows the change.
    pub async fn fix(&self, id: FindingId, settings: &Settings) -> Result<FixOutcome> {
        let _one_at_a_time = self.exclusive().await;
        let catalogs = self.catalogs_in_use()?;
        let p = self.prepare_fix(id, &catalogs, settings)?;
        let applied = apply(self.client(), &p, settings).await;
        self.commit_fix(p, applied)
    }

    /// Fixes several findings: devices in parallel (at most `concurrency` at once), the findings of one device
    /// one after the other (switching plain HTTP off last, as it moves the device to its HTTPS address). Each
    /// result is recorded as soon as its device has answered, so a crash loses no fix already read back.
    /// Returns one result per finding, in the order the devices answered.
    pub async fn fix_many(
        &self,
        ids: &[FindingId],
        settings: &Settings,
        concurrency: usize,
    ) -> Result<Vec<(FindingId, Result<FixOutcome>)>> {
        let _one_at_a_time = self.exclusive().await;
        let catalogs = self.catalogs_in_use()?;
        let (client, catalogs) = (self.client(), &catalogs);
        use futures::StreamExt as _;
        let mut out = Vec::with_capacity(ids.len());
        let mut by_device: std::collections::BTreeMap<DeviceId, Vec<Prepared>> =
            std::collections::BTreeMap::new();
        for &id in ids {
            match self.prepare_fix(id, catalogs, settings) {
                Ok(p) => by_device.entry(p.device.id).or_default().push(p),
                Err(e) => out.push((id, Err(e))),
            }
        }
        // Each device's fixes run in a task of their own, so device IO goes on while results are written to
        // the project (a write waits for the disk).
        let mut work = futures::stream::iter(by_device.into_values().map(|mut list| {
            list.sort_by_key(|p| matches!(p.action, Fix::DisableHttp));
            let (client, settings) = (client.clone(), settings.clone());
            tokio::spawn(async move {
                let mut done = Vec::with_capacity(list.len());
                let mut failed = false;
                for p in list {
                    // After a failed change, the device's state is not what the next fix was prepared
                    // against: leave the rest for the technician to look at.
                    let applied = if failed {
                        Applied {
                            facts: None,
                            result: Err(Error::Invalid(format!(
                                "not tried: an earlier fix on {} failed",
                                p.device.id
                            ))),
                        }
                    } else {
                        apply(&client, &p, &settings).await
                    };
                    failed |= applied.result.is_err();
                    done.push((p, applied));
                }
                done
            })
        }))
        .buffer_unordered(concurrency.max(1));
        while let Some(done) = work.next().await {
            let done = done.map_err(|e| Error::Invalid(format!("a fix task failed: {e}")))?;
            for (p, applied) in done {
                let id = p.id;
                out.push((id, self.commit_fix(p, applied)));
            }
        }
        Ok(out)
    }

    /// Everything a fix needs from the project, read before any device is asked.
    fn prepare_fix(
        &self,
        id: FindingId,
        catalogs: &Catalogs,
        settings: &Settings,
    ) -> Result<Prepared> {
        let f = handover_store::findings::get(self.project().conn(), id)?;
        if f.status != FindingStatus::Open {
            return Err(Error::Invalid(format!("{id} is {} already", f.status)));
        }
        let action = self.fix_for_with(id, catalogs, settings)?.ok_or_else(|| Error::Invalid(format!("Handover cannot fix {id} ({}) on the device: fix it by hand or waive it with a reason", f.check)))?;
        let device = self.project().device(f.device)?;
        let xaddr = device
            .facts
            .xaddr
            .clone()
            .ok_or_else(|| Error::Invalid(format!("{} has no ONVIF address", device.id)))?;
        let vault = self.vault()?;
        let creds = self.held_credentials(&vault, device.id)?.ok_or_else(|| {
            Error::Invalid(format!(
                "Handover holds no password for {}: take custody first",
                device.id
            ))
        })?;
        Ok(Prepared {
            id,
            check: f.check,
            device,
            action,
            xaddr,
            creds,
        })
    }

    /// Records what the device answered: the facts read back, and the finding fixed when the fix was proven.
    fn commit_fix(&self, p: Prepared, applied: Applied) -> Result<FixOutcome> {
        let actor = self.actor().clone();
        if let Some(facts) = applied.facts {
            self.project_mut().record_sightings(
                vec![Sighting {
                    device: Some(p.device.id),
                    facts,
                    ..Sighting::default()
                }],
                &actor,
            )?;
        }
        let read_back = applied.result?;
        self.project_mut().set_finding_status(
            p.id,
            FindingStatus::Fixed,
            &format!("fixed on the device and read back ({read_back})"),
            &actor,
        )?;
        Ok(FixOutcome {
            finding: p.id.to_string(),
            action: p.action,
            read_back,
        })
    }
}

/// A fix ready to send: the finding, its device as recorded, the action and the held credentials.
struct Prepared {
    id: FindingId,
    check: String,
    device: Device,
    action: Fix,
    xaddr: String,
    creds: Credentials,
}

/// What the device answered to a fix: facts to record (also when the fix did not prove, if something was read)
/// and the read-back text when it did.
struct Applied {
    facts: Option<handover_model::DeviceFacts>,
    result: Result<String>,
}

/// Sends one fix and reads it back. Touches no project state, so fixes of different devices run in parallel.
async fn apply(client: &DeviceClient, p: &Prepared, settings: &Settings) -> Applied {
    let mut facts = handover_model::DeviceFacts::default();
    let result = apply_inner(client, p, settings, &mut facts).await;
    let record = match &result {
        Ok(_) => true,
        // The clock-skew case: NTP was set and read back, the clock is still off; the NTP facts stand.
        Err(_) => !facts.ntp.is_empty(),
    };
    Applied {
        facts: record.then_some(facts),
        result,
    }
}

async fn apply_inner(
    client: &DeviceClient,
    p: &Prepared,
    settings: &Settings,
    facts: &mut handover_model::DeviceFacts,
) -> Result<String> {
    let d = &p.device;
    crate::pins::pin(client, d);
    let session = client.session(&p.xaddr, Some(p.creds.clone()))?;
    let _ = session.system_date_and_time().await;
    Ok(match &p.action {
        Fix::DisableDiscovery => {
            session
                .set_discovery_mode(DiscoveryMode::NonDiscoverable)
                .await?;
            let mode = session.discovery_mode().await?;
            if mode != DiscoveryMode::NonDiscoverable {
                return Err(Error::Invalid(format!(
                    "{} accepted the change but still reports {mode:?}; nothing recorded as fixed",
                    d.id
                )));
            }
            facts.discoverable = Some(false);
            "discovery mode: NonDiscoverable".to_owned()
        }
        Fix::SetNtp { servers } => {
            let refs: Vec<&str> = servers.iter().map(String::as_str).collect();
            session.set_ntp(false, &refs).await?;
            let now = session.ntp().await?;
            if now.servers != *servers {
                return Err(Error::Invalid(format!(
                    "{} reports NTP {:?} after the change; nothing recorded as fixed",
                    d.id, now.servers
                )));
            }
            facts.ntp = now.servers.clone();
            facts.ntp_enabled = Some(true);
            if p.check == "time.clock-skew" {
                // NTP being set does not make the clock right: only a clock read within the threshold does.
                let clock = session.system_date_and_time().await?;
                if clock.skew_secs.abs() > settings.max_clock_skew_secs {
                    return Err(Error::Invalid(format!(
                        "NTP is now set on {} ({}), but its clock is still {}s off: check again once it has synchronised",
                        d.id,
                        now.servers.join(", "),
                        clock.skew_secs
                    )));
                }
                facts.clock_skew_ms = Some(clock.skew_secs * 1000);
            }
            format!("NTP servers: {}", now.servers.join(", "))
        }
        Fix::DisableHttp => {
            let (https_xaddr, read_back) =
                disable_http(client, &session, &d.id.to_string()).await?;
            facts.protocols = enabled_protocols(&read_back.1);
            facts.xaddr = Some(https_xaddr.clone());
            // Trust on first use: this certificate is the device's from now on.
            facts.tls_fingerprint = Some(read_back.0.clone());
            format!(
                "protocols: {} (read back over {https_xaddr}; certificate SHA-256 {})",
                facts.protocols.join(", "),
                read_back.0
            )
        }
    })
}

/// `NAME:port` for every enabled protocol, as identification records them.
fn enabled_protocols(ps: &[NetworkProtocol]) -> Vec<String> {
    ps.iter()
        .filter(|p| p.enabled)
        .flat_map(|p| p.ports.iter().map(move |port| format!("{}:{port}", p.name)))
        .collect()
}

/// Proves HTTPS works with the held credentials (refusing, with nothing changed, when it does not), switches
/// HTTP off over HTTPS leaving every other protocol as it was, and reads the protocols back over HTTPS.
/// Returns the HTTPS XAddr and (certificate fingerprint, protocols read back).
async fn disable_http(
    client: &DeviceClient,
    session: &handover_devices::OnvifSession,
    device: &str,
) -> Result<(String, (String, Vec<NetworkProtocol>))> {
    let proof = client.check_https(session).await.map_err(|e| {
        Error::Invalid(format!(
            "{device}: HTTPS could not be shown to work with the password Handover holds ({e}); HTTP left on, \
             nothing changed. Enable HTTPS with a certificate on the device first"
        ))
    })?;
    // Every later call in this fix must meet the certificate that proved HTTPS.
    client.pin_certificate(&proof.xaddr, Some(&proof.fingerprint));
    let tls = client.session_with(
        &proof.xaddr,
        session.credentials().cloned(),
        session.auth_preference(),
    )?;
    if let Some(skew) = session.skew_secs() {
        tls.set_skew_secs(skew);
    }
    let wanted: Vec<NetworkProtocol> = proof
        .protocols
        .iter()
        .map(|p| NetworkProtocol {
            enabled: p.enabled && !p.name.eq_ignore_ascii_case("HTTP"),
            ..p.clone()
        })
        .collect();
    tls.set_network_protocols(&wanted).await?;
    let now = tls.network_protocols().await.map_err(|e| {
        Error::Invalid(format!(
            "{device} accepted \"HTTP off\" over HTTPS but the protocols could not be read back ({e}); nothing \
             recorded as fixed. Check the device's web page at {} (certificate SHA-256 {}) and run the checks again",
            proof.xaddr, proof.fingerprint
        ))
    })?;
    let on = |name: &str| {
        now.iter()
            .any(|p| p.enabled && p.name.eq_ignore_ascii_case(name))
    };
    if on("HTTP") || !on("HTTPS") {
        return Err(Error::Invalid(format!(
            "{device} reports protocols {:?} after the change; nothing recorded as fixed",
            enabled_protocols(&now)
        )));
    }
    // Pinned above, so every call since met the certificate that proved HTTPS.
    Ok((proof.xaddr, (proof.fingerprint, now)))
}
