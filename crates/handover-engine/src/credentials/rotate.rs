//! Rotation as a journaled transaction, per administrator account: (1) the new password is sealed into the
//! project file as `pending` in the same transaction as the journal's intent (the old one stays `current`),
//! (2) identity is re-proven on the same connection (an authenticated read of serial and MAC must match what
//! the project knows), then SetUser (or CreateUsers where the account does not exist yet), (3) the device is
//! asked which password it takes, (4) the outcome commits with its journal phase.
//!
//! The state machine's only exits are proven by the device's own answer: commit when the new password is
//! accepted; roll back only when the old one is accepted and the new one refused, and only after SetUser was
//! definitely refused (a device that said "done" but still takes the old password may apply it late, so that
//! rotation stays open with both passwords kept). A SetUser answer of any kind (a fault or a 401 after the
//! device applied the change, a timeout, a reboot) is never taken as the outcome. Whatever cannot be proven now
//! stays open for `recover`, with both passwords sealed in the project.

use std::time::Duration;

use futures::StreamExt;
use handover_devices::{DeviceClient, LoginCheck, NewUser, Password, UserLevel};
use handover_model::{CredentialRef, CredentialState, DeviceId};
use handover_store::PhaseChange;
use handover_store::journal::Phase;
use handover_vault::{EntryKey, PasswordPolicy, Sealer, SecretString, Slot};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::{Custody, DeviceOutcome, Writer, creds, device_policy, entry, try_login};
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
    /// Accounts where nothing was sent: the device did not re-prove its identity, its HTTPS certificate
    /// changed, or it offers no working HTTPS and plain HTTP was not allowed (each device says which).
    pub refused: usize,
    /// Accounts the device cannot change over ONVIF (SetUser or CreateUsers answered "not supported"): the old
    /// password, still held, was proven; the technician changes it with the vendor's tool or web page and
    /// then gives it to Handover with `credentials set`.
    pub cannot_rotate: usize,
    /// Of those, accounts still on a factory default.
    pub cannot_rotate_default: usize,
    /// Accounts where the run failed before anything was sent (e.g. the device could not be reached).
    pub failed: usize,
    /// Per device.
    pub devices: Vec<DeviceOutcome>,
}

/// How long to keep asking a device that went quiet during SetUser (e.g. rebooting).
const SETTLE_PATIENCE: Duration = Duration::from_secs(45);
/// How long a device that said it applied the change, but still takes the old password, is given to apply it.
const LATE_APPLY_PATIENCE: Duration = Duration::from_secs(10);
/// After a refused SetUser, how long to wait before asking a second time (a change applied just after the
/// refusal is seen, not rolled back).
const REFUSAL_RECHECK: Duration = Duration::from_secs(2);

/// A device's outcome code and its explanation.
type Outcome = (&'static str, String);

struct Job {
    id: DeviceId,
    xaddr: String,
    user: String,
    /// The account's current key: the password the device takes now.
    key: EntryKey,
    policy: PasswordPolicy,
    was_default: Option<String>,
    /// What the project knows of the device's identity, re-proven before anything is changed.
    serial: Option<String>,
    mac: Option<handover_model::MacAddr>,
    /// The certificate pinned for the device, if any.
    fingerprint: Option<String>,
    /// The technician accepted plain HTTP for devices that offer no working HTTPS.
    plain_http: bool,
    /// The account is still on a factory default.
    factory_default: bool,
    /// The device answered an earlier rotation that it cannot change passwords over ONVIF.
    known_without_setuser: bool,
}

/// What the device answered when asked which password it takes.
#[derive(Debug)]
pub(super) enum Proof {
    /// The new password is accepted (`old_refused`: and the old one refused).
    New { old_refused: bool },
    /// The old password is accepted and the new one refused.
    Old,
    /// No proof: unreachable, locked out, or neither accepted.
    Unknown(String),
}

/// Asks the device once which of the two passwords it takes.
pub(super) async fn ask(
    client: &DeviceClient,
    xaddr: &str,
    user: &str,
    new: &SecretString,
    old: &SecretString,
) -> Proof {
    let verdict = |r: Result<LoginCheck>| match r {
        Ok(LoginCheck::Accepted { .. }) => Ok(true),
        Ok(LoginCheck::NotAuthorized(_)) => Ok(false),
        Ok(LoginCheck::LockedOut(e)) => Err(format!("locked out: {e}")),
        Ok(LoginCheck::Unreachable(e) | LoginCheck::Failed(e)) => Err(e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    match verdict(try_login(client, xaddr, user, new).await) {
        Ok(true) => {
            let old_refused = matches!(
                verdict(try_login(client, xaddr, user, old).await),
                Ok(false)
            );
            Proof::New { old_refused }
        }
        Ok(false) => match verdict(try_login(client, xaddr, user, old).await) {
            Ok(true) => Proof::Old,
            Ok(false) => Proof::Unknown("neither password is accepted".into()),
            Err(e) => Proof::Unknown(e),
        },
        Err(e) => Proof::Unknown(e),
    }
}

/// Asks patiently: until the device proves the new password, or (when `accept_old`) the old one, or `patience`
/// runs out. The last answer is returned.
async fn ask_until(
    client: &DeviceClient,
    job: &Job,
    new: &SecretString,
    old: &SecretString,
    accept_old: bool,
    patience: Duration,
    cancel: &CancellationToken,
) -> Proof {
    let deadline = tokio::time::Instant::now() + patience;
    loop {
        let proof = ask(client, &job.xaddr, &job.user, new, old).await;
        let done = match &proof {
            Proof::New { .. } => true,
            Proof::Old => accept_old,
            Proof::Unknown(why) => why.starts_with("locked out"),
        };
        if done || tokio::time::Instant::now() >= deadline || cancel.is_cancelled() {
            return proof;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

impl Session {
    /// Rotates every administrator account Handover holds and has not rotated yet, on every device (or on the
    /// given ones, where rotated accounts are rotated again). Service accounts are left alone.
    pub async fn rotate(
        &self,
        cx: &Custody<'_>,
        project_policy: &PasswordPolicy,
        only: &[DeviceId],
    ) -> Result<RotateSummary> {
        let _one_at_a_time = self.exclusive().await;
        let catalogs = self.catalogs_in_use()?;
        let (client, catalogs, cancel) = (self.client(), &catalogs, cx.cancel);
        let vault = self.vault()?;
        let mut summary = RotateSummary::default();
        let refs = self.project().credentials()?;
        let mut jobs = Vec::new();
        let listed = self.project().devices()?;
        for d in listed {
            crate::pins::pin(client, &d);
            let wanted = only.is_empty() || only.contains(&d.id);
            if !wanted {
                continue;
            }
            // A device known to change no password over ONVIF keeps the password the technician set in the
            // vendor's tool or web page (asked again only when named).
            let no_setuser = d.facts.onvif_password_change == Some(false) && only.is_empty();
            let accounts: Vec<&CredentialRef> = refs
                .iter()
                .filter(|c| c.device == d.id && super::is_administrator(c))
                .filter(|c| {
                    matches!(c.state, CredentialState::FactoryDefault)
                        || (c.state == CredentialState::TechnicianSupplied && !no_setuser)
                        || (!only.is_empty() && c.state == CredentialState::Rotated)
                })
                .collect();
            let (Some(xaddr), false) = (d.facts.xaddr.clone(), accounts.is_empty()) else {
                summary.skipped += 1;
                continue;
            };
            let rules = catalogs
                .defaults
                .attempt_plan(&d.facts, d.identity.mac)
                .password_rules;
            let policy = device_policy(project_policy, rules.as_ref(), None);
            for c in accounts {
                jobs.push(Job {
                    id: d.id,
                    xaddr: xaddr.clone(),
                    user: c.username.clone(),
                    key: entry(self.project_id(), d.id, &c.username, Slot::Current)?,
                    policy: policy.clone(),
                    was_default: c.matched_default.clone(),
                    serial: d.identity.serial.clone(),
                    mac: d.identity.mac,
                    fingerprint: d.facts.tls_fingerprint.clone(),
                    plain_http: cx.plain_http,
                    factory_default: c.state == CredentialState::FactoryDefault,
                    known_without_setuser: d.facts.onvif_password_change == Some(false),
                });
            }
        }
        let mut rep = Reporter::new(cx.progress, Step::Rotate, jobs.len());
        let actor = self.actor().clone();
        let writer = Writer {
            project: self.project_lock(),
            actor: actor.clone(),
        };
        // Each account's outcome is counted and reported as soon as it is known, so progress moves per device.
        let mut outcomes = futures::stream::iter(jobs)
            .map(|job| {
                let (writer, vault) = (&writer, &vault);
                async move {
                    let (id, user) = (job.id, job.user.clone());
                    (
                        id,
                        user,
                        rotate_one(client, vault, writer, job, cancel).await,
                    )
                }
            })
            .buffer_unordered(cx.concurrency.max(1));
        let mut reread = Vec::new();
        while let Some((id, user, r)) = outcomes.next().await {
            let (outcome, detail): (&str, String) = match r {
                Ok((o, d)) => (o, d),
                Err(e) => ("error", e.to_string()),
            };
            match outcome {
                "rotated" | "rotated-old-still-works" => {
                    summary.rotated += 1;
                    if !reread.contains(&id) {
                        reread.push(id);
                    }
                }
                "rolled-back" => summary.rolled_back += 1,
                "cannot-rotate" => summary.cannot_rotate += 1,
                "cannot-rotate-default" => {
                    summary.cannot_rotate += 1;
                    summary.cannot_rotate_default += 1;
                }
                "unsettled" => summary.unsettled += 1,
                "skipped" => summary.skipped += 1,
                "identity-mismatch" | "certificate-changed" | "needs-https" => summary.refused += 1,
                _ => summary.failed += 1,
            }
            rep.tick(format!("{id}: {outcome}"));
            summary.devices.push(DeviceOutcome {
                device: id,
                outcome: outcome.into(),
                detail: format!("{user}: {detail}"),
            });
        }
        drop(outcomes);
        drop(writer);
        // A device never identified (it wants credentials even to say what it is, and no earlier step read it
        // with a password) is read now with the new one. The others were read when their password was first
        // held (find-defaults, `credentials set`); a new password changes none of what identification reads, and
        // reading every rotated device again doubled a 1,000-device rotation.
        let reread: Vec<_> = reread
            .into_iter()
            .filter(|id| {
                self.project()
                    .device(*id)
                    .is_ok_and(|d| d.facts.firmware.is_none())
            })
            .collect();
        self.reidentify_in(cx, &reread).await?;
        Ok(summary)
    }
}

/// Re-proves, on an authenticated session, that the device is the one the project knows (serial, MAC): `Some`
/// says how it differs.
pub(crate) async fn same_device(
    session: &handover_devices::OnvifSession,
    serial: Option<&str>,
    mac: Option<handover_model::MacAddr>,
) -> Result<Option<String>> {
    if let Some(known) = serial {
        let info = session.device_information().await?;
        if info.serial_number.trim() != known.trim() {
            return Ok(Some(format!(
                "the device at this address reports serial {:?}, not {known:?}",
                info.serial_number
            )));
        }
    }
    if let Some(known) = mac {
        let macs: Vec<String> = session
            .network_interfaces()
            .await?
            .into_iter()
            .map(|i| i.mac)
            .filter(|m| !m.is_empty())
            .collect();
        if !macs.is_empty()
            && !macs
                .iter()
                .any(|m| m.parse::<handover_model::MacAddr>().ok() == Some(known))
        {
            return Ok(Some(format!(
                "the device at this address reports MAC {}, not {known}",
                macs.join(", ")
            )));
        }
    }
    Ok(None)
}

async fn rotate_one(
    client: &DeviceClient,
    vault: &Sealer,
    writer: &Writer<'_>,
    mut job: Job,
    cancel: &CancellationToken,
) -> Result<Outcome> {
    let Some(current) = writer.secret(&job.key)? else {
        return Ok(("skipped", "no password held for this account".into()));
    };
    let old = crate::sealed::open(vault, &current)?;
    let pending_key = job.key.with_slot(Slot::Pending).ok_or_else(|| {
        crate::Error::Invalid(format!("internal: {} is no device account", job.key))
    })?;
    if writer.secret(&pending_key)?.is_some() {
        return Ok((
            "unsettled",
            "an earlier rotation of this account is still unsettled: run `handover credentials recover` first".into(),
        ));
    }
    let mut session = client.session(&job.xaddr, Some(creds(&job.user, &old)))?;
    // The device's clock first: WS-UsernameToken is signed with the device's time (skewed clocks refuse otherwise).
    let _ = session.system_date_and_time().await;
    let users = session.users().await?;
    // Identity before trust: on this authenticated connection, the device must still be the one the project knows.
    if let Some(why) = same_device(&session, job.serial.as_deref(), job.mac).await? {
        writer.with(|p, a| {
            p.record(
                a,
                "rotation.identity-refused",
                &job.id.to_string(),
                serde_json::json!({"user": job.user, "why": why}),
            )
        })?;
        return Ok((
            "identity-mismatch",
            format!("{why}; nothing was sent: find out which device answers at this address"),
        ));
    }
    // No password in the clear where the device can do better: over HTTPS (its certificate pinned) when it
    // offers HTTPS, over plain HTTP only with the technician's consent for this run.
    if !crate::pins::is_https(&job.xaddr) {
        match client.check_https(&session).await {
            Ok(proof) => {
                if let Some(known) = job
                    .fingerprint
                    .as_ref()
                    .filter(|k| **k != proof.fingerprint)
                {
                    return Ok((
                        "certificate-changed",
                        format!(
                            "its HTTPS port presents certificate {}, not the pinned {known}; nothing was sent. Replaced or reset on purpose? `handover devices forget-certificate --device {}`",
                            proof.fingerprint, job.id
                        ),
                    ));
                }
                client.pin_certificate(&proof.xaddr, Some(&proof.fingerprint));
                let tls = client.session_with(
                    &proof.xaddr,
                    Some(creds(&job.user, &old)),
                    session.auth_preference(),
                )?;
                if let Some(skew) = session.skew_secs() {
                    tls.set_skew_secs(skew);
                }
                if job.fingerprint.is_none() {
                    record_pin(writer, &job, &proof.fingerprint, &proof.xaddr)?;
                }
                session = tls;
                job.xaddr = proof.xaddr;
            }
            // Another certificate than the pinned one is never a reason to fall back to plain HTTP.
            Err(e) if e.is_certificate_changed() => {
                return Ok(("certificate-changed", format!("nothing was sent: {e}")));
            }
            Err(e) if !job.plain_http => {
                return Ok((
                    "needs-https",
                    format!(
                        "the device offers no working HTTPS ({e}), so the new password would cross the network in clear; nothing was sent. Enable HTTPS on the device, or accept plain HTTP for this run (`handover credentials rotate --allow-plain-http`)"
                    ),
                ));
            }
            Err(e) => {
                writer.with(|p, a| {
                    p.record(
                        a,
                        "rotation.plain-http",
                        &job.id.to_string(),
                        serde_json::json!({"user": job.user, "why": e.to_string()}),
                    )
                })?;
            }
        }
    }
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
    let existing = users
        .iter()
        .find(|u| u.username == job.user)
        .map(|u| u.level.clone());

    // (1) the new password, sealed as pending, commits with the journal's intent: from here on the project holds
    // every password the device may take.
    let pending = crate::sealed::seal(vault, &pending_key, &new)?;
    let rot = writer.with(|p, a| p.rotation_begin(job.id, &job.user, &[pending], a))?;
    writer.with(|p, a| p.rotation_advance(rot, job.id, PhaseChange::to(Phase::Sent, ""), a))?;
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
    let refused = matches!(&sent, Err(e) if e.fault().is_some() || e.is_auth_rejected() || e.is_locked_out() || e.is_auth_required());
    let answered_ok = sent.is_ok();
    // (3) the device's own answer decides, whatever SetUser said.
    let mut proof = if answered_ok {
        ask_until(client, &job, &new, &old, false, LATE_APPLY_PATIENCE, cancel).await
    } else {
        ask_until(client, &job, &new, &old, true, SETTLE_PATIENCE, cancel).await
    };
    if matches!(proof, Proof::Old) && refused {
        // A change applied just after the refusal is caught here rather than rolled back.
        tokio::time::sleep(REFUSAL_RECHECK).await;
        proof = ask(client, &job.xaddr, &job.user, &new, &old).await;
    }
    let sent_note = match &sent {
        Ok(()) => "SetUser answered OK".to_owned(),
        Err(e) => format!("SetUser answered: {e}"),
    };
    match proof {
        Proof::New { old_refused } => {
            // (4) commit: current := new, pending removed, credential recorded, phase — one transaction.
            let cref = rotated_ref(writer, &job)?;
            let writes = [
                crate::sealed::seal(vault, &job.key, &new)?,
                crate::sealed::remove(&pending_key)?,
            ];
            let note = if old_refused {
                sent_note.clone()
            } else {
                format!("{sent_note}; old password still accepted")
            };
            writer.with(|p, a| {
                p.rotation_advance(
                    rot,
                    job.id,
                    PhaseChange {
                        secrets: &writes,
                        credential: Some(&cref),
                        over_plain_http: !crate::pins::is_https(&job.xaddr),
                        ..PhaseChange::to(Phase::Committed, &note)
                    },
                    a,
                )
            })?;
            if job.known_without_setuser {
                // It changes passwords over ONVIF after all (new firmware): the checks stop pointing elsewhere.
                writer.with(|p, a| {
                    p.record_sightings(
                        vec![handover_store::devices::Sighting {
                            device: Some(job.id),
                            facts: handover_model::DeviceFacts {
                                onvif_password_change: Some(true),
                                ..handover_model::DeviceFacts::default()
                            },
                            ..handover_store::devices::Sighting::default()
                        }],
                        a,
                    )?;
                    Ok(())
                })?;
            }
            if !old_refused {
                return Ok((
                    "rotated-old-still-works",
                    "the new password works, but the device still accepts the old one: check its accounts".into(),
                ));
            }
            let limited = if limited_by_device {
                format!(" (device limits passwords to {length} characters)")
            } else {
                String::new()
            };
            let after = if answered_ok {
                String::new()
            } else {
                format!(" ({sent_note}, but the device had applied it)")
            };
            Ok((
                "rotated",
                format!("new {length}-character password proven, old one refused{limited}{after}"),
            ))
        }
        Proof::Old if refused => {
            // Proven: the old password works, the new one is refused, and the device refused the change.
            let unsupported = sent.as_ref().err().is_some_and(|e| e.is_not_supported());
            let writes = [crate::sealed::remove(&pending_key)?];
            if unsupported {
                return cannot_rotate(writer, &job, rot, &writes, &sent_note, existing.is_some());
            }
            writer.with(|p, a| {
                p.rotation_advance(
                    rot,
                    job.id,
                    PhaseChange {
                        secrets: &writes,
                        ..PhaseChange::to(
                            Phase::RolledBack,
                            &format!("{sent_note}; old password proven"),
                        )
                    },
                    a,
                )
            })?;
            Ok((
                "rolled-back",
                format!(
                    "the device refused the change ({sent_note}) and was seen to take the old password, still held"
                ),
            ))
        }
        Proof::Old => Ok((
            "unsettled",
            format!(
                "{sent_note}, yet the device still takes the old password; it may apply the change late, so both passwords stay sealed in the project: run `handover credentials recover` later"
            ),
        )),
        Proof::Unknown(why) => Ok((
            "unsettled",
            format!(
                "the device did not say which password it takes ({why}; {sent_note}); both stay sealed in the project: run `handover credentials recover`"
            ),
        )),
    }
}

/// The device cannot change passwords over ONVIF and was seen to keep the old one: the rotation closes as rolled
/// back (nothing changed, the pending password dropped), the device's facts say so (the checks and the report
/// then point to the vendor's tool), and the outcome says what to do next.
fn cannot_rotate(
    writer: &Writer<'_>,
    job: &Job,
    rot: i64,
    writes: &[handover_store::secrets::SecretWrite],
    sent_note: &str,
    had_user: bool,
) -> Result<Outcome> {
    let op = if had_user { "SetUser" } else { "CreateUsers" };
    writer.with(|p, a| {
        p.rotation_advance(
            rot,
            job.id,
            PhaseChange {
                secrets: writes,
                ..PhaseChange::to(
                    Phase::RolledBack,
                    &format!("{sent_note}; the device cannot change passwords over ONVIF; old password proven"),
                )
            },
            a,
        )?;
        p.record_sightings(
            vec![handover_store::devices::Sighting {
                device: Some(job.id),
                facts: handover_model::DeviceFacts {
                    onvif_password_change: Some(false),
                    ..handover_model::DeviceFacts::default()
                },
                ..handover_store::devices::Sighting::default()
            }],
            a,
        )?;
        Ok(())
    })?;
    let still = if job.factory_default {
        "it is still on its factory default password"
    } else {
        "it keeps its current password"
    };
    Ok((
        if job.factory_default {
            "cannot-rotate-default"
        } else {
            "cannot-rotate"
        },
        format!(
            "the device cannot change passwords over ONVIF ({op} answered: not supported), so nothing changed: \
             {still}, which Handover holds. Change it with the vendor's tool or the device's web page, then give \
             Handover the new one with `handover credentials set --device {} --user {}`",
            job.id, job.user
        ),
    ))
}

/// Trust on first use: records the certificate the device's HTTPS port presented (audited).
fn record_pin(writer: &Writer<'_>, job: &Job, fingerprint: &str, xaddr: &str) -> Result<()> {
    writer.with(|p, a| {
        p.record_sightings(
            vec![handover_store::devices::Sighting {
                device: Some(job.id),
                facts: handover_model::DeviceFacts {
                    tls_fingerprint: Some(fingerprint.to_owned()),
                    ..handover_model::DeviceFacts::default()
                },
                ..handover_store::devices::Sighting::default()
            }],
            a,
        )?;
        p.record(
            a,
            "devices.certificates-pinned",
            "site",
            serde_json::json!({"pinned": [{"device": job.id.to_string(), "sha256": fingerprint, "xaddr": xaddr}]}),
        )?;
        Ok(())
    })
}

fn rotated_ref(writer: &Writer<'_>, job: &Job) -> Result<CredentialRef> {
    let now = writer.with(|p, _| Ok(p.now()))?;
    Ok(CredentialRef {
        device: job.id,
        username: job.user.clone(),
        state: CredentialState::Rotated,
        matched_default: job.was_default.clone(),
        rotated_at: Some(now),
        rotated_by: Some(writer.actor.0.clone()),
    })
}
