//! Credential custody: find the working factory default without tripping lockouts, rotate every device to a
//! unique strong password proven on the device, keep it sealed in the project under the vault key the OS keyring
//! holds, and settle any rotation a crash interrupted. The invariant: no device is ever left without a working
//! password that Handover knows.
//!
//! Device IO runs concurrently (bounded); project writes (sealed secrets with their journal phase) go through one
//! lock on the project, in the order each device's steps need them.

mod accounts;
mod defaults;
mod manual;
mod recover;
mod rotate;

use handover_devices::{Credentials, DeviceClient, LoginCheck};
use handover_model::{CredentialRef, CredentialState, DeviceId};
use handover_policy::catalog::defaults::PasswordRules;
use handover_store::{Actor, Project};
use handover_vault::{CharClass, EntryKey, PasswordPolicy, SecretString, Slot};
use serde::Serialize;

pub use defaults::FindSummary;
pub use recover::RecoverSummary;
pub use rotate::RotateSummary;
pub(crate) use rotate::same_device;

use crate::error::Result;

/// How a custody run goes (the client, keyring and catalogs are the session's): how many devices at once,
/// whether plain HTTP is accepted, cancellation and where progress goes.
pub struct Custody<'a> {
    /// Devices worked on at once.
    pub concurrency: usize,
    /// The technician accepted, for this run, that a device offering no working HTTPS receives its new password
    /// over plain HTTP (audited as `rotation.plain-http`). Without it such devices are left untouched
    /// (`needs-https`). Devices that offer HTTPS always get it over HTTPS, their certificate pinned.
    pub plain_http: bool,
    /// Stops the work; what is done is kept.
    pub cancel: &'a tokio_util::sync::CancellationToken,
    /// Where progress goes.
    pub progress: &'a crate::progress::ProgressFn,
}

/// One device's outcome, for summaries (never a secret).
#[derive(Debug, Clone, Serialize)]
pub struct DeviceOutcome {
    /// The device.
    pub device: handover_model::DeviceId,
    /// Short code: `default-found`, `rotated`, `created`, `unknown`, `locked-out`, `unreachable`, ...
    pub outcome: String,
    /// For people: what happened and what to do.
    pub detail: String,
}

/// The password policy for one device: the project's, narrowed by the vendor's rules and the device's limits.
pub fn device_policy(
    project: &PasswordPolicy,
    rules: Option<&PasswordRules>,
    device_max: Option<u32>,
) -> PasswordPolicy {
    let mut p = project.clone();
    if let Some(r) = rules {
        p = p.with_device_max_len(r.max_len);
        if !r.specials.is_empty() {
            p.symbols = p
                .symbols
                .chars()
                .filter(|c| r.specials.contains(*c))
                .collect();
            if p.symbols.is_empty() {
                p.allowed.remove(&CharClass::Symbol);
                p.required.remove(&CharClass::Symbol);
            }
        }
        p.min_len = p.min_len.max(r.min_len.min(p.max_len));
    }
    if let Some(max) = device_max.filter(|m| *m > 0) {
        p = p.with_device_max_len(max as usize);
    }
    p
}

/// Whether a held account is one of the device's administrators (found default, supplied by the technician, or
/// rotated by Handover), as opposed to a service account Handover created or an account it does not hold.
pub fn is_administrator(c: &CredentialRef) -> bool {
    matches!(
        c.state,
        CredentialState::Rotated
            | CredentialState::TechnicianSupplied
            | CredentialState::FactoryDefault
    )
}

/// The one rule every caller uses for "the administrator account Handover logs in with" on a device: among
/// the device's administrator accounts ([`is_administrator`]), a rotated one first, then one the technician
/// supplied, then a factory default; by user name only among equals. A VMS service account (`genetec`,
/// `milestone`, `VMS`) never stands in for the administrator, whatever its name sorts as.
pub fn administrator<'a>(
    refs: impl IntoIterator<Item = &'a CredentialRef>,
) -> Option<&'a CredentialRef> {
    let rank = |c: &CredentialRef| match c.state {
        CredentialState::Rotated => 0,
        CredentialState::TechnicianSupplied => 1,
        _ => 2,
    };
    refs.into_iter()
        .filter(|c| is_administrator(c))
        .min_by(|a, b| {
            rank(a)
                .cmp(&rank(b))
                .then_with(|| a.username.cmp(&b.username))
        })
}

pub(crate) fn entry(
    project: handover_model::ProjectId,
    device: DeviceId,
    user: &str,
    slot: Slot,
) -> Result<EntryKey> {
    Ok(EntryKey::device(
        &project.to_string(),
        &device.to_string(),
        user,
        slot,
    )?)
}

pub(crate) fn creds(user: &str, password: &SecretString) -> Credentials {
    Credentials::new(user.to_owned(), password.expose().clone())
}

/// One authentication attempt with these credentials.
pub(crate) async fn try_login(
    client: &DeviceClient,
    xaddr: &str,
    user: &str,
    password: &SecretString,
) -> Result<LoginCheck> {
    let session = client.session(xaddr, Some(creds(user, password)))?;
    Ok(session.check_login().await)
}

/// Project writes shared by concurrent device futures: each takes the session's project lock for one write, so
/// the listener and the screens' reads go on in between.
pub(crate) struct Writer<'a> {
    pub project: &'a crate::project_lock::ProjectLock,
    pub actor: Actor,
}

impl Writer<'_> {
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Project, &Actor) -> handover_store::Result<T>,
    ) -> Result<T> {
        let mut guard = self.project.lock();
        Ok(f(&mut guard, &self.actor)?)
    }
    /// The sealed secret kept for `key` (still sealed).
    pub fn secret(&self, key: &EntryKey) -> Result<Option<handover_store::secrets::SealedSecret>> {
        let place = crate::sealed::place(key)?;
        self.with(|p, _| p.secret(&place))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_policy_takes_the_narrowest_rules() {
        let rules = PasswordRules {
            min_len: 8,
            max_len: 15,
            min_classes: 2,
            specials: "~`!@#$%^*()_-+=|{}[].?/".into(),
        };
        let p = device_policy(&PasswordPolicy::default(), Some(&rules), Some(12));
        assert_eq!(p.max_len, 12);
        assert!(p.min_len <= 12);
        assert!(p.symbols.chars().all(|c| rules.specials.contains(c)));
        let g = handover_vault::generate_os(&p).unwrap();
        assert!(g.length <= 12);
        let none = device_policy(&PasswordPolicy::default(), None, None);
        assert_eq!(none, PasswordPolicy::default());
    }
}
