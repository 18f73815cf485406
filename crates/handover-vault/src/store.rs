//! The [`CredentialStore`] trait: the only way the rest of Handover reads or writes secrets.
//!
//! The API is blocking, like the OS keyrings under it (D-Bus round trips, Keychain, Credential Manager calls).
//! Async callers must call it through `tokio::task::spawn_blocking` (or an equivalent), never directly from a
//! task on the runtime. Implementations: [`crate::OsKeyring`] (the product) and, behind the `test-support`
//! feature, `MemoryStore` (a test double for other crates' unit tests). This module holds no implementation.

use crate::entry::EntryKey;
use crate::error::VaultError;
use crate::secret::SecretString;

/// A place where secrets are kept under [`EntryKey`] names. Blocking: see the module docs.
///
/// From async code (the engine), move the store handle into a blocking task:
///
/// ```text
/// let vault = vault.clone();                       // OsKeyring is Clone (or hold an Arc<dyn CredentialStore>)
/// let secret = tokio::task::spawn_blocking(move || vault.get(&key)).await??;
/// ```
///
/// Object safe: `Arc<dyn CredentialStore>` lets the engine take the OS keyring in the product and a
/// `MemoryStore` (feature `test-support`) in its unit tests.
pub trait CredentialStore: Send + Sync {
    /// Stores `secret` under `key`, replacing any value stored there.
    fn put(&self, key: &EntryKey, secret: &SecretString) -> Result<(), VaultError>;

    /// Reads the secret under `key`; [`VaultError::NotFound`] when there is none.
    fn get(&self, key: &EntryKey) -> Result<SecretString, VaultError>;

    /// Removes the entry; `Ok(false)` when there was nothing to remove (so rollback and recovery can call it
    /// without checking first).
    fn delete(&self, key: &EntryKey) -> Result<bool, VaultError>;

    /// The names of all entries of `project_id`, sorted. Entries of other programs are skipped.
    fn list(&self, project_id: &str) -> Result<Vec<EntryKey>, VaultError>;

    /// Like [`CredentialStore::get`], with `None` instead of `NotFound`.
    fn find(&self, key: &EntryKey) -> Result<Option<SecretString>, VaultError> {
        match self.get(key) {
            Ok(secret) => Ok(Some(secret)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }
}
