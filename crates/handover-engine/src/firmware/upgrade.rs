//! The upgrade itself: the plan's devices in waves (one canary per model first, then waves of at most
//! `in_flight` devices sharing the site's uplink), each device proven before (same device, held password,
//! version) and after (back within its stated reboot time, running the target, still taking the held password,
//! same serial and MAC, its accounts kept), journaled so that `recover` can settle what a crash interrupted.
//! A device that is not upgraded stops the run: later waves wait for the technician.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use handover_devices::{Credentials, DeviceClient, Uplink};
use handover_model::{DeviceId, MacAddr};
use handover_policy::checks::Settings;
use handover_store::devices::Sighting;
use handover_store::firmware::{NewUpgrade, UpgradePhase};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::proof::{Seen, Target, ask};
use crate::checks::CheckSummary;
use crate::credentials::Writer;
use crate::error::Result;
use crate::progress::{ProgressFn, Reporter, Step};
use crate::session::Session;

/// How an upgrade run goes (the client, keyring and catalogs are the session's).
pub struct Upgrader<'a> {
    /// For the checks run again on upgraded devices.
    pub settings: &'a Settings,
    /// Devices upgraded at once in a wave.
    pub in_flight: usize,
    /// The site's uplink in bytes per second, shared by all uploads (0: no limit).
    pub uplink_bytes_per_sec: u64,
    /// How long to wait for a device to come back; default: twice the down time it states, plus 5 s (300 s
    /// when it states none).
    pub reboot_wait: Option<Duration>,
    /// Stops the run; devices in flight are left journaled for `recover`.
    pub cancel: &'a CancellationToken,
    /// Where progress goes.
    pub progress: &'a ProgressFn,
}

/// One device's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct UpgradeOutcome {
    /// The device.
    pub device: handover_model::DeviceId,
    /// Its model.
    pub model: String,
    /// The version before.
    pub from: String,
    /// The target.
    pub to: String,
    /// The image file.
    pub image: String,
    /// Its SHA-256.
    pub image_sha256: String,
    /// The wave (0: canaries).
    pub wave: usize,
    /// `upgraded`, `already-on-target`, `settings-changed` (runs the target, but its accounts or network
    /// settings are not what they were), `fell-back`, `not-installed`, `refused-image`, `not-back`,
    /// `password-refused`, `identity-mismatch`, `unreachable`, `unsettled`, `waiting`.
    pub outcome: String,
    /// What happened and what to do, for people.
    pub detail: String,
}

impl UpgradeOutcome {
    /// Whether the device runs the target, proven.
    pub fn is_upgraded(&self) -> bool {
        matches!(self.outcome.as_str(), "upgraded" | "already-on-target")
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct UpgradeSummary {
    /// One line per planned device.
    pub outcomes: Vec<UpgradeOutcome>,
    /// Bytes of images sent.
    pub bytes_sent: u64,
    /// How long it took.
    pub elapsed_ms: u64,
    /// Whether a failure stopped the waves.
    pub stopped: bool,
    /// The checks run again on the upgraded devices.
    pub checks: Option<CheckSummary>,
}

impl UpgradeSummary {
    /// Outcomes with this code.
    pub fn count(&self, outcome: &str) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.outcome == outcome)
            .count()
    }
}

/// One device's upgrade, prepared before any device is asked.
#[derive(Clone)]
pub(crate) struct Job {
    pub id: DeviceId,
    pub model: String,
    pub xaddr: String,
    pub creds: Credentials,
    pub serial: Option<String>,
    pub mac: Option<MacAddr>,
    pub fingerprint: Option<String>,
    pub file: PathBuf,
    pub sha256: String,
    pub from: String,
    pub to: String,
}

impl Job {
    pub(crate) fn target(&self) -> Target<'_> {
        Target {
            xaddr: &self.xaddr,
            creds: &self.creds,
            serial: self.serial.as_deref(),
            mac: self.mac,
            fingerprint: self.fingerprint.as_deref(),
        }
    }
    fn outcome(&self, wave: usize, outcome: &str, detail: String) -> UpgradeOutcome {
        UpgradeOutcome {
            device: self.id,
            model: self.model.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            image: self
                .file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            image_sha256: self.sha256.clone(),
            wave,
            outcome: outcome.into(),
            detail,
        }
    }
}

/// What one device ended with: outcome code, detail, bytes sent, and facts to record.
pub(crate) struct Done {
    pub code: &'static str,
    pub detail: String,
    pub bytes: u64,
    pub version: Option<String>,
    pub repinned: Option<String>,
}

impl Done {
    fn nothing_sent(code: &'static str, detail: String) -> Self {
        Self {
            code,
            detail,
            bytes: 0,
            version: None,
            repinned: None,
        }
    }
}

/// Canaries (the first device of each model) first, then the rest in waves of `size`.
pub(crate) fn waves(jobs: Vec<Job>, size: usize) -> Vec<Vec<Job>> {
    let mut seen = std::collections::BTreeSet::new();
    let (canaries, rest): (Vec<Job>, Vec<Job>) =
        jobs.into_iter().partition(|j| seen.insert(j.model.clone()));
    let mut out = vec![canaries];
    out.extend(rest.chunks(size.max(1)).map(<[Job]>::to_vec));
    out.retain(|w| !w.is_empty());
    out
}

impl Session {
    /// Upgrades the devices the plan (for `only`, with `forced` as the image) says to upgrade: canaries per model
    /// first, then waves; a device not upgraded stops the run. Every step is journaled and audited; the firmware
    /// check runs again on the devices upgraded.
    pub async fn firmware_upgrade(
        &self,
        up: &Upgrader<'_>,
        only: &[DeviceId],
        forced: Option<&str>,
    ) -> Result<UpgradeSummary> {
        let _one_at_a_time = self.exclusive().await;
        let started = Instant::now();
        let catalogs = self.catalogs_in_use()?;
        let plan = self.firmware_plan_with(&catalogs, only, forced)?;
        self.pin_certificates()?;
        let vault = self.vault()?;
        let client = self.client();
        let open: Vec<DeviceId> = self
            .project()
            .upgrades(true)?
            .into_iter()
            .map(|u| u.device)
            .collect();
        let mut summary = UpgradeSummary::default();
        let mut jobs = Vec::new();
        for line in plan.upgrades() {
            let d = self.project().device(line.device)?;
            let Some(img) = &line.plan.image else {
                continue;
            };
            let job = Job {
                id: d.id,
                model: d.facts.model.clone().unwrap_or_default(),
                xaddr: d.facts.xaddr.clone().unwrap_or_default(),
                creds: Credentials::new("", ""),
                serial: d.identity.serial.clone(),
                mac: d.identity.mac,
                fingerprint: d.facts.tls_fingerprint.clone(),
                file: plan.folder.join(&img.image.file),
                sha256: img.image.sha256.clone(),
                from: line.plan.current.clone().unwrap_or_default(),
                to: line.plan.target.clone().unwrap_or_default(),
            };
            if open.contains(&d.id) {
                summary.outcomes.push(job.outcome(0, "unsettled", "an earlier upgrade of this device is not settled: run `handover firmware recover` first".into()));
                continue;
            }
            match self.held_credentials(&vault, d.id)? {
                Some(creds) if d.facts.xaddr.is_some() => jobs.push(Job { creds, ..job }),
                _ => summary.outcomes.push(job.outcome(
                    0,
                    "password-refused",
                    "Handover holds no password (or no ONVIF address) for it: take custody first; nothing sent".into(),
                )),
            }
        }
        let actor = self.actor().clone();
        for o in &summary.outcomes {
            let detail = serde_json::json!({"outcome": o.outcome, "detail": o.detail, "image_sha256": o.image_sha256, "to": o.to});
            self.project_mut()
                .record(&actor, "firmware.skipped", &o.device.to_string(), detail)?;
        }
        let total = jobs.len();
        let mut rep = Reporter::new(up.progress, Step::Firmware, total);
        let uplink = Arc::new(Uplink::new(up.uplink_bytes_per_sec));
        let actor = self.actor().clone();
        let mut upgraded = Vec::new();
        {
            let writer = Writer {
                project: self.project_lock(),
                actor,
            };
            for (n, wave) in waves(jobs, up.in_flight).into_iter().enumerate() {
                if summary.stopped || up.cancel.is_cancelled() {
                    for j in wave {
                        let o = j.outcome(n, "waiting", "not started: an earlier device was not upgraded (or the run was cancelled); look at it, then run the upgrade again".into());
                        let detail = serde_json::json!({"outcome": o.outcome, "detail": o.detail, "image_sha256": o.image_sha256, "to": o.to});
                        writer.with(|p, a| {
                            p.record(a, "firmware.skipped", &o.device.to_string(), detail)
                                .map(|_| ())
                        })?;
                        summary.outcomes.push(o);
                    }
                    continue;
                }
                rep.say(format!("wave {n}: {} devices", wave.len()));
                let mut running = futures::stream::iter(wave)
                    .map(|job| {
                        let (writer, uplink) = (&writer, &uplink);
                        async move {
                            let done = one(up, client, writer, &job, uplink).await;
                            (job, done)
                        }
                    })
                    .buffer_unordered(up.in_flight.max(1));
                while let Some((job, done)) = running.next().await {
                    let done =
                        done.unwrap_or_else(|e| Done::nothing_sent("unsettled", e.to_string()));
                    summary.bytes_sent += done.bytes;
                    if done.code == "upgraded" || done.code == "already-on-target" {
                        upgraded.push(job.id);
                    } else {
                        summary.stopped = true;
                    }
                    rep.tick(format!("{}: {}", job.id, done.code));
                    summary
                        .outcomes
                        .push(job.outcome(n, done.code, done.detail));
                }
            }
        }
        if summary.stopped {
            let actor = self.actor().clone();
            self.project_mut().record(
                &actor,
                "firmware.stopped",
                "project",
                serde_json::json!({"waiting": summary.count("waiting")}),
            )?;
        }
        if !upgraded.is_empty() {
            summary.checks = Some(self.run_checks_in(&upgraded, &catalogs, up.settings)?);
        }
        summary.elapsed_ms = started.elapsed().as_millis() as u64;
        Ok(summary)
    }

    /// Records what devices reported after an upgrade: their version and, when re-pinned after proof, their
    /// new certificate.
    pub(crate) fn record_firmware_facts(
        &self,
        facts: Vec<(DeviceId, Option<String>, Option<String>)>,
    ) -> Result<()> {
        if facts.is_empty() {
            return Ok(());
        }
        let sightings = facts
            .into_iter()
            .map(|(id, version, fp)| sighting(id, version, fp))
            .collect();
        let actor = self.actor().clone();
        self.project_mut().record_sightings(sightings, &actor)?;
        Ok(())
    }
}

/// A sighting carrying what a device reported after an upgrade.
fn sighting(id: DeviceId, version: Option<String>, fingerprint: Option<String>) -> Sighting {
    Sighting {
        device: Some(id),
        facts: handover_model::DeviceFacts {
            firmware: version,
            tls_fingerprint: fingerprint,
            ..Default::default()
        },
        ..Sighting::default()
    }
}

/// One device, end to end.
async fn one(
    up: &Upgrader<'_>,
    client: &DeviceClient,
    writer: &Writer<'_>,
    job: &Job,
    uplink: &Arc<Uplink>,
) -> Result<Done> {
    // An outcome reached before anything is journaled is audited on its own.
    let skip = |done: Done| -> Result<Done> {
        let detail = serde_json::json!({
            "outcome": done.code, "detail": done.detail, "image_sha256": job.sha256, "to": job.to,
        });
        writer.with(|p, a| {
            p.record(a, "firmware.skipped", &job.id.to_string(), detail)
                .map(|_| ())
        })?;
        Ok(done)
    };
    let (from, settings_before) = match ask(client, &job.target(), false).await {
        Seen::Runs { version, .. } if version == job.to => {
            return skip(Done {
                version: Some(version),
                ..Done::nothing_sent(
                    "already-on-target",
                    "it already runs the target version; nothing sent".into(),
                )
            });
        }
        Seen::Runs {
            version, settings, ..
        } => (version, settings),
        Seen::PasswordRefused(why) => {
            return skip(Done::nothing_sent(
                "password-refused",
                format!(
                    "it refuses the held password ({why}); nothing sent: run `handover credentials find-defaults`"
                ),
            ));
        }
        Seen::NotSame(why) => {
            return skip(Done::nothing_sent(
                "identity-mismatch",
                format!("{why}; nothing sent"),
            ));
        }
        Seen::Away(why) => {
            return skip(Done::nothing_sent(
                "unreachable",
                format!("{why}; nothing sent"),
            ));
        }
    };
    let file = job
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = writer.with(|p, a| {
        p.upgrade_begin(
            &NewUpgrade {
                device: job.id,
                image_sha256: &job.sha256,
                image_file: &file,
                from_version: &from,
                to_version: &job.to,
            },
            a,
        )
    })?;
    let session = client.session(&job.xaddr, Some(job.creds.clone()))?;
    let _ = session.system_date_and_time().await;
    let refused = |e: &handover_devices::Error| {
        e.is_image_refused() || e.is_auth_rejected() || e.is_not_supported()
    };
    let settle_now = |code: &'static str, note: String| -> Result<Done> {
        writer.with(|p, a| p.upgrade_advance(id, job.id, UpgradePhase::NotUpgraded, &note, a))?;
        Ok(Done::nothing_sent(code, note))
    };
    let route = match client.firmware_route(&session).await {
        Ok(r) => r,
        Err(e) if refused(&e) => {
            return settle_now(
                "refused-image",
                format!("the device did not take the image: {e}; it still runs {from}"),
            );
        }
        Err(e) => return settle_now("unreachable", format!("nothing sent: {e}")),
    };
    let down_secs = route.expected_down().map(|d| d.as_secs());
    writer.with(|p, a| p.upgrade_sent(id, job.id, "sending the image", down_secs, a))?;
    let (bytes, how) = match client
        .upload_firmware(&session, &route, &job.file, uplink)
        .await
    {
        Ok(sent) => {
            let how = format!("sent {} bytes by {}", sent.bytes, sent.method);
            // The image is in: the device's install time counts from now.
            writer.with(|p, a| {
                p.upgrade_sent(id, job.id, &format!("{how}; installing"), down_secs, a)
            })?;
            (sent.bytes, how)
        }
        Err(e) if refused(&e) => {
            return settle_now(
                "refused-image",
                format!("the device did not take the image: {e}; it still runs {from}"),
            );
        }
        // The upload broke off: the device may or may not have the image. Its own answer decides.
        Err(e) => (0, format!("the upload broke off ({e})")),
    };
    let wait = up.reboot_wait.unwrap_or_else(|| reboot_budget(down_secs));
    let done = settle_after(up, client, job, &from, &settings_before, wait).await;
    let note = format!("{how}; {}", done.detail);
    let phase = match done.code {
        // It runs the target: the journal says so; the outcome says what else changed.
        "upgraded" | "settings-changed" => Some(UpgradePhase::Upgraded),
        "fell-back" | "not-installed" => Some(UpgradePhase::NotUpgraded),
        _ => None,
    };
    // What the device reports is recorded before the journal closes, so a crash in between leaves the entry
    // open for `recover` rather than a closed entry beside stale facts.
    if done.version.is_some() || done.repinned.is_some() {
        let seen = sighting(job.id, done.version.clone(), done.repinned.clone());
        writer.with(|p, a| p.record_sightings(vec![seen], a).map(|_| ()))?;
    }
    match phase {
        Some(ph) => writer.with(|p, a| p.upgrade_advance(id, job.id, ph, &note, a))?,
        None => writer.with(|p, a| p.upgrade_advance(id, job.id, UpgradePhase::Sent, &note, a))?,
    }
    Ok(Done {
        bytes,
        detail: note,
        ..done
    })
}

/// How long a device may take to come back: twice the down time it stated, plus 5 s; 300 s when it stated none.
pub(crate) fn reboot_budget(stated_secs: Option<u64>) -> Duration {
    stated_secs.map_or(Duration::from_secs(300), |d| Duration::from_secs(d * 2 + 5))
}

/// A device that took the held password before the image and refuses it after.
fn reset(why: &str) -> Done {
    Done::nothing_sent(
        "password-refused",
        format!(
            "it came back but refuses the held password ({why}): the upgrade probably reset it to factory \
             settings. Run `handover credentials find-defaults` and `credentials rotate`, then `handover firmware recover`"
        ),
    )
}

/// Waits for the device to come back and judges what it runs.
async fn settle_after(
    up: &Upgrader<'_>,
    client: &DeviceClient,
    job: &Job,
    from: &str,
    settings_before: &[String],
    wait: Duration,
) -> Done {
    let deadline = Instant::now() + wait;
    let mut went_away = false;
    let last = loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
            _ = up.cancel.cancelled() => {
                return Done::nothing_sent("unsettled", "cancelled while the device was installing; run `handover firmware recover`".into());
            }
        }
        let seen = ask(client, &job.target(), true).await;
        match &seen {
            Seen::Runs {
                version,
                repinned,
                users,
                settings,
            } if *version == job.to => {
                let cert = repinned.as_ref().map_or(String::new(), |fp| {
                    format!("; it presents a new TLS certificate (SHA-256 {fp}), pinned after it proved its serial and MAC with the held password")
                });
                // The proof: the held account and the network settings are what they were before the image.
                let account_gone = !users.is_empty() && !users.contains(&job.creds.username);
                let changed = settings.as_slice() != settings_before;
                let (code, what) = match (account_gone, changed) {
                    (false, false) => ("upgraded", ", accounts and network settings kept".to_owned()),
                    (true, _) => ("settings-changed", "; but its account list no longer shows the held account: check its accounts".to_owned()),
                    (false, true) => ("settings-changed", format!(
                        "; but its network settings changed ({} before, {} now): set them again on the device and check it",
                        settings_before.join("; "),
                        settings.join("; ")
                    )),
                };
                return Done {
                    code,
                    detail: format!(
                        "back on {version}, takes the held password, same serial and MAC{what}{cert}"
                    ),
                    bytes: 0,
                    version: Some(version.clone()),
                    repinned: repinned.clone(),
                };
            }
            Seen::Runs {
                version, repinned, ..
            } if went_away => {
                return Done {
                    code: "fell-back",
                    detail: format!(
                        "it rebooted and came back on {version}, not {}: the new image did not boot and the device fell back to its other bank (dual-bank). It runs what it had; try the image once more, then ask the vendor",
                        job.to
                    ),
                    bytes: 0,
                    version: Some(version.clone()),
                    repinned: repinned.clone(),
                };
            }
            // It took the held password just before the image went in.
            Seen::PasswordRefused(why) => return reset(why),
            Seen::NotSame(why) => {
                return Done::nothing_sent(
                    "identity-mismatch",
                    format!(
                        "after the reboot {why}: look at the device on site, then run `handover firmware recover`"
                    ),
                );
            }
            Seen::Away(_) => went_away = true,
            _ => {}
        }
        if Instant::now() >= deadline {
            break seen;
        }
    };
    match last {
        Seen::PasswordRefused(why) => Done::nothing_sent(
            "password-refused",
            format!(
                "it refuses the held password ({why}): run `handover credentials find-defaults`, then `handover firmware recover`"
            ),
        ),
        Seen::Runs { version, .. } => Done {
            code: "not-installed",
            detail: format!(
                "it still runs {version} (was {from}) {}s after the image went in and never rebooted: it did not install it",
                wait.as_secs()
            ),
            bytes: 0,
            version: Some(version),
            repinned: None,
        },
        _ => Done::nothing_sent(
            "not-back",
            format!(
                "not back within {}s (its stated reboot time, doubled): power-cycle it; if it still does not answer, start it in recovery mode with the vendor's tool and load the image there. Then run `handover firmware recover`",
                wait.as_secs()
            ),
        ),
    }
}
