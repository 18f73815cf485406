//! Recovery after a crash: every account the keyring holds leftovers for (pending or previous entries) is
//! settled by asking the device which stored password works, and every journal entry left open is closed.
//! Runs on demand (`handover credentials recover`) and whenever a project is opened by a workflow that talks
//! to devices.

use handover_devices::LoginCheck;
use handover_model::{CredentialRef, CredentialState, DeviceId};
use handover_store::journal::Phase;
use handover_vault::{Slot, rotation};
use serde::Serialize;

use super::{Custody, DeviceOutcome, try_login};
use crate::error::Result;
use crate::progress::{Reporter, Step};
use crate::session::Session;

/// What recovery did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RecoverSummary {
    /// Accounts settled on the new password (the rotation had taken effect).
    pub on_new: usize,
    /// Accounts settled on the old password (it had not).
    pub on_old: usize,
    /// Accounts that could not be settled now (device unreachable); nothing was discarded.
    pub still_unsettled: usize,
    /// Journal entries closed.
    pub journal_closed: usize,
    /// Per device.
    pub devices: Vec<DeviceOutcome>,
}

impl Session {
    /// Settles every interrupted rotation of this project.
    pub async fn recover(&mut self, cx: &Custody<'_>) -> Result<RecoverSummary> {
        let (client, keyring) = (cx.client, &*cx.keyring);
        self.pin_certificates(client)?;
        let project_id = self.project().id().to_string();
        let leftovers = rotation::unsettled(keyring, &project_id)?;
        let mut rep = Reporter::new(cx.progress, Step::Recover, leftovers.len());
        let mut summary = RecoverSummary::default();
        let actor = self.actor().clone();
        for u in leftovers {
            let (Some(dev), Some(user)) = (
                u.account
                    .device_id()
                    .and_then(|d| d.parse::<DeviceId>().ok()),
                u.account.username().map(str::to_owned),
            ) else {
                continue;
            };
            let xaddr = self.project().device(dev).ok().and_then(|d| d.facts.xaddr);
            let mut working = None;
            let mut why = String::from("device unknown to the project");
            if let Some(xaddr) = &xaddr {
                for (slot, pw) in &u.candidates {
                    match try_login(client, xaddr, &user, pw).await? {
                        LoginCheck::Accepted { .. } => {
                            working = Some((*slot, pw));
                            break;
                        }
                        LoginCheck::NotAuthorized(_) => {
                            why = "no stored password is accepted".into()
                        }
                        LoginCheck::LockedOut(e)
                        | LoginCheck::Unreachable(e)
                        | LoginCheck::Failed(e) => {
                            why = e.to_string();
                            break;
                        }
                    }
                }
            }
            let Some((slot, pw)) = working else {
                summary.still_unsettled += 1;
                rep.tick(format!("{dev}: still unsettled"));
                summary.devices.push(DeviceOutcome {
                    device: dev.to_string(),
                    outcome: "unsettled".into(),
                    detail: format!("{why}; every stored password is kept"),
                });
                continue;
            };
            rotation::settle(keyring, &u.account, pw)?;
            let on_new = slot == Slot::Pending;
            let prior = self
                .project()
                .credentials()?
                .into_iter()
                .find(|c| c.device == dev && c.username == user);
            let now = self.project().now();
            let cref = if on_new {
                summary.on_new += 1;
                CredentialRef {
                    device: dev,
                    username: user.clone(),
                    state: CredentialState::Rotated,
                    matched_default: prior.and_then(|p| p.matched_default),
                    rotated_at: Some(now),
                    rotated_by: Some(actor.0.clone()),
                }
            } else {
                summary.on_old += 1;
                prior.unwrap_or(CredentialRef {
                    device: dev,
                    username: user.clone(),
                    state: CredentialState::TechnicianSupplied,
                    matched_default: None,
                    rotated_at: None,
                    rotated_by: None,
                })
            };
            self.project_mut().put_credential(
                &cref,
                if on_new {
                    "credential.recovered-new"
                } else {
                    "credential.recovered-old"
                },
                &actor,
            )?;
            let which = if on_new {
                "the new password (the rotation had taken effect)"
            } else {
                "the old password (the rotation had not taken effect)"
            };
            rep.tick(format!("{dev}: settled"));
            summary.devices.push(DeviceOutcome {
                device: dev.to_string(),
                outcome: if on_new { "settled-new" } else { "settled-old" }.into(),
                detail: format!("device takes {which}"),
            });
        }
        // Close journal entries whose keyring side is settled (including those a crash left after commit).
        let open_accounts: Vec<(DeviceId, String)> = rotation::unsettled(keyring, &project_id)?
            .iter()
            .filter_map(|u| {
                Some((
                    u.account.device_id()?.parse().ok()?,
                    u.account.username()?.to_owned(),
                ))
            })
            .collect();
        for r in self.project().rotations(true)? {
            if !open_accounts.contains(&(r.device, r.username.clone())) {
                self.project_mut().rotation_advance(
                    r.id,
                    r.device,
                    Phase::Settled,
                    "settled by recovery",
                    &actor,
                )?;
                summary.journal_closed += 1;
            }
        }
        Ok(summary)
    }
}
