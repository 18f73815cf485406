//! `MemoryStore`: an in-memory [`CredentialStore`] — a TEST DOUBLE for the unit tests of other crates.
//!
//! Only compiled with the `test-support` cargo feature (or in this crate's own tests). The product never uses
//! it: secrets live in the OS keyring or nowhere. It keeps entries in a mutex-protected map, can be told to
//! fail like a locked keyring, and wipes its secrets when dropped. It is not persistent and not a cache.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::entry::EntryKey;
use crate::error::VaultError;
use crate::secret::SecretString;
use crate::store::CredentialStore;

/// In-memory test double of [`CredentialStore`]. Never use it in the product.
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: Mutex<BTreeMap<EntryKey, SecretString>>,
    locked: AtomicBool,
}

impl MemoryStore {
    /// An empty, unlocked store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes every later call fail with [`VaultError::Locked`] (or succeed again with `false`), to test how
    /// callers handle a keyring that gets locked mid-way.
    pub fn set_locked(&self, locked: bool) {
        self.locked.store(locked, Ordering::SeqCst);
    }

    /// Number of entries, all projects together.
    pub fn len(&self) -> usize {
        self.map().len()
    }

    /// True when no entry is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn map(&self) -> std::sync::MutexGuard<'_, BTreeMap<EntryKey, SecretString>> {
        // A panic while holding the lock cannot leave the map half-updated (each call is one map operation).
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn check_lock(&self) -> Result<(), VaultError> {
        if self.locked.load(Ordering::SeqCst) {
            return Err(VaultError::Locked {
                source: keyring_core::Error::NoStorageAccess("MemoryStore is set locked".into()),
            });
        }
        Ok(())
    }
}

impl CredentialStore for MemoryStore {
    fn put(&self, key: &EntryKey, secret: &SecretString) -> Result<(), VaultError> {
        self.check_lock()?;
        self.map().insert(key.clone(), secret.clone());
        Ok(())
    }

    fn get(&self, key: &EntryKey) -> Result<SecretString, VaultError> {
        self.check_lock()?;
        self.map()
            .get(key)
            .cloned()
            .ok_or_else(|| VaultError::NotFound { key: key.clone() })
    }

    fn delete(&self, key: &EntryKey) -> Result<bool, VaultError> {
        self.check_lock()?;
        Ok(self.map().remove(key).is_some())
    }

    fn list(&self, project_id: &str) -> Result<Vec<EntryKey>, VaultError> {
        self.check_lock()?;
        Ok(self
            .map()
            .keys()
            .filter(|k| k.project_id() == project_id)
            .cloned()
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::Slot;

    #[test]
    fn behaves_like_a_store() {
        let store = MemoryStore::new();
        let key = EntryKey::device("p", "d", "admin", Slot::Pending).unwrap();
        assert!(store.get(&key).unwrap_err().is_not_found());
        assert_eq!(store.find(&key).unwrap(), None);
        store.put(&key, &"s3cret".into()).unwrap();
        store
            .put(&EntryKey::other("q", "n").unwrap(), &"x".into())
            .unwrap();
        assert_eq!(store.get(&key).unwrap().expose(), "s3cret");
        assert_eq!(store.list("p").unwrap(), vec![key.clone()]);
        store.set_locked(true);
        assert!(store.get(&key).unwrap_err().is_locked());
        store.set_locked(false);
        assert!(store.delete(&key).unwrap());
        assert!(!store.delete(&key).unwrap());
        assert_eq!(store.len(), 1);
    }
}
