//! Recovery after a crash or an unproven rotation: every account with a pending password sealed in the project,
//! or with a rotation left open in the journal, is settled only by the device's own answer — the device is
//! asked which held password it takes. What cannot be proven now stays open, with every password kept and the
//! reason said; nothing is closed on recovery's say-so. Runs on demand (`handover credentials recover`).

use std::collections::BTreeMap;

use handover_devices::LoginCheck;
use handover_model::{CredentialRef, CredentialState, DeviceId};
use handover_store::PhaseChange;
use handover_store::journal::{Phase, Rotation};
use handover_store::secrets::{SecretName, SecretWrite};
use handover_vault::{EntryKey, Sealer, SecretString, Slot};
use serde::Serialize;

use super::rotate::{Proof, ask};
use super::{Custody, DeviceOutcome, entry, try_login};
use crate::error::Result;
use crate::progress::{Reporter, Step};
use crate::session::Session;

/// What recovery did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RecoverSummary {
    /// Accounts settled on the new password (the device was seen to take it).
    pub on_new: usize,
    /// Accounts settled on the old password (the device was seen to take it and refuse the new one).
    pub on_old: usize,
    /// Accounts that could not be settled now; every password is kept and the rotation stays open.
    pub still_unsettled: usize,
    /// Journal entries closed.
    pub journal_closed: usize,
    /// Per device.
    pub devices: Vec<DeviceOutcome>,
}

/// How long after SetUser was sent a device that still takes the old password is given to apply the change
/// before recovery settles on the old one (a change sent just before a crash may be applied a moment later,
/// and settling early would discard the only password the device then takes).
const LATE_APPLY_GRACE: time::Duration = time::Duration::seconds(10);

/// One account to settle: its sealed slots (opened) and its open journal rows.
#[derive(Default)]
struct Open {
    pending: Option<SecretString>,
    current: Option<SecretString>,
    previous: Option<SecretString>,
    rows: Vec<Rotation>,
}

impl Session {
    /// Settles every interrupted or unproven rotation of this project, by asking each device.
    pub async fn recover(&self, cx: &Custody<'_>) -> Result<RecoverSummary> {
        let _one_at_a_time = self.exclusive().await;
        let client = self.client();
        self.pin_certificates()?;
        let vault = self.vault()?;
        let open = self.open_rotations(&vault)?;
        let mut rep = Reporter::new(cx.progress, Step::Recover, open.len());
        let mut summary = RecoverSummary::default();
        for ((dev, user), o) in open {
            let xaddr = self.project().device(dev).ok().and_then(|d| d.facts.xaddr);
            let proof = match (&xaddr, &o.pending, &o.current) {
                (None, ..) => Err("the device is unknown to the project or has no ONVIF address".into()),
                (Some(x), Some(new), Some(old)) => Ok(ask(client, x, &user, new, old).await),
                (Some(x), Some(new), None) => Ok(match try_login(client, x, &user, new).await? {
                    LoginCheck::Accepted { .. } => Proof::New { old_refused: true },
                    _ => Proof::Unknown("the new password is refused and no other is held".into()),
                }),
                (Some(x), None, Some(held)) => Ok(match try_login(client, x, &user, held).await? {
                    LoginCheck::Accepted { .. } => Proof::Old,
                    LoginCheck::NotAuthorized(_) => Proof::Unknown(
                        "this rotation's new password is not held and the device refuses the held one: enter the \
                         password the device takes with `handover credentials set`"
                            .into(),
                    ),
                    other => Proof::Unknown(format!("{:?}", other.outcome())),
                }),
                (Some(_), None, None) => Err("no password is held for this account".into()),
            };
            // Earlier versions kept a `previous` slot: the last resort when neither pending nor current works.
            let proof = match (proof, &o.previous, &xaddr) {
                (Ok(Proof::Unknown(why)), Some(prev), Some(x)) => {
                    match try_login(client, x, &user, prev).await? {
                        LoginCheck::Accepted { .. } => Ok(Proof::Old),
                        _ => Ok(Proof::Unknown(why)),
                    }
                }
                (p, ..) => p,
            };
            // The old password works now, but a change sent moments ago may still be applied: not yet.
            let proof = match proof {
                Ok(Proof::Old) => {
                    let now = self.project().now();
                    match o
                        .rows
                        .iter()
                        .filter(|r| r.phase == Phase::Sent)
                        .map(|r| now - r.updated_at)
                        .find(|age| *age < LATE_APPLY_GRACE)
                    {
                        Some(age) => Ok(Proof::Unknown(format!(
                            "the device still takes the old password, but the change was sent {} s ago and may yet be applied; run recover again in a few seconds",
                            age.whole_seconds()
                        ))),
                        None => Ok(Proof::Old),
                    }
                }
                other => other,
            };
            let outcome = match proof {
                Ok(Proof::New { .. }) => {
                    let new = o
                        .pending
                        .clone()
                        .unwrap_or_else(|| SecretString::new(String::new()));
                    self.settle(&vault, dev, &user, &o, Some(&new), true)?;
                    summary.on_new += 1;
                    (
                        "settled-new",
                        "the device takes the new password (the rotation had taken effect)"
                            .to_owned(),
                    )
                }
                Ok(Proof::Old) => {
                    let held = o.current.clone().or_else(|| o.previous.clone());
                    self.settle(&vault, dev, &user, &o, held.as_ref(), false)?;
                    summary.on_old += 1;
                    ("settled-old", "the device takes the old password and refuses the new one (the rotation had not taken effect)".to_owned())
                }
                Ok(Proof::Unknown(why)) | Err(why) => {
                    summary.still_unsettled += 1;
                    (
                        "unsettled",
                        format!("{why}; every held password is kept and the rotation stays open"),
                    )
                }
            };
            summary.journal_closed += if outcome.0 == "unsettled" {
                0
            } else {
                o.rows.len()
            };
            rep.tick(format!("{dev} {user}: {}", outcome.0));
            summary.devices.push(DeviceOutcome {
                device: dev,
                outcome: outcome.0.into(),
                detail: format!("{user}: {}", outcome.1),
            });
        }
        Ok(summary)
    }

    /// Every account with a pending (or legacy previous) sealed password or an open journal row.
    fn open_rotations(&self, vault: &Sealer) -> Result<BTreeMap<(DeviceId, String), Open>> {
        let mut open: BTreeMap<(DeviceId, String), Open> = BTreeMap::new();
        let listed = self.project().secrets()?;
        for s in listed {
            if let SecretName::Device {
                device,
                username,
                slot,
            } = &s.name
                && (slot == Slot::Pending.as_str() || slot == Slot::Previous.as_str())
            {
                open.entry((*device, username.clone())).or_default();
            }
        }
        let listed = self.project().rotations(true)?;
        for r in listed {
            open.entry((r.device, r.username.clone()))
                .or_default()
                .rows
                .push(r);
        }
        for ((dev, user), o) in open.iter_mut() {
            let read = |slot| -> Result<Option<SecretString>> {
                self.secret(vault, &entry(self.project_id(), *dev, user, slot)?)
            };
            o.pending = read(Slot::Pending)?;
            o.current = read(Slot::Current)?;
            o.previous = read(Slot::Previous)?;
        }
        Ok(open)
    }

    /// Makes `working` (proven on the device) the account's current password, removes the other slots, records
    /// the credential, and closes the account's open journal rows — the first in the same transaction.
    fn settle(
        &self,
        vault: &Sealer,
        dev: DeviceId,
        user: &str,
        o: &Open,
        working: Option<&SecretString>,
        on_new: bool,
    ) -> Result<()> {
        let key = |slot| -> Result<EntryKey> { entry(self.project_id(), dev, user, slot) };
        let mut writes: Vec<SecretWrite> = Vec::new();
        if let Some(w) = working
            && o.current.as_ref() != Some(w)
        {
            writes.push(crate::sealed::seal(vault, &key(Slot::Current)?, w)?);
        }
        writes.push(crate::sealed::remove(&key(Slot::Pending)?)?);
        writes.push(crate::sealed::remove(&key(Slot::Previous)?)?);
        let prior = handover_store::credentials::for_device(self.project().conn(), dev)?
            .into_iter()
            .find(|c| c.username == user);
        let now = self.project().now();
        let actor = self.actor().clone();
        let cref = if on_new {
            CredentialRef {
                device: dev,
                username: user.to_owned(),
                state: CredentialState::Rotated,
                matched_default: prior.and_then(|p| p.matched_default),
                rotated_at: Some(now),
                rotated_by: Some(actor.0.clone()),
            }
        } else {
            prior.unwrap_or(CredentialRef {
                device: dev,
                username: user.to_owned(),
                state: CredentialState::TechnicianSupplied,
                matched_default: None,
                rotated_at: None,
                rotated_by: None,
            })
        };
        let note = if on_new {
            "recovered: the device takes the new password"
        } else {
            "recovered: the device takes the old password and refuses the new one"
        };
        let action = if on_new {
            "credential.recovered-new"
        } else {
            "credential.recovered-old"
        };
        self.close_rotations(dev, &o.rows, &writes, &cref, note, action)
    }

    /// Records a settled account in one transaction: its secret writes, its credential, and the first of its
    /// open journal rows closed as settled with `note` (the others closed after it); with no open row, the
    /// writes and credential go in as `action`.
    pub(super) fn close_rotations(
        &self,
        dev: DeviceId,
        rows: &[Rotation],
        writes: &[SecretWrite],
        cref: &CredentialRef,
        note: &str,
        action: &str,
    ) -> Result<()> {
        let actor = self.actor().clone();
        let Some((first, rest)) = rows.split_first() else {
            self.project_mut().write_secrets(
                writes,
                Some(cref),
                action,
                &dev.to_string(),
                &actor,
            )?;
            return Ok(());
        };
        self.project_mut().rotation_advance(
            first.id,
            dev,
            PhaseChange {
                secrets: writes,
                credential: Some(cref),
                ..PhaseChange::to(Phase::Settled, note)
            },
            &actor,
        )?;
        for r in rest {
            self.project_mut().rotation_advance(
                r.id,
                dev,
                PhaseChange::to(Phase::Settled, note),
                &actor,
            )?;
        }
        Ok(())
    }
}
