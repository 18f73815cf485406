//! [`OsKeyring`]: the product's [`CredentialStore`], on the operating system's keyring via keyring-core.
//!
//! The per-OS store is chosen at compile time: Secret Service (zbus, pure-Rust crypto) on Linux, the login
//! Keychain on macOS, Credential Manager on Windows (see the private `platform` module). [`OsKeyring::open`] probes the store
//! once and turns "locked", "no session bus", "no Secret Service" into [`VaultError`]s that say what to do.
//! There is no fallback: when the keyring cannot be used, the caller gets the error and no secret is stored.
//! Blocking API: async callers use `spawn_blocking`.

use std::collections::HashMap;
use std::sync::Arc;

use keyring_core::{CredentialStore as CoreStore, Entry};
use zeroize::Zeroize;

use crate::entry::{EntryKey, SERVICE};
use crate::error::{VaultError, scrub};
use crate::platform;
use crate::secret::SecretString;
use crate::store::CredentialStore;

/// The OS keyring. Cheap to clone (shares one connection).
#[derive(Clone)]
pub struct OsKeyring {
    store: Arc<CoreStore>,
}

impl std::fmt::Debug for OsKeyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OsKeyring")
            .field("vendor", &self.store.vendor())
            .finish()
    }
}

impl OsKeyring {
    /// Connects to the platform store and checks that it can be used now (on Linux: a session bus, a Secret
    /// Service, a default collection, and that collection unlocked). Does not prompt for an unlock: a locked
    /// keyring is reported as [`VaultError::Locked`] so the UI can ask the user at a moment of its choosing.
    pub fn open() -> Result<Self, VaultError> {
        let store = platform::open_store(true)?;
        Ok(Self { store })
    }

    /// Like [`OsKeyring::open`], but a locked keyring is not refused: the first operation that needs it asks
    /// the OS to unlock it (the desktop's unlock dialog), and fails with [`VaultError::Locked`] when the user
    /// dismisses the dialog or none can be shown (headless). For an explicit "Unlock keyring" action in the UI;
    /// background work should use [`OsKeyring::open`].
    pub fn open_prompting() -> Result<Self, VaultError> {
        let store = platform::open_store(false)?;
        Ok(Self { store })
    }

    /// The store's vendor string (for diagnostics: it names the crate behind the store).
    pub fn vendor(&self) -> String {
        self.store.vendor()
    }

    /// The keyring's name as users know it on this OS (for the screens).
    pub fn display_name(&self) -> &'static str {
        if cfg!(target_os = "windows") {
            "Windows Credential Manager"
        } else if cfg!(target_os = "macos") {
            "macOS Keychain"
        } else {
            "Secret Service: GNOME Keyring, KWallet or KeePassXC"
        }
    }

    fn entry(&self, key: &EntryKey, operation: &'static str) -> Result<Entry, VaultError> {
        let label = key.label();
        let mods = platform::build_modifiers(&label);
        self.store
            .build(SERVICE, &key.account(), mods.as_ref())
            .map_err(|e| map_error(e, key, operation))
    }
}

/// Maps a keyring-core error into the vault's error for `key`.
fn map_error(err: keyring_core::Error, key: &EntryKey, operation: &'static str) -> VaultError {
    let err = scrub(err);
    if let Some(reason) = platform::unavailable_reason(&err) {
        return VaultError::Unavailable {
            reason,
            source: err,
        };
    }
    match err {
        keyring_core::Error::NoEntry => VaultError::NotFound { key: key.clone() },
        keyring_core::Error::Ambiguous(items) => VaultError::Ambiguous {
            key: key.clone(),
            count: items.len(),
        },
        keyring_core::Error::BadEncoding(_) => VaultError::NotText { key: key.clone() },
        source @ keyring_core::Error::NoStorageAccess(_) => VaultError::Locked { source },
        source => VaultError::Keyring { operation, source },
    }
}

fn map_list_error(err: keyring_core::Error) -> VaultError {
    let err = scrub(err);
    if let Some(reason) = platform::unavailable_reason(&err) {
        return VaultError::Unavailable {
            reason,
            source: err,
        };
    }
    match err {
        source @ keyring_core::Error::NoStorageAccess(_) => VaultError::Locked { source },
        source => VaultError::Keyring {
            operation: "list",
            source,
        },
    }
}

impl CredentialStore for OsKeyring {
    fn put(&self, key: &EntryKey, secret: &SecretString) -> Result<(), VaultError> {
        let entry = self.entry(key, "put")?;
        entry
            .set_secret(secret.expose().as_bytes())
            .map_err(|e| map_error(e, key, "put"))?;
        // Findability extras (Secret Service attributes). Every change rewrites the keyring file on
        // gnome-keyring, so they are written only when missing (an entry overwritten in place keeps them), and
        // not at all on a pending entry, which lives only for the seconds of one rotation. `list` does not
        // depend on them (it parses the account string), so a crash between the two calls loses nothing.
        if key.slot() == Some(crate::entry::Slot::Pending) {
            return Ok(());
        }
        let attrs = key.attributes();
        let attrs: HashMap<&str, &str> = attrs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        platform::decorate(&entry, &attrs).map_err(|e| map_error(e, key, "put"))
    }

    fn get(&self, key: &EntryKey) -> Result<SecretString, VaultError> {
        let entry = self.entry(key, "get")?;
        let bytes = entry.get_secret().map_err(|e| map_error(e, key, "get"))?;
        match String::from_utf8(bytes) {
            Ok(s) => Ok(SecretString::new(s)),
            Err(e) => {
                e.into_bytes().zeroize();
                Err(VaultError::NotText { key: key.clone() })
            }
        }
    }

    fn delete(&self, key: &EntryKey) -> Result<bool, VaultError> {
        let entry = self.entry(key, "delete")?;
        match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(map_error(e, key, "delete")),
        }
    }

    fn list(&self, project_id: &str) -> Result<Vec<EntryKey>, VaultError> {
        let spec = platform::search_spec();
        let spec: HashMap<&str, &str> = spec.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let found = self.store.search(&spec).map_err(map_list_error)?;
        let mut keys: Vec<EntryKey> = found
            .iter()
            .filter_map(|entry| entry.get_specifiers())
            .filter(|(service, _)| service == SERVICE)
            .filter_map(|(_, account)| EntryKey::parse_account(&account))
            .filter(|key| key.project_id() == project_id)
            .collect();
        keys.sort();
        keys.dedup();
        Ok(keys)
    }
}
