//! The keyring side of a password rotation: stage, commit, roll back, and recover after a crash.
//!
//! The engine owns the journal and the device calls (SetUser, proving the new password and that the old one
//! is refused); this module owns the order of keyring writes, chosen so that at every instant — including
//! after a crash between any two writes — the keyring holds every password the device might accept. Recovery
//! then only has to ask the device which of [`Unsettled::candidates`] works and [`settle`] on it.
//!
//! Writes, in order (three per rotation: on gnome-keyring each write rewrites the whole collection file, so
//! the count matters — see BENCHMARKS.md):
//! 1. [`stage`]: `pending := new`. The old password stays where it already is, in `current` (written there
//!    only when it is not, e.g. by a caller that never stored it). Refused while a pending entry exists.
//! 2. (engine: journal intent; SetUser; prove new works and old fails)
//! 3. [`commit`]: `current := pending`, then delete `pending`.
//!
//! Roll back (SetUser failed or the proof failed and the device still takes the old password) with
//! [`settle`]`(old)`; after a crash, [`unsettled`] lists every account with leftovers. Earlier versions also
//! kept a `previous` entry during a rotation; such leftovers are still listed, offered as candidates and
//! removed by [`settle`]. This module does no device IO and writes no journal.

use crate::entry::{EntryKey, EntryKind, Slot};
use crate::error::VaultError;
use crate::secret::SecretString;
use crate::store::CredentialStore;

fn slot_key(key: &EntryKey, slot: Slot) -> Result<EntryKey, VaultError> {
    key.with_slot(slot)
        .ok_or_else(|| VaultError::NotADeviceAccount { key: key.clone() })
}

/// Step 1: stores `new` as pending, making sure `old` (the password the device accepts now) is held as current.
///
/// `account` names the device account (any slot; the slot is ignored). Fails with
/// [`VaultError::RotationInProgress`] when a pending (or a legacy previous) entry already exists.
pub fn stage(
    store: &(impl CredentialStore + ?Sized),
    account: &EntryKey,
    old: &SecretString,
    new: &SecretString,
) -> Result<(), VaultError> {
    let current = slot_key(account, Slot::Current)?;
    let pending = slot_key(account, Slot::Pending)?;
    let previous = slot_key(account, Slot::Previous)?;
    if store.find(&pending)?.is_some() || store.find(&previous)?.is_some() {
        return Err(VaultError::RotationInProgress { key: current });
    }
    if store.find(&current)?.as_ref() != Some(old) {
        store.put(&current, old)?;
    }
    store.put(&pending, new)
}

/// Step 3: the proven pending password becomes current; pending (and any legacy previous) is removed.
/// Idempotent: after a crash inside `commit`, calling it again finishes the job (when pending is already gone
/// the current entry is kept).
pub fn commit(
    store: &(impl CredentialStore + ?Sized),
    account: &EntryKey,
) -> Result<(), VaultError> {
    let current = slot_key(account, Slot::Current)?;
    let pending = slot_key(account, Slot::Pending)?;
    if let Some(new) = store.find(&pending)? {
        store.put(&current, &new)?;
        store.delete(&pending)?;
    }
    store.delete(&slot_key(account, Slot::Previous)?)?;
    Ok(())
}

/// Makes `working` (the password the device was just seen to accept) the current one and removes pending (and
/// any legacy previous). Used for roll back (`working` = old) and for crash recovery (whichever candidate
/// works). Writes current only when it holds something else.
pub fn settle(
    store: &(impl CredentialStore + ?Sized),
    account: &EntryKey,
    working: &SecretString,
) -> Result<(), VaultError> {
    let current = slot_key(account, Slot::Current)?;
    if store.find(&current)?.as_ref() != Some(working) {
        store.put(&current, working)?;
    }
    store.delete(&slot_key(account, Slot::Pending)?)?;
    store.delete(&slot_key(account, Slot::Previous)?)?;
    Ok(())
}

/// An account whose rotation did not finish: the passwords the device may accept.
#[derive(Debug)]
pub struct Unsettled {
    /// The account (current slot).
    pub account: EntryKey,
    /// Distinct stored passwords, most likely first: pending, then current, then previous. Try them in this
    /// order (and no more than the device's lockout allows), then [`settle`] on the one that works.
    pub candidates: Vec<(Slot, SecretString)>,
}

/// Every account of `project_id` with a pending or previous entry, with its candidate passwords.
pub fn unsettled(
    store: &(impl CredentialStore + ?Sized),
    project_id: &str,
) -> Result<Vec<Unsettled>, VaultError> {
    let keys = store.list(project_id)?;
    let mut accounts: Vec<EntryKey> = keys
        .iter()
        .filter(|k| matches!(k.slot(), Some(Slot::Pending | Slot::Previous)))
        .filter_map(|k| k.with_slot(Slot::Current))
        .collect();
    accounts.sort();
    accounts.dedup();
    let mut out = Vec::new();
    for account in accounts {
        let mut candidates: Vec<(Slot, SecretString)> = Vec::new();
        for slot in [Slot::Pending, Slot::Current, Slot::Previous] {
            let Some(value) = store.find(&slot_key(&account, slot)?)? else {
                continue;
            };
            if !candidates.iter().any(|(_, v)| *v == value) {
                candidates.push((slot, value));
            }
        }
        debug_assert!(matches!(account.kind(), EntryKind::Device { .. }));
        out.push(Unsettled {
            account,
            candidates,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::memory::MemoryStore;

    /// A store that "crashes" (fails every call) after `budget` successful writes.
    struct CrashAfter {
        inner: MemoryStore,
        budget: AtomicUsize,
    }

    impl CrashAfter {
        fn write(&self) -> Result<(), VaultError> {
            let left = self.budget.load(Ordering::SeqCst);
            if left == 0 {
                return Err(VaultError::Locked {
                    source: keyring_core::Error::NoStorageAccess("simulated crash".into()),
                });
            }
            self.budget.store(left - 1, Ordering::SeqCst);
            Ok(())
        }
    }

    impl CredentialStore for CrashAfter {
        fn put(&self, key: &EntryKey, secret: &SecretString) -> Result<(), VaultError> {
            self.write()?;
            self.inner.put(key, secret)
        }
        fn get(&self, key: &EntryKey) -> Result<SecretString, VaultError> {
            self.inner.get(key)
        }
        fn delete(&self, key: &EntryKey) -> Result<bool, VaultError> {
            self.write()?;
            self.inner.delete(key)
        }
        fn list(&self, project_id: &str) -> Result<Vec<EntryKey>, VaultError> {
            self.inner.list(project_id)
        }
    }

    fn account() -> EntryKey {
        EntryKey::device("p", "cam-1", "admin", Slot::Current).unwrap()
    }

    #[test]
    fn happy_path_leaves_only_the_new_current() {
        let store = MemoryStore::new();
        let a = account();
        store.put(&a, &"old".into()).unwrap();
        stage(&store, &a, &"old".into(), &"new".into()).unwrap();
        assert_eq!(unsettled(&store, "p").unwrap().len(), 1);
        commit(&store, &a).unwrap();
        assert_eq!(store.list("p").unwrap(), vec![a.clone()]);
        assert_eq!(store.get(&a).unwrap().expose(), "new");
        assert!(unsettled(&store, "p").unwrap().is_empty());
    }

    #[test]
    fn a_second_stage_is_refused_until_settled() {
        let store = MemoryStore::new();
        let a = account();
        stage(&store, &a, &"factory".into(), &"new".into()).unwrap();
        let err = stage(&store, &a, &"factory".into(), &"newer".into()).unwrap_err();
        assert!(err.is_rotation_in_progress(), "{err}");
        settle(&store, &a, &"factory".into()).unwrap(); // roll back
        assert_eq!(store.get(&a).unwrap().expose(), "factory");
        assert_eq!(store.len(), 1);
        stage(&store, &a, &"factory".into(), &"newer".into()).unwrap();
    }

    #[test]
    fn other_secrets_cannot_be_rotated() {
        let store = MemoryStore::new();
        let k = EntryKey::other("p", "snmp").unwrap();
        assert!(matches!(
            stage(&store, &k, &"a".into(), &"b".into()),
            Err(VaultError::NotADeviceAccount { .. })
        ));
    }

    /// The "never lost" property: crash after every possible number of writes, in stage and in commit; at each
    /// crash point, whichever password the device holds (old before SetUser, new after) is among the recovery
    /// candidates, and settling on it leaves exactly that password as current.
    #[test]
    fn a_crash_at_any_write_loses_no_password() {
        for device_has_new in [false, true] {
            for budget in 0..=6 {
                let store = CrashAfter {
                    inner: MemoryStore::new(),
                    budget: AtomicUsize::new(usize::MAX),
                };
                let a = account();
                store.put(&a, &"old".into()).unwrap();
                store.budget.store(budget, Ordering::SeqCst);
                let staged = stage(&store, &a, &"old".into(), &"new".into());
                // SetUser happens only after a complete stage.
                let device = if staged.is_ok() && device_has_new {
                    "new"
                } else {
                    "old"
                };
                if staged.is_ok() && device_has_new {
                    let _ = commit(&store, &a);
                }
                // Recovery, on a healthy store.
                store.budget.store(usize::MAX, Ordering::SeqCst);
                let pending = unsettled(&store, "p").unwrap();
                let current = store.get(&a).unwrap();
                let known: Vec<String> = pending
                    .iter()
                    .flat_map(|u| u.candidates.iter().map(|(_, v)| v.expose().clone()))
                    .chain([current.expose().clone()])
                    .collect();
                assert!(
                    known.iter().any(|v| v == device),
                    "budget {budget}: {device} lost ({known:?})"
                );
                for u in &pending {
                    settle(&store, &u.account, &device.into()).unwrap();
                }
                if pending.is_empty() {
                    assert_eq!(current.expose(), device, "budget {budget}");
                }
                assert_eq!(store.get(&a).unwrap().expose(), device);
                assert_eq!(
                    store.inner.list("p").unwrap(),
                    vec![a.clone()],
                    "budget {budget}"
                );
            }
        }
    }

    #[test]
    fn candidates_are_distinct_and_pending_first() {
        let store = MemoryStore::new();
        let a = account();
        store.put(&a, &"old".into()).unwrap();
        stage(&store, &a, &"old".into(), &"new".into()).unwrap();
        let u = unsettled(&store, "p").unwrap();
        let c: Vec<(Slot, &str)> = u[0]
            .candidates
            .iter()
            .map(|(s, v)| (*s, v.expose().as_str()))
            .collect();
        assert_eq!(c, vec![(Slot::Pending, "new"), (Slot::Current, "old")]);
    }
}
