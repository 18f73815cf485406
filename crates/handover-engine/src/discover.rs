//! The discovery workflow: multicast WS-Discovery on chosen interfaces, unicast sweeps of the plan's subnets
//! and typed ranges, then identification of everything found; the project records each device once (however
//! many methods found it) and what every subnet said ("why not found").

use std::collections::BTreeMap;

use futures::StreamExt;
use handover_devices::discovery::sweep::{Summary, SweepOptions, sweep};
use handover_devices::discovery::{Method, ProbeOptions, Sighting as Seen};
use handover_devices::{Credentials, Depth};
use handover_model::{DeviceId, DiscoveryMethod};
use handover_store::devices::Sighting;
use handover_store::discovery::Note;
use ipnet::{IpNet, Ipv4Net};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result};
use crate::facts;
use crate::pins;
use crate::progress::{ProgressFn, Reporter, Step};
use crate::session::Session;

/// What to discover with.
#[derive(Debug, Clone)]
pub struct DiscoverOptions {
    /// Sweep every subnet of the plan by unicast.
    pub sweep_plan: bool,
    /// Further ranges the technician typed.
    pub ranges: Vec<Ipv4Net>,
    /// Multicast WS-Discovery on these interfaces (empty: every usable one) when `multicast` is on.
    pub interfaces: Vec<String>,
    /// Send multicast probes at all.
    pub multicast: bool,
    /// WS-Discovery timing and port.
    pub probe: ProbeOptions,
    /// Devices identified at once.
    pub identify_concurrency: usize,
}

impl Default for DiscoverOptions {
    fn default() -> Self {
        Self {
            sweep_plan: true,
            ranges: Vec::new(),
            interfaces: Vec::new(),
            multicast: true,
            probe: ProbeOptions::default(),
            identify_concurrency: 128,
        }
    }
}

/// One subnet's line in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct SubnetLine {
    /// The subnet.
    pub subnet: String,
    /// `found`, `no-route`, `silence`, `not-onvif`, `refused`.
    pub outcome: String,
    /// For people.
    pub detail: String,
}

/// What a discovery run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DiscoverSummary {
    /// Distinct devices that answered.
    pub found: usize,
    /// Of which new to the project.
    pub new: usize,
    /// Of which seen at a new address.
    pub moved: usize,
    /// Sightings from another address claiming to be a device in custody (the device did not move).
    pub claimed: usize,
    /// What became of the open claims: proven (moved), refuted (a finding), still open.
    pub claims: crate::claims::ClaimSummary,
    /// Devices identified (something read over ONVIF).
    pub identified: usize,
    /// Devices that could not be identified, with why.
    pub unidentified: Vec<(String, String)>,
    /// Per subnet.
    pub subnets: Vec<SubnetLine>,
}

fn method(m: &Method) -> DiscoveryMethod {
    match m {
        Method::Multicast { .. } => DiscoveryMethod::WsDiscovery,
        Method::Unicast => DiscoveryMethod::UnicastSweep,
        Method::Hello => DiscoveryMethod::Hello,
        Method::Ssdp => DiscoveryMethod::Ssdp,
        Method::Mdns => DiscoveryMethod::Mdns,
        Method::Manual => DiscoveryMethod::Manual,
    }
}

fn outcome(s: &Summary) -> &'static str {
    match s {
        Summary::Found => "found",
        Summary::NoRoute => "no-route",
        Summary::Silence => "silence",
        Summary::OnlyNonOnvif => "not-onvif",
        Summary::OnvifRefusing => "refused",
    }
}

impl Session {
    /// Finds devices and identifies them. Cancel stops probing and identification; what was found so far is kept.
    pub async fn discover(
        &self,
        opts: &DiscoverOptions,
        cancel: &CancellationToken,
        progress: &ProgressFn,
    ) -> Result<DiscoverSummary> {
        let _one_at_a_time = self.exclusive().await;
        let client = self.client();
        let mut rep = Reporter::new(progress, Step::Discover, 0);
        let mut subnets: Vec<Ipv4Net> = Vec::new();
        if opts.sweep_plan {
            let listed = self.project().plan()?.vlans;
            for v in listed {
                if let IpNet::V4(n) = v.subnet {
                    subnets.push(n);
                }
            }
        }
        subnets.extend(opts.ranges.iter().copied());
        let mut seen_nets = std::collections::BTreeSet::new();
        subnets.retain(|n| seen_nets.insert(*n));
        let mut seen: Vec<Seen> = Vec::new();
        let mut summary = DiscoverSummary::default();
        let mut notes = Vec::new();
        if opts.multicast {
            let all = handover_devices::interfaces::usable()?;
            let chosen: Vec<_> = all
                .into_iter()
                .filter(|i| opts.interfaces.is_empty() || opts.interfaces.contains(&i.name))
                .collect();
            rep.say(format!(
                "WS-Discovery on {}",
                chosen
                    .iter()
                    .map(|i| i.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            let round = handover_devices::discovery::multicast::probe_multicast(
                &chosen,
                &opts.probe,
                cancel,
                |_| {},
            )
            .await?;
            seen.extend(round.found);
            // Further sources: many cameras also (some only) announce themselves over SSDP and mDNS.
            use handover_devices::discovery::{mdns, ssdp};
            let quiet = opts.probe.quiet();
            match ssdp::search(&[ssdp::GROUP], quiet, cancel, |_| {}).await {
                Ok(found) => seen.extend(found),
                Err(e) => rep.say(format!("SSDP search failed: {e}")),
            }
            match mdns::search(
                &[mdns::GROUP],
                &mdns::CAMERA_SERVICES,
                quiet,
                cancel,
                |_| {},
            )
            .await
            {
                Ok(found) => seen.extend(found),
                Err(e) => rep.say(format!("mDNS search failed: {e}")),
            }
        }
        if !subnets.is_empty() {
            rep.say(format!("sweeping {} subnets", subnets.len()));
            let sweep_opts = SweepOptions {
                probe: opts.probe.clone(),
                client: Some(client.clone()),
                ..SweepOptions::default()
            };
            let report = sweep(&subnets, &sweep_opts, cancel, |s| {
                rep.say(format!("found {}", s.address))
            })
            .await?;
            for sub in &report.subnets {
                let detail = format!(
                    "{} hosts probed, {} answered WS-Discovery, {} other hosts, {} silent{}{}",
                    sub.hosts_probed,
                    sub.found.len(),
                    sub.others.len(),
                    sub.silent,
                    if sub.send_failures > 0 {
                        format!("; {} could not be probed", sub.send_failures)
                    } else {
                        String::new()
                    },
                    match &sub.route {
                        handover_devices::discovery::sweep::Route::NoRoute { error } =>
                            format!("; no route from this laptop ({error})"),
                        handover_devices::discovery::sweep::Route::Via { .. } => String::new(),
                    }
                );
                let line = SubnetLine {
                    subnet: sub.subnet.to_string(),
                    outcome: outcome(&sub.summary).into(),
                    detail: detail.clone(),
                };
                notes.push(Note {
                    subnet: line.subnet.clone(),
                    method: "unicast WS-Discovery sweep".into(),
                    outcome: line.outcome.clone(),
                    detail,
                });
                for (host, verdict) in &sub.others {
                    notes.push(Note {
                        subnet: line.subnet.clone(),
                        method: format!("follow-up {host}"),
                        outcome: "not-found".into(),
                        detail: format!("{verdict:?}"),
                    });
                }
                summary.subnets.push(line);
            }
            seen.extend(report.found);
        }
        // One device per endpoint reference, however many methods saw it; a source without WS-Discovery's
        // endpoint reference (SSDP, mDNS) joins the device already seen at its address.
        let mut by_endpoint: BTreeMap<String, (Seen, Vec<DiscoveryMethod>)> = BTreeMap::new();
        let (wsd, others): (Vec<Seen>, Vec<Seen>) = seen
            .into_iter()
            .partition(|s| !matches!(s.method, Method::Ssdp | Method::Mdns));
        for s in wsd.into_iter().chain(others) {
            let key = match (
                &s.method,
                by_endpoint
                    .iter()
                    .find(|(_, (e, _))| e.address == s.address),
            ) {
                (Method::Ssdp | Method::Mdns, Some((k, _))) => k.clone(),
                _ => s.endpoint.clone(),
            };
            let e = by_endpoint
                .entry(key)
                .or_insert_with(|| (s.clone(), Vec::new()));
            e.1.push(method(&s.method));
        }
        summary.found = by_endpoint.len();
        let mut ids = Vec::new();
        let batch: Vec<Sighting> = by_endpoint
            .values()
            .flat_map(|(s, methods)| {
                let (identity, facts) = facts::from_sighting(s);
                let role = facts::role_from(&s.scopes, &s.types);
                methods.iter().map(move |m| Sighting {
                    identity: identity.clone(),
                    address: Some(s.address),
                    method: Some(*m),
                    facts: facts.clone(),
                    role: role.clone(),
                    device: None,
                })
            })
            .collect();
        for (dev, change) in self.record_sightings(batch)? {
            match change {
                handover_store::devices::Change::New => summary.new += 1,
                handover_store::devices::Change::Moved { .. } => summary.moved += 1,
                handover_store::devices::Change::Claimed { .. } => summary.claimed += 1,
                handover_store::devices::Change::Seen => {}
            }
            if !ids.contains(&dev.id) {
                ids.push(dev.id);
            }
        }
        if !notes.is_empty() {
            let actor = self.actor().clone();
            self.project_mut().record_discovery(&notes, &actor)?;
        }
        // Identity before trust: claims to be a device in custody are proven (the device moves) or refuted (a
        // finding) before anything else is sent.
        let claimed = !self.project().claims(true)?.is_empty();
        let vault = if claimed {
            self.vault_if_reachable()?
        } else {
            None
        };
        summary.claims = self.prove_claims(self.client(), vault.as_ref()).await?;
        rep.done = summary.found;
        rep.total = summary.found;
        rep.say(format!(
            "{} devices found, {} new",
            summary.found, summary.new
        ));
        let ident = self
            .identify_now(&ids, opts.identify_concurrency, cancel, progress)
            .await?;
        summary.identified = ident.identified;
        summary.unidentified = ident.failed;
        Ok(summary)
    }

    /// Adds a device by address (IP, host:port or device service URL) and identifies it.
    pub async fn add_manual(&self, address: &str, progress: &ProgressFn) -> Result<DeviceId> {
        let _one_at_a_time = self.exclusive().await;
        let s = Seen::manual(address)?;
        let (identity, facts) = facts::from_sighting(&s);
        let (dev, _) = self.record_sighting(Sighting {
            identity,
            address: Some(s.address),
            method: Some(DiscoveryMethod::Manual),
            facts,
            role: None,
            device: None,
        })?;
        let ident = self
            .identify_now(&[dev.id], 1, &CancellationToken::new(), progress)
            .await?;
        if let Some((_, why)) = ident.failed.first() {
            return Err(Error::Invalid(format!(
                "added {} at {address}, but it could not be identified: {why}",
                dev.id
            )));
        }
        Ok(dev.id)
    }
}

/// What identification did.
#[derive(Debug, Clone, Default)]
pub struct IdentifySummary {
    /// Devices with something read.
    pub identified: usize,
    /// Devices with nothing read, and why.
    pub failed: Vec<(String, String)>,
}

impl Session {
    /// The administrator credentials Handover holds for a device (the account chosen by
    /// [`crate::credentials::administrator`]), opened from the project's sealed vault.
    pub fn held_credentials(
        &self,
        vault: &handover_vault::Sealer,
        device: DeviceId,
    ) -> Result<Option<Credentials>> {
        let refs = handover_store::credentials::for_device(self.project().conn(), device)?;
        let Some(c) = crate::credentials::administrator(&refs) else {
            return Ok(None);
        };
        let key = handover_vault::EntryKey::device(
            &self.project().id().to_string(),
            &device.to_string(),
            &c.username,
            handover_vault::Slot::Current,
        )?;
        Ok(self
            .secret(vault, &key)?
            .map(|pw| Credentials::new(c.username.clone(), pw.expose().clone())))
    }

    /// Identifies devices (all reads in the order the device layer uses), at most `concurrency` at once and
    /// one request in flight per device; stores what was read.
    pub async fn identify(
        &self,
        ids: &[DeviceId],
        concurrency: usize,
        cancel: &CancellationToken,
        progress: &ProgressFn,
    ) -> Result<IdentifySummary> {
        let _one_at_a_time = self.exclusive().await;
        self.identify_now(ids, concurrency, cancel, progress).await
    }

    /// [`identify`](Self::identify) within a workflow that already runs alone.
    pub(crate) async fn identify_now(
        &self,
        ids: &[DeviceId],
        concurrency: usize,
        cancel: &CancellationToken,
        progress: &ProgressFn,
    ) -> Result<IdentifySummary> {
        let client = self.client();
        let mut jobs = Vec::new();
        let mut unpinned = std::collections::HashSet::new();
        let vault = self.vault_if_reachable()?;
        for id in ids {
            let d = self.project().device(*id)?;
            let Some(xaddr) = d.facts.xaddr.clone() else {
                continue;
            };
            let creds = match &vault {
                Some(v) => self.held_credentials(v, *id)?,
                None => None,
            };
            pins::pin(client, &d);
            if d.facts.tls_fingerprint.is_none() {
                unpinned.insert(d.id);
            }
            jobs.push((d.id, d.address, xaddr, creds));
        }
        let mut rep = Reporter::new(progress, Step::Identify, jobs.len());
        let results: Vec<_> = futures::stream::iter(jobs)
            .map(|(id, address, xaddr, creds)| {
                let client = client.clone();
                let cancel = cancel.clone();
                async move {
                    let session = match client.session(&xaddr, creds) {
                        Ok(s) => s,
                        Err(e) => return (id, address, Err(e)),
                    };
                    let read = async {
                        let ident = session.identify(Depth::Full).await;
                        // Accounts, when the credentials were taken (for the accounts check).
                        let users = if ident.credentials_accepted == Some(true) { session.users().await.ok() } else { None };
                        (ident, users)
                    };
                    tokio::select! {
                        r = read => (id, address, Ok(r)),
                        () = cancel.cancelled() => (id, address, Err(handover_devices::Error::Cancelled)),
                    }
                }
            })
            .buffer_unordered(concurrency.max(1))
            .collect()
            .await;
        let mut summary = IdentifySummary::default();
        let mut batch = Vec::new();
        let mut pinned = Vec::new();
        for (id, address, r) in results {
            match r {
                Ok((ident, users)) if !ident.is_empty() => {
                    let (identity, mut facts) = facts::from_identification(&ident, address, None);
                    facts.users = users.map(|u| facts::users(&u)).unwrap_or_default();
                    facts.tls_fingerprint = pins::presented(client, &ident.xaddr);
                    if let Some(fp) = facts
                        .tls_fingerprint
                        .as_ref()
                        .filter(|_| unpinned.contains(&id))
                    {
                        pinned.push(serde_json::json!({"device": id.to_string(), "sha256": fp, "xaddr": ident.xaddr}));
                    }
                    let role = facts::role_from(&facts.scopes, &[]);
                    batch.push(Sighting {
                        identity,
                        address: Some(address),
                        method: None,
                        facts,
                        role,
                        device: Some(id),
                    });
                    summary.identified += 1;
                    rep.tick(format!("{id} identified"));
                }
                Ok((ident, _)) => {
                    let why = ident
                        .errors
                        .first()
                        .map_or_else(|| "no answer".to_owned(), |(op, e)| format!("{op}: {e}"));
                    summary.failed.push((id.to_string(), why));
                    rep.tick(format!("{id} could not be identified"));
                }
                Err(e) => {
                    summary.failed.push((id.to_string(), e.to_string()));
                    rep.tick(format!("{id} could not be identified"));
                }
            }
        }
        let recorded: Vec<DeviceId> = self
            .record_sightings(batch)?
            .into_iter()
            .map(|(d, _)| d.id)
            .collect();
        // Clones (one MAC or serial on distinct devices) are findings, never a merge.
        self.record_clones(&recorded)?;
        if !pinned.is_empty() {
            let actor = self.actor().clone();
            self.project_mut().record(
                &actor,
                "devices.certificates-pinned",
                "site",
                serde_json::json!({ "pinned": pinned }),
            )?;
        }
        Ok(summary)
    }
}
