//! Settling upgrades a crash, a cancelled run or a device that did not come back left open: each device is
//! asked, with the held password, which version it runs (after proving it is the device the project knows);
//! its answer alone settles the journal entry. A device that cannot answer now stays open, with what to do.

use handover_policy::checks::Settings;
use handover_store::firmware::UpgradePhase;
use serde::Serialize;

use super::proof::{Seen, Target, ask};
use crate::checks::CheckSummary;
use crate::error::Result;
use crate::session::Session;

/// One open upgrade after asking its device.
#[derive(Debug, Clone, Serialize)]
pub struct Settled {
    /// The device.
    pub device: handover_model::DeviceId,
    /// `upgraded`, `not-upgraded` or `open`.
    pub outcome: String,
    /// What the device said, and what to do when it stays open.
    pub detail: String,
}

/// What `recover` did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FirmwareRecoverSummary {
    /// One line per open upgrade.
    pub devices: Vec<Settled>,
    /// Settled as upgraded.
    pub upgraded: usize,
    /// Settled as not upgraded (the device runs what it had).
    pub not_upgraded: usize,
    /// Still open.
    pub still_open: usize,
    /// The checks run again on the devices settled.
    pub checks: Option<CheckSummary>,
}

impl Session {
    /// Settles every open upgrade by asking its device (see the module documentation).
    pub async fn firmware_recover(&self, settings: &Settings) -> Result<FirmwareRecoverSummary> {
        let _one_at_a_time = self.exclusive().await;
        let client = self.client();
        self.pin_certificates()?;
        let vault = self.vault()?;
        let mut summary = FirmwareRecoverSummary::default();
        let mut settled = Vec::new();
        let actor = self.actor().clone();
        let listed = self.project().upgrades(true)?;
        for u in listed {
            let d = self.project().device(u.device)?;
            let creds = self.held_credentials(&vault, d.id)?;
            let (Some(creds), Some(xaddr)) = (creds, d.facts.xaddr.clone()) else {
                summary.still_open += 1;
                summary.devices.push(Settled {
                    device: d.id,
                    outcome: "open".into(),
                    detail: "Handover holds no password for it: take custody, then recover again"
                        .into(),
                });
                continue;
            };
            let seen = ask(
                client,
                &Target {
                    xaddr: &xaddr,
                    creds: &creds,
                    serial: d.identity.serial.as_deref(),
                    mac: d.identity.mac,
                    fingerprint: d.facts.tls_fingerprint.as_deref(),
                },
                true,
            )
            .await;
            let (outcome, phase, detail) = match seen {
                Seen::Runs {
                    version, repinned, ..
                } => {
                    let budget = super::upgrade::reboot_budget(u.expected_down_secs);
                    let since = (self.project().now() - u.updated_at).unsigned_abs();
                    // Recorded before the journal entry closes (a crash in between leaves it open).
                    self.record_firmware_facts(vec![(d.id, Some(version.clone()), repinned)])?;
                    if version == u.to_version {
                        (
                            "upgraded",
                            Some(UpgradePhase::Upgraded),
                            format!("it runs {version} and takes the held password"),
                        )
                    } else if u.phase == UpgradePhase::Sent && since < budget {
                        // The image may be in and the device still installing: its old version proves nothing yet.
                        (
                            "open",
                            None,
                            format!(
                                "it still runs {version}, but the image went out {}s ago and it may still be installing: recover again after {}s",
                                since.as_secs(),
                                budget.as_secs()
                            ),
                        )
                    } else {
                        (
                            "not-upgraded",
                            Some(UpgradePhase::NotUpgraded),
                            format!(
                                "it runs {version}, not {}: the upgrade did not take",
                                u.to_version
                            ),
                        )
                    }
                }
                Seen::PasswordRefused(why) => (
                    "open",
                    None,
                    format!(
                        "it refuses the held password ({why}): probably reset to factory settings by the upgrade; run `handover credentials find-defaults`, then recover again"
                    ),
                ),
                Seen::NotSame(why) => ("open", None, format!("{why}: look at it on site")),
                Seen::Away(why) => (
                    "open",
                    None,
                    format!(
                        "no answer ({why}): if it does not come back, power-cycle it, or start it in recovery mode with the vendor's tool; then recover again"
                    ),
                ),
            };
            match phase {
                Some(ph) => {
                    self.project_mut().upgrade_advance(
                        u.id,
                        d.id,
                        ph,
                        &format!("recovered: {detail}"),
                        &actor,
                    )?;
                    settled.push(d.id);
                    if ph == UpgradePhase::Upgraded {
                        summary.upgraded += 1;
                    } else {
                        summary.not_upgraded += 1;
                    }
                }
                None => summary.still_open += 1,
            }
            summary.devices.push(Settled {
                device: d.id,
                outcome: outcome.into(),
                detail,
            });
        }
        if !settled.is_empty() {
            summary.checks = Some(self.run_checks(&settled, settings)?);
        }
        Ok(summary)
    }
}
