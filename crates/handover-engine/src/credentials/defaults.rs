//! Finding the working credential: the device's own vendor defaults first, then generic ones, never more
//! failed attempts than the vendor's lockout allows within its window (counted in the project across runs),
//! stopping at the first success. Factory-new devices are recognised and flagged with what to do.
//!
//! A device whose password Handover holds is asked once whether it still takes it. When it refuses and a
//! factory default then works, the device was reset to factory settings (or another host answers at its
//! address): the default becomes the account's password to rotate, and the refused one is kept in the
//! `refused` slot — proven only, nothing forgotten.

use futures::StreamExt;
use handover_devices::LoginCheck;
use handover_model::{CredentialRef, CredentialState, DeviceId};
use handover_policy::catalog::defaults::{Candidate, FirstSetup, Lockout, LockoutScope};
use handover_vault::{SecretString, Slot};
use serde::Serialize;

use super::{Custody, DeviceOutcome, Writer, creds, entry, try_login};
use crate::error::Result;
use crate::progress::{Reporter, Step};
use crate::session::Session;

/// What a find-defaults run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FindSummary {
    /// Devices where a factory default works (now in custody, to be rotated).
    pub defaults_found: usize,
    /// Devices Handover already held a working password for (asked once, or not reachable to ask).
    pub already_held: usize,
    /// Devices that refused the password Handover held (each says what worked instead, if anything).
    pub held_refused: usize,
    /// Devices where no default worked: the technician must supply the password.
    pub unknown: usize,
    /// Devices needing vendor activation or a first user.
    pub factory_new: usize,
    /// Failed attempts made in all (each below its device's lockout threshold).
    pub failed_attempts: u32,
    /// Per device.
    pub devices: Vec<DeviceOutcome>,
}

struct Job {
    id: DeviceId,
    xaddr: String,
    candidates: Vec<Candidate>,
    first_setup: Option<FirstSetup>,
    note: String,
    default_user: String,
    /// The vendor's lockout, when the catalog knows it (to explain a refusal that may be a silent lockout).
    lockout: Option<Lockout>,
    /// The administrator password Handover holds, asked first.
    held: Option<(String, SecretString)>,
    /// Whether the device has told its firmware (else it is identified again once a password is held).
    identified: bool,
}

enum Found {
    /// The held password still works.
    Held,
    /// A default works (after the held password was refused, when one was held).
    Works(Candidate),
    /// Every candidate refused; `bare_401` when the refusals were plain HTTP Digest 401s, which a device that
    /// is locked out (e.g. by someone's earlier failed logins) gives for the right password too.
    NoneWorked {
        tried: usize,
        bare_401: bool,
    },
    LockedOut {
        tried: usize,
        why: String,
    },
    /// No verdict to go by; `outcome` says which kind: `unreachable` (no connection, no answer in time),
    /// `unsupported` (the device does not implement the login check), `failed` (it answered, but neither
    /// accepted nor refused: a malformed answer, another fault), or `certificate-changed` (the device
    /// presented another TLS certificate than its pinned one: nothing was sent, nothing counted).
    Undecided {
        tried: usize,
        outcome: &'static str,
        why: String,
    },
}

/// A login check that gave no verdict, in words: unreachable, unsupported or failed are told apart (and none
/// of them is a refusal).
pub(crate) fn undecided(e: &handover_devices::Error) -> (&'static str, String) {
    if e.is_unreachable() {
        (
            "unreachable",
            format!("could not reach the device ({e}); run find-defaults again once it answers"),
        )
    } else if e.is_not_supported() {
        (
            "unsupported",
            format!("the device does not implement the login check (GetDeviceInformation): {e}"),
        )
    } else {
        (
            "failed",
            format!("the device answered, but neither accepted nor refused the password: {e}"),
        )
    }
}

impl Session {
    /// Tries catalog defaults on devices whose password Handover does not hold yet (all when `only` is empty).
    pub async fn find_defaults(&self, cx: &Custody<'_>, only: &[DeviceId]) -> Result<FindSummary> {
        let _one_at_a_time = self.exclusive().await;
        let catalogs = self.catalogs_in_use()?;
        let (client, catalogs, cancel) = (self.client(), &catalogs, cx.cancel);
        let vault = self.vault()?;
        let mut summary = FindSummary::default();
        let mut jobs = Vec::new();
        let listed = self.project().devices()?;
        for d in listed {
            crate::pins::pin(client, &d);
            if !only.is_empty() && !only.contains(&d.id) {
                continue;
            }
            let held = self.held_credentials(&vault, d.id)?.map(|c| {
                (
                    c.username,
                    SecretString::new(c.password.expose().to_owned()),
                )
            });
            let Some(xaddr) = d.facts.xaddr.clone() else {
                summary.already_held += usize::from(held.is_some());
                continue;
            };
            let plan = catalogs.defaults.attempt_plan(&d.facts, d.identity.mac);
            let window = plan.lockout.map_or(time::Duration::minutes(30), |l| {
                time::Duration::seconds(l.window_secs as i64)
            });
            let used = self.project().recent_failures(d.id, window)?;
            let left = plan.budget.saturating_sub(used) as usize;
            let default_user = plan
                .candidates
                .first()
                .map_or_else(|| "admin".to_owned(), |c| c.user.clone());
            let mut candidates = plan.candidates;
            // The held password's one login comes out of the same budget.
            candidates.truncate(left.saturating_sub(usize::from(held.is_some())));
            jobs.push(Job {
                id: d.id,
                xaddr,
                candidates,
                first_setup: plan.first_setup,
                note: plan.first_setup_note,
                default_user,
                lockout: plan.lockout,
                held,
                identified: d.facts.firmware.is_some(),
            });
        }
        let mut rep = Reporter::new(cx.progress, Step::FindDefaults, jobs.len());
        let actor = self.actor().clone();
        let writer = Writer {
            project: self.project_lock(),
            actor,
        };
        let results: Vec<(Job, Found)> = futures::stream::iter(jobs)
            .map(|job| {
                let writer = &writer;
                async move {
                    let mut tried = 0;
                    let mut bare_401 = false;
                    let held = job.held.as_ref().map(|(user, pw)| Candidate {
                        user: user.clone(),
                        password: pw.expose().to_owned(),
                        label: "the password Handover holds".into(),
                    });
                    for (i, c) in held.iter().chain(&job.candidates).enumerate() {
                        let asking_held = held.is_some() && i == 0;
                        if cancel.is_cancelled() {
                            break;
                        }
                        let pw = SecretString::new(c.password.clone());
                        let check = match try_login(client, &job.xaddr, &c.user, &pw).await {
                            Ok(check) => check,
                            Err(e) => {
                                return (
                                    job,
                                    Found::Undecided {
                                        tried,
                                        outcome: "failed",
                                        why: format!("could not ask the device: {e}"),
                                    },
                                );
                            }
                        };
                        if let LoginCheck::Failed(e) | LoginCheck::Unreachable(e) = &check
                            && e.is_certificate_changed()
                        {
                            let why = format!("no password was tried: {e}");
                            let outcome = "certificate-changed";
                            return (
                                job,
                                Found::Undecided {
                                    tried,
                                    outcome,
                                    why,
                                },
                            );
                        }
                        tried += 1;
                        let outcome = format!("{:?}", check.outcome()).to_lowercase();
                        if let Err(e) = writer
                            .with(|p, _| p.record_attempt(job.id, &c.user, &c.label, &outcome))
                        {
                            return (
                                job,
                                Found::Undecided {
                                    tried,
                                    outcome: "failed",
                                    why: format!(
                                        "the attempt could not be recorded in the project ({e}); Handover stopped"
                                    ),
                                },
                            );
                        }
                        match check {
                            LoginCheck::Accepted { .. } if asking_held => {
                                // A device reset to having no users takes any password: the held account
                                // is then missing from its list.
                                let users =
                                    match client.session(&job.xaddr, Some(creds(&c.user, &pw))) {
                                        Ok(session) => session.users().await.ok(),
                                        Err(_) => None,
                                    };
                                if users.is_some_and(|u| !u.iter().any(|u| u.username == c.user)) {
                                    let open = Candidate {
                                        label: "any password (the device has no users)".into(),
                                        ..c.clone()
                                    };
                                    return (job, Found::Works(open));
                                }
                                return (job, Found::Held);
                            }
                            LoginCheck::Accepted { .. } => {
                                let c = c.clone();
                                return (job, Found::Works(c));
                            }
                            LoginCheck::NotAuthorized(e) => bare_401 = e.fault().is_none(),
                            LoginCheck::LockedOut(e) => {
                                return (
                                    job,
                                    Found::LockedOut {
                                        tried,
                                        why: e.to_string(),
                                    },
                                );
                            }
                            LoginCheck::Unreachable(e) | LoginCheck::Failed(e) => {
                                let (outcome, why) = undecided(&e);
                                return (job, Found::Undecided { tried, outcome, why });
                            }
                        }
                    }
                    (job, Found::NoneWorked { tried, bare_401 })
                }
            })
            .buffer_unordered(cx.concurrency.max(1))
            .collect()
            .await;
        drop(writer);
        // Devices whose custody changed (or held but never identified): identified again with the password.
        let mut reread = Vec::new();
        for (job, found) in results {
            if job.held.is_some() {
                if let Some(o) = self.settle_held(&vault, &job, found, &mut summary)? {
                    rep.tick(format!("{}: {}", job.id, o.detail));
                    if o.outcome == "reset-to-factory" {
                        reread.push(job.id);
                    }
                    summary.devices.push(o);
                } else {
                    rep.tick(format!("{}: password held", job.id));
                    if !job.identified {
                        reread.push(job.id);
                    }
                }
                continue;
            }
            if matches!(found, Found::Works(_)) {
                reread.push(job.id);
            }
            let mut sealed = Vec::new();
            let (outcome, detail, state, user, matched) = match found {
                Found::Held => unreachable!("only asked when a password is held"),
                Found::Works(c) => {
                    let key = entry(self.project_id(), job.id, &c.user, Slot::Current)?;
                    sealed.push(crate::sealed::seal(
                        &vault,
                        &key,
                        &SecretString::new(c.password.clone()),
                    )?);
                    summary.defaults_found += 1;
                    (
                        "default-found",
                        format!("factory default works for user {}: rotate it now", c.user),
                        CredentialState::FactoryDefault,
                        c.user,
                        Some(c.label),
                    )
                }
                Found::NoneWorked { tried, bare_401 } => {
                    summary.failed_attempts += tried as u32;
                    // A device that is not activated refuses with a SOAP fault; bare 401s from a vendor that
                    // locks out silently are read as a possible lockout first.
                    let silent_lock = bare_401 && job.lockout.is_some();
                    let factory_new =
                        matches!(job.first_setup, Some(FirstSetup::Activation)) && !silent_lock;
                    let detail = if factory_new {
                        summary.factory_new += 1;
                        format!(
                            "{tried} defaults refused; the device may need activation: {}",
                            job.note
                        )
                    } else if job.candidates.is_empty() {
                        summary.unknown += 1;
                        "no attempt left below the lockout threshold: wait for the lockout window or enter the password with `handover credentials set`".to_owned()
                    } else if let (true, Some(l)) = (bare_401, &job.lockout) {
                        // Digest devices answer a locked-out login with the same bare 401 as a wrong password:
                        // say both readings, and what to do for each.
                        summary.unknown += 1;
                        format!(
                            "{tried} defaults refused: either the password was changed, or the device is locked out by earlier failed logins \
                             (this vendor locks {} for {} min after {} failures and then refuses every password the same way); \
                             enter the password with `handover credentials set --device {}`, or wait {} min and run find-defaults again",
                            match l.scope {
                                LockoutScope::Account => "the account",
                                LockoutScope::ClientAddress => "the client address",
                            },
                            l.lock_secs.div_ceil(60),
                            l.failures,
                            job.id,
                            l.lock_secs.div_ceil(60),
                        )
                    } else {
                        summary.unknown += 1;
                        format!(
                            "{tried} defaults refused: the password was changed; enter it with `handover credentials set --device {}`",
                            job.id
                        )
                    };
                    (
                        if factory_new {
                            "needs-activation"
                        } else {
                            "unknown"
                        },
                        detail,
                        CredentialState::Unknown,
                        job.default_user.clone(),
                        None,
                    )
                }
                Found::LockedOut { tried, why } => {
                    summary.failed_attempts += tried as u32;
                    summary.unknown += 1;
                    (
                        "locked-out",
                        format!("the device reports a lockout ({why}); Handover stopped"),
                        CredentialState::Unknown,
                        job.default_user.clone(),
                        None,
                    )
                }
                Found::Undecided {
                    tried,
                    outcome,
                    why,
                } => {
                    summary.failed_attempts += tried as u32;
                    summary.unknown += 1;
                    (
                        outcome,
                        why,
                        CredentialState::Unknown,
                        job.default_user.clone(),
                        None,
                    )
                }
            };
            let actor = self.actor().clone();
            let cref = CredentialRef {
                device: job.id,
                username: user,
                state,
                matched_default: matched,
                rotated_at: None,
                rotated_by: None,
            };
            // The found password is sealed into the project file in the same transaction as its reference.
            self.project_mut().write_secrets(
                &sealed,
                Some(&cref),
                &format!("credential.{outcome}"),
                &job.id.to_string(),
                &actor,
            )?;
            rep.tick(format!("{}: {detail}", job.id));
            summary.devices.push(DeviceOutcome {
                device: job.id,
                outcome: outcome.into(),
                detail,
            });
        }
        self.reidentify_in(cx, &reread).await?;
        Ok(summary)
    }

    /// What asking a device for the password Handover holds came to. Nothing is changed unless a password is
    /// proven: a refused held password is replaced only by a default the device accepted, and kept in the
    /// `refused` slot. `None` when the held password still works (nothing to say per device).
    fn settle_held(
        &self,
        vault: &handover_vault::Sealer,
        job: &Job,
        found: Found,
        summary: &mut FindSummary,
    ) -> Result<Option<DeviceOutcome>> {
        let Some((held_user, held_pw)) = &job.held else {
            return Ok(None);
        };
        let actor = self.actor().clone();
        let subject = job.id.to_string();
        let (outcome, detail) = match found {
            Found::Held => {
                summary.already_held += 1;
                return Ok(None);
            }
            Found::Works(c) => {
                summary.held_refused += 1;
                summary.defaults_found += 1;
                // The refused password is kept; the default the device took becomes the account's password.
                let refused = crate::sealed::seal(
                    vault,
                    &entry(self.project_id(), job.id, held_user, Slot::Refused)?,
                    held_pw,
                )?;
                let found = crate::sealed::seal(
                    vault,
                    &entry(self.project_id(), job.id, &c.user, Slot::Current)?,
                    &SecretString::new(c.password.clone()),
                )?;
                let prior = handover_store::credentials::for_device(self.project().conn(), job.id)?
                    .into_iter()
                    .find(|r| r.username == *held_user);
                if c.user != *held_user {
                    // Another account took the default: the held account is no longer the one to use.
                    let demoted = CredentialRef {
                        state: CredentialState::Unknown,
                        ..prior.clone().unwrap_or(CredentialRef {
                            device: job.id,
                            username: held_user.clone(),
                            state: CredentialState::Unknown,
                            matched_default: None,
                            rotated_at: None,
                            rotated_by: None,
                        })
                    };
                    let gone = crate::sealed::remove(&entry(
                        self.project_id(),
                        job.id,
                        held_user,
                        Slot::Current,
                    )?)?;
                    self.project_mut().write_secrets(
                        &[refused.clone(), gone],
                        Some(&demoted),
                        "credential.held-refused",
                        &subject,
                        &actor,
                    )?;
                }
                let cref = CredentialRef {
                    device: job.id,
                    username: c.user.clone(),
                    state: CredentialState::FactoryDefault,
                    matched_default: Some(c.label.clone()),
                    rotated_at: None,
                    rotated_by: None,
                };
                let writes: Vec<_> = if c.user == *held_user {
                    vec![refused, found]
                } else {
                    vec![found]
                };
                self.project_mut().write_secrets(
                    &writes,
                    Some(&cref),
                    "credential.reset-to-factory",
                    &subject,
                    &actor,
                )?;
                (
                    "reset-to-factory",
                    format!(
                        "the device refused the password Handover held for {held_user} and takes the factory default for {}: \
                         it was reset to factory settings (or another host answers at its address). The refused password is kept; rotate now",
                        c.user
                    ),
                )
            }
            Found::NoneWorked { tried, .. } => {
                summary.failed_attempts += tried as u32;
                summary.held_refused += 1;
                (
                    "held-refused",
                    format!(
                        "the device refused the password Handover holds for {held_user}{}: if someone changed it, enter it with `handover credentials set --device {}`",
                        if tried > 1 {
                            ", and no factory default works"
                        } else {
                            ""
                        },
                        job.id
                    ),
                )
            }
            Found::LockedOut { tried, why } => {
                summary.failed_attempts += tried as u32;
                summary.already_held += 1;
                (
                    "locked-out",
                    format!(
                        "the device reports a lockout ({why}); the password held was not re-checked"
                    ),
                )
            }
            Found::Undecided {
                tried,
                outcome,
                why,
            } => {
                summary.failed_attempts += tried as u32;
                summary.already_held += 1;
                (
                    outcome,
                    format!("the password held was not re-checked: {why}"),
                )
            }
        };
        if outcome != "reset-to-factory" {
            self.project_mut().write_secrets(
                &[],
                None,
                &format!("credential.{outcome}"),
                &subject,
                &actor,
            )?;
        }
        Ok(Some(DeviceOutcome {
            device: job.id,
            outcome: outcome.into(),
            detail,
        }))
    }
}
