//! Rotation as a journaled transaction, per device: (1) the new secret goes to the keyring as pending (the old
//! one stays current until commit) and the journal records the intent, (2) SetUser (or CreateUsers where the account does
//! not exist yet), (3) prove the new password works and the old one no longer does, (4) commit. A definite
//! refusal rolls back; an unanswered SetUser (a reboot mid-request) is settled by asking the device which
//! password works, retrying while it comes back; what cannot be settled now is left for `recover`.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use handover_devices::{DeviceClient, LoginCheck, NewUser, Password, UserLevel};
use handover_model::{CredentialRef, CredentialState, DeviceId};
use handover_store::journal::Phase;
use handover_vault::rotation;
use handover_vault::{CredentialStore, EntryKey, PasswordPolicy, SecretString, Slot};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::{Custody, DeviceOutcome, Writer, creds, device_policy, entry, off_thread, try_login};
use crate::error::Result;
use crate::progress::{Reporter, Step};
use crate::session::Session;

/// What a rotation run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RotateSummary {
    /// Devices now on a new, proven password.
    pub rotated: usize,
    /// Devices skipped (already rotated, or no password held).
    pub skipped: usize,
    /// Rotations undone because the device refused the change (it keeps its old password, still held).
    pub rolled_back: usize,
    /// Rotations left unsettled (device unreachable): run `handover credentials recover`.
    pub unsettled: usize,
    /// Per device.
    pub devices: Vec<DeviceOutcome>,
}

/// How long to keep asking a device that went quiet during SetUser (e.g. rebooting).
const SETTLE_PATIENCE: Duration = Duration::from_secs(45);

/// A device's outcome code and its explanation.
type Outcome = (&'static str, String);

struct Job {
    id: DeviceId,
    xaddr: String,
    user: String,
    /// The account's current keyring entry: the password the device takes now.
    key: EntryKey,
    policy: PasswordPolicy,
    was_default: Option<String>,
}

enum Settled {
    New,
    Old,
    Unknown(String),
}

/// Asks the device which password it takes now, patiently (it may be rebooting).
async fn settle(
    client: &DeviceClient,
    xaddr: &str,
    user: &str,
    new: &SecretString,
    old: &SecretString,
    cancel: &CancellationToken,
) -> Settled {
    let deadline = tokio::time::Instant::now() + SETTLE_PATIENCE;
    let mut last = String::new();
    loop {
        for (pw, which) in [(new, Settled::New), (old, Settled::Old)] {
            match try_login(client, xaddr, user, pw).await {
                Ok(LoginCheck::Accepted { .. }) => return which,
                Ok(LoginCheck::NotAuthorized(_)) => {}
                Ok(LoginCheck::LockedOut(e)) => {
                    return Settled::Unknown(format!("locked out: {e}"));
                }
                Ok(LoginCheck::Unreachable(e) | LoginCheck::Failed(e)) => last = e.to_string(),
                Err(e) => last = e.to_string(),
            }
        }
        if tokio::time::Instant::now() >= deadline || cancel.is_cancelled() {
            return Settled::Unknown(if last.is_empty() {
                "neither password is accepted".into()
            } else {
                last
            });
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

impl Session {
    /// Rotates every device whose password Handover holds and has not rotated yet (or the given ones).
    pub async fn rotate(
        &mut self,
        cx: &Custody<'_>,
        project_policy: &PasswordPolicy,
        only: &[DeviceId],
    ) -> Result<RotateSummary> {
        let (client, catalogs, cancel) = (cx.client, cx.catalogs, cx.cancel);
        let mut summary = RotateSummary::default();
        let refs = self.project().credentials()?;
        let mut jobs = Vec::new();
        for d in self.project().devices()? {
            crate::pins::pin(client, &d);
            let wanted = only.is_empty() || only.contains(&d.id);
            let cref = refs.iter().find(|c| c.device == d.id);
            let eligible = cref.is_some_and(|c| {
                matches!(
                    c.state,
                    CredentialState::FactoryDefault | CredentialState::TechnicianSupplied
                ) || (!only.is_empty() && c.state == CredentialState::Rotated)
            });
            let (Some(c), Some(xaddr), true, true) =
                (cref, d.facts.xaddr.clone(), wanted, eligible)
            else {
                if wanted {
                    summary.skipped += 1;
                }
                continue;
            };
            let key = entry(self.project(), d.id, &c.username, Slot::Current)?;
            let rules = catalogs
                .defaults
                .attempt_plan(&d.facts, d.identity.mac)
                .password_rules;
            let policy = device_policy(project_policy, rules.as_ref(), None);
            jobs.push(Job {
                id: d.id,
                xaddr,
                user: c.username.clone(),
                key,
                policy,
                was_default: c.matched_default.clone(),
            });
        }
        let mut rep = Reporter::new(cx.progress, Step::Rotate, jobs.len());
        let actor = self.actor().clone();
        let writer = Writer {
            project: std::sync::Mutex::new(self.project_mut()),
            actor: actor.clone(),
        };
        // Each device's outcome is counted and reported as soon as it is known, so progress moves per device.
        let mut outcomes = futures::stream::iter(jobs)
            .map(|job| {
                let writer = &writer;
                let keyring = &cx.keyring;
                async move {
                    let id = job.id;
                    (id, rotate_one(client, keyring, writer, job, cancel).await)
                }
            })
            .buffer_unordered(cx.concurrency.max(1));
        while let Some((id, r)) = outcomes.next().await {
            let (outcome, detail): (&str, String) = match r {
                Ok((o, d)) => (o, d),
                Err(e) => ("error", e.to_string()),
            };
            match outcome {
                "rotated" => summary.rotated += 1,
                "rolled-back" => summary.rolled_back += 1,
                "unsettled" => summary.unsettled += 1,
                "skipped" => summary.skipped += 1,
                _ => {}
            }
            rep.tick(format!("{id}: {outcome}"));
            summary.devices.push(DeviceOutcome {
                device: id.to_string(),
                outcome: outcome.into(),
                detail,
            });
        }
        drop(outcomes);
        drop(writer);
        Ok(summary)
    }
}

async fn rotate_one(
    client: &DeviceClient,
    keyring: &Arc<dyn CredentialStore>,
    writer: &Writer<'_>,
    job: Job,
    cancel: &CancellationToken,
) -> Result<Outcome> {
    let account = job.key.clone();
    let old = {
        let key = job.key.clone();
        off_thread(keyring, move |k| k.find(&key)).await?
    };
    let Some(old) = old else {
        return Ok(("skipped", "no password held for this account".into()));
    };
    let session = client.session(&job.xaddr, Some(creds(&job.user, &old)))?;
    // The device's clock first: WS-UsernameToken is signed with the device's time (skewed clocks refuse otherwise).
    let _ = session.system_date_and_time().await;
    // The device's own limit on password length, where it says.
    let limit = session
        .password_limits()
        .await
        .ok()
        .and_then(|l| l.max_password_length);
    let policy = device_policy(&job.policy, None, limit);
    let generated = handover_vault::generate_os(&policy)?;
    let limited_by_device = generated.limited_by_device();
    let length = generated.length;
    let new = generated.password;
    let users = session.users().await?;
    let existing = users
        .iter()
        .find(|u| u.username == job.user)
        .map(|u| u.level.clone());

    // (1) keyring first, then the journal: from here on the keyring holds every password the device may take.
    {
        let (account, old, new) = (account.clone(), old.clone(), new.clone());
        off_thread(keyring, move |k| rotation::stage(k, &account, &old, &new)).await?;
    }
    let rot = writer.with(|p, a| p.rotation_begin(job.id, &job.user, a))?;
    writer.with(|p, a| p.rotation_advance(rot, job.id, Phase::Sent, "", a))?;
    // (2) the change on the device.
    let pw = Password::new(new.expose().clone());
    let sent = match &existing {
        Some(level) => session.set_user(&job.user, Some(&pw), level).await,
        None => {
            session
                .create_users(&[NewUser {
                    username: job.user.clone(),
                    password: pw,
                    level: UserLevel::Administrator,
                }])
                .await
        }
    };
    let definite_refusal = matches!(&sent, Err(e) if e.fault().is_some() || e.is_auth_rejected() || e.is_locked_out() || e.is_auth_required());
    if let (true, Err(e)) = (definite_refusal, &sent) {
        settle_on(keyring, &account, &old).await?;
        writer.with(|p, a| {
            p.rotation_advance(
                rot,
                job.id,
                Phase::RolledBack,
                &format!("device refused: {e}"),
                a,
            )
        })?;
        return Ok((
            "rolled-back",
            format!("the device refused the new password ({e}); it keeps the old one, still held"),
        ));
    }
    // (3) proof: the new password works and the old one does not (asking patiently if the device went quiet).
    let new_ok = matches!(
        try_login(client, &job.xaddr, &job.user, &new).await,
        Ok(LoginCheck::Accepted { .. })
    );
    let settled = if new_ok {
        match try_login(client, &job.xaddr, &job.user, &old).await {
            Ok(LoginCheck::NotAuthorized(_)) => Settled::New,
            Ok(LoginCheck::Accepted { .. }) => {
                // Both work: keep the new one, but say so.
                commit_on(keyring, &account).await?;
                writer.with(|p, a| {
                    p.rotation_advance(
                        rot,
                        job.id,
                        Phase::Committed,
                        "old password still accepted",
                        a,
                    )
                })?;
                record_rotated(writer, &job)?;
                return Ok(("rotated-old-still-works", "the new password works, but the device still accepts the old one: check its accounts".into()));
            }
            _ => settle(client, &job.xaddr, &job.user, &new, &old, cancel).await,
        }
    } else {
        settle(client, &job.xaddr, &job.user, &new, &old, cancel).await
    };
    match settled {
        Settled::New => {
            writer.with(|p, a| p.rotation_advance(rot, job.id, Phase::Proven, "", a))?;
            // (4) commit.
            commit_on(keyring, &account).await?;
            writer.with(|p, a| p.rotation_advance(rot, job.id, Phase::Committed, "", a))?;
            record_rotated(writer, &job)?;
            let limited = if limited_by_device {
                format!(" (device limits passwords to {length} characters)")
            } else {
                String::new()
            };
            Ok((
                "rotated",
                format!("new {length}-character password proven, old one refused{limited}"),
            ))
        }
        Settled::Old => {
            settle_on(keyring, &account, &old).await?;
            writer.with(|p, a| {
                p.rotation_advance(
                    rot,
                    job.id,
                    Phase::RolledBack,
                    "device kept the old password",
                    a,
                )
            })?;
            Ok((
                "rolled-back",
                "the device did not apply the change; it keeps the old password, still held".into(),
            ))
        }
        Settled::Unknown(why) => Ok((
            "unsettled",
            format!(
                "the device did not answer ({why}); both passwords stay in the keyring: run `handover credentials recover`"
            ),
        )),
    }
}

async fn commit_on(keyring: &Arc<dyn CredentialStore>, account: &EntryKey) -> Result<()> {
    let account = account.clone();
    off_thread(keyring, move |k| rotation::commit(k, &account)).await
}

async fn settle_on(
    keyring: &Arc<dyn CredentialStore>,
    account: &EntryKey,
    working: &SecretString,
) -> Result<()> {
    let (account, working) = (account.clone(), working.clone());
    off_thread(keyring, move |k| rotation::settle(k, &account, &working)).await
}

fn record_rotated(writer: &Writer<'_>, job: &Job) -> Result<()> {
    let now = writer.with(|p, _| Ok(p.now()))?;
    let cref = CredentialRef {
        device: job.id,
        username: job.user.clone(),
        state: CredentialState::Rotated,
        matched_default: job.was_default.clone(),
        rotated_at: Some(now),
        rotated_by: Some(writer.actor.0.clone()),
    };
    writer.put_credential(&cref, "credential.rotated")
}
