//! Per-OS glue for [`crate::OsKeyring`]: which keyring-core store to open, how to probe it, which modifiers and
//! search specs it understands, and how its platform errors read. Chosen by `cfg(target_os)`; only the Linux
//! (Secret Service) branch is tested on this project's machines, macOS and Windows must compile.
//! No secret passes through this module except inside keyring-core calls made by `OsKeyring`.

#[cfg(target_os = "linux")]
mod imp {
    use std::collections::HashMap;
    use std::sync::Arc;

    use keyring_core::{CredentialStore as CoreStore, Entry};
    use secret_service::EncryptionType;
    use secret_service::blocking::SecretService;

    use crate::entry::SERVICE;
    use crate::error::{Unavailable, VaultError};

    fn platform_err(e: secret_service::Error) -> keyring_core::Error {
        keyring_core::Error::PlatformFailure(Box::new(e))
    }

    /// Probes bus, service, default collection and (when `refuse_locked`) lock state, then opens the
    /// keyring-core store.
    pub(crate) fn open_store(refuse_locked: bool) -> Result<Arc<CoreStore>, VaultError> {
        let conn = zbus::blocking::Connection::session().map_err(|e| VaultError::Unavailable {
            reason: Unavailable::NoSessionBus,
            source: keyring_core::Error::PlatformFailure(Box::new(e)),
        })?;
        // Any failure to open a session with org.freedesktop.secrets on a working bus means "no usable
        // Secret Service" (not running, not activatable, or refusing sessions).
        let ss = SecretService::connect_with_existing(EncryptionType::Dh, conn).map_err(|e| {
            VaultError::Unavailable {
                reason: Unavailable::NoSecretService,
                source: platform_err(e),
            }
        })?;
        let collection = ss.get_default_collection().map_err(|e| match e {
            secret_service::Error::NoResult => VaultError::Unavailable {
                reason: Unavailable::NoDefaultCollection,
                source: platform_err(e),
            },
            e => VaultError::Keyring {
                operation: "open",
                source: platform_err(e),
            },
        })?;
        let locked = collection.is_locked().map_err(|e| VaultError::Keyring {
            operation: "open",
            source: platform_err(e),
        })?;
        if locked && refuse_locked {
            return Err(VaultError::Locked {
                source: keyring_core::Error::NoStorageAccess(Box::new(
                    secret_service::Error::Locked,
                )),
            });
        }
        let store =
            zbus_secret_service_keyring_store::Store::new().map_err(
                |e| match unavailable_reason(&e) {
                    Some(reason) => VaultError::Unavailable { reason, source: e },
                    None => VaultError::Keyring {
                        operation: "open",
                        source: e,
                    },
                },
            )?;
        Ok(store)
    }

    /// Secret Service accepts a `label` modifier: what Seahorse and KeePassXC show.
    pub(crate) fn build_modifiers(label: &str) -> Option<HashMap<&str, &str>> {
        Some(HashMap::from([("label", label)]))
    }

    /// Adds the `project`, `device`, `user`, `slot`, `kind`, `name` attributes to the item, unless it already
    /// carries them all (a read is much cheaper than a write, which rewrites the collection file).
    pub(crate) fn decorate(entry: &Entry, attrs: &HashMap<&str, &str>) -> keyring_core::Result<()> {
        let have = entry.get_attributes()?;
        if attrs
            .iter()
            .all(|(k, v)| have.get(*k).is_some_and(|h| h == v))
        {
            return Ok(());
        }
        entry.update_attributes(attrs)
    }

    /// Every Handover item (all projects): `list` filters by the parsed account string, so an item whose extra
    /// attributes were never written (crash between set and decorate) is still found.
    pub(crate) fn search_spec() -> HashMap<&'static str, String> {
        HashMap::from([("service", SERVICE.to_owned())])
    }

    /// Recognises "no keyring at all" inside keyring-core's boxed platform errors.
    pub(crate) fn unavailable_reason(err: &keyring_core::Error) -> Option<Unavailable> {
        let inner = match err {
            keyring_core::Error::PlatformFailure(inner)
            | keyring_core::Error::NoStorageAccess(inner) => inner,
            _ => return None,
        };
        match inner.downcast_ref::<secret_service::Error>()? {
            secret_service::Error::Unavailable => Some(Unavailable::NoSecretService),
            secret_service::Error::NoResult => Some(Unavailable::NoDefaultCollection),
            _ => None,
        }
    }
}

#[cfg(target_os = "macos")]
mod imp {
    use std::collections::HashMap;
    use std::sync::Arc;

    use keyring_core::{CredentialStore as CoreStore, Entry};

    use crate::entry::SERVICE;
    use crate::error::{Unavailable, VaultError};

    /// The user's login Keychain (keyring-core's `keychain` store). The Keychain itself prompts when locked.
    pub(crate) fn open_store(_refuse_locked: bool) -> Result<Arc<CoreStore>, VaultError> {
        let store = apple_native_keyring_store::keychain::Store::new().map_err(|e| match e {
            source @ keyring_core::Error::NoStorageAccess(_) => VaultError::Locked { source },
            source => VaultError::Unavailable {
                reason: Unavailable::PlatformStore,
                source,
            },
        })?;
        Ok(store)
    }

    /// The keychain store takes no label modifier.
    pub(crate) fn build_modifiers(_label: &str) -> Option<HashMap<&str, &str>> {
        None
    }

    /// Keychain items carry service and account only; the account string already names project/device/slot.
    pub(crate) fn decorate(
        _entry: &Entry,
        _attrs: &HashMap<&str, &str>,
    ) -> keyring_core::Result<()> {
        Ok(())
    }

    /// All generic passwords of service `handover`.
    pub(crate) fn search_spec() -> HashMap<&'static str, String> {
        HashMap::from([("service", SERVICE.to_owned())])
    }

    pub(crate) fn unavailable_reason(_err: &keyring_core::Error) -> Option<Unavailable> {
        None
    }
}

#[cfg(target_os = "windows")]
mod imp {
    use std::collections::HashMap;
    use std::sync::Arc;

    use keyring_core::{CredentialStore as CoreStore, Entry};

    use crate::entry::SERVICE;
    use crate::error::{Unavailable, VaultError};

    /// Windows Credential Manager (generic credentials); it has no lock state of its own.
    pub(crate) fn open_store(_refuse_locked: bool) -> Result<Arc<CoreStore>, VaultError> {
        let store = windows_native_keyring_store::Store::new().map_err(|source| {
            VaultError::Unavailable {
                reason: Unavailable::PlatformStore,
                source,
            }
        })?;
        Ok(store)
    }

    /// The default target name (`<account>.<service>`) is kept; no modifier.
    pub(crate) fn build_modifiers(_label: &str) -> Option<HashMap<&str, &str>> {
        None
    }

    /// Credential Manager has no free attributes; the account string already names project/device/slot.
    pub(crate) fn decorate(
        _entry: &Entry,
        _attrs: &HashMap<&str, &str>,
    ) -> keyring_core::Result<()> {
        Ok(())
    }

    /// Target names ending in `.handover` (regex over the target name).
    pub(crate) fn search_spec() -> HashMap<&'static str, String> {
        HashMap::from([("pattern", format!(r"\.{SERVICE}$"))])
    }

    pub(crate) fn unavailable_reason(_err: &keyring_core::Error) -> Option<Unavailable> {
        None
    }
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
compile_error!(
    "handover-vault supports Linux (Secret Service), macOS (Keychain) and Windows (Credential Manager)"
);

pub(crate) use imp::{build_modifiers, decorate, open_store, search_spec, unavailable_reason};
