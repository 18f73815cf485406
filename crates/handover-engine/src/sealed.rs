//! The project's sealed vault as the workflows use it: the per-project key read from the OS keyring once per
//! session (created on first use, checked against the fingerprint the project file records), device and switch
//! secrets read from the project file and opened, and new ones sealed into [`SecretWrite`]s that the caller
//! commits together with its journal phase and audit entry.
//!
//! Projects made by earlier versions kept one keyring entry per device account and switch; the first time a
//! session needs the vault, those entries are sealed into the project file, read back and opened (proof), and
//! only then removed from the keyring. A crash in between loses nothing: an entry is removed only once the file
//! holds it, and an entry whose slot the file already holds is never sealed over the newer value.

use handover_model::DeviceId;
use handover_store::secrets::{SealedSecret, SecretName, SecretWrite, VaultRecord};
use handover_vault::{CredentialStore, EntryKey, EntryKind, Sealer, SecretString, sealed};

use crate::error::{Error, Result};
use crate::session::Session;

/// The project-file place of a vault entry name.
pub(crate) fn place(key: &EntryKey) -> Result<SecretName> {
    Ok(match key.kind() {
        EntryKind::Device {
            device_id,
            username,
            slot,
        } => SecretName::device(
            device_id
                .parse::<DeviceId>()
                .map_err(|_| Error::Invalid(format!("internal: {key} names no device id")))?,
            username,
            slot.as_str(),
        ),
        EntryKind::Other { name } => SecretName::Project { name: name.clone() },
    })
}

/// Seals `secret` for `key` into a write for the project file.
pub(crate) fn seal(vault: &Sealer, key: &EntryKey, secret: &SecretString) -> Result<SecretWrite> {
    Ok(SecretWrite::Put(SealedSecret {
        name: place(key)?,
        sealed_as: key.account(),
        sealed: vault.seal(key, secret)?,
    }))
}

/// A write that removes `key`'s secret from the project file.
pub(crate) fn remove(key: &EntryKey) -> Result<SecretWrite> {
    Ok(SecretWrite::Delete(place(key)?))
}

/// Opens a stored secret. The entry it was sealed for must name the same account and slot as where it is kept
/// (its device may differ only after two device rows merged); anything else is refused, not used.
pub(crate) fn open(vault: &Sealer, stored: &SealedSecret) -> Result<SecretString> {
    let sealed_as = EntryKey::parse_account(&stored.sealed_as).ok_or_else(|| {
        Error::Invalid(format!(
            "a sealed secret names an unreadable entry ({:?}): the project file was edited",
            stored.sealed_as
        ))
    })?;
    let consistent = match (&stored.name, sealed_as.kind()) {
        (
            SecretName::Device { username, slot, .. },
            EntryKind::Device {
                username: u,
                slot: s,
                ..
            },
        ) => username == u && slot == s.as_str(),
        (SecretName::Project { name }, EntryKind::Other { name: n }) => name == n,
        _ => false,
    };
    if !consistent {
        return Err(Error::Invalid(format!(
            "the sealed secret kept as {:?} was sealed for {sealed_as}: the project file was edited",
            stored.name
        )));
    }
    Ok(vault.open(&sealed_as, &stored.sealed)?)
}

impl Session {
    /// The project's vault: its key from the OS keyring (made on first use), checked against the fingerprint the
    /// project file records. On first use in a project made by an earlier version, its per-account keyring
    /// entries are sealed into the project file and then removed from the keyring. Cached for the session.
    ///
    /// Errors: the keyring is locked or unreachable; the project has sealed secrets but this keyring holds no
    /// key for it (another laptop, or a keyring restored without it), or another key.
    pub fn vault(&self) -> Result<Sealer> {
        if let Some(v) = self.cached_vault() {
            return Ok(v);
        }
        let keyring = self.keyring()?;
        let keyring = &*keyring;
        let pid = self.project().id().to_string();
        let record = self.project().vault()?;
        let sealer = match (&record, sealed::load_key(keyring, &pid)?) {
            (Some(r), Some(s)) if s.key_id() == r.key_id => s,
            (Some(r), Some(s)) => {
                return Err(Error::VaultKey {
                    project: pid,
                    problem: format!(
                        "the OS keyring holds another key (fingerprint {}) than the one this project's secrets \
                         are sealed under ({})",
                        s.key_id(),
                        r.key_id
                    ),
                });
            }
            (Some(r), None) => {
                return Err(Error::VaultKey {
                    project: pid,
                    problem: format!(
                        "the OS keyring holds no vault key for it (fingerprint {}); the project's passwords are \
                         sealed under that key: open the project on the laptop and login keyring it was made \
                         with, or restore that keyring from a backup",
                        r.key_id
                    ),
                });
            }
            (None, Some(s)) => s,
            (None, None) => sealed::create_key(keyring, &pid)?,
        };
        if !record.as_ref().is_some_and(|r| r.keyring_migrated) {
            self.migrate_keyring(keyring, &sealer, record.is_none())?;
        }
        *self
            .vault
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(sealer.clone());
        Ok(sealer)
    }

    /// The vault opened earlier in this session, if any.
    fn cached_vault(&self) -> Option<Sealer> {
        self.vault
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The vault when the keyring can be reached now, for work that goes on without held passwords when it
    /// cannot (discovery, identification). A keyring that holds another key than the project's is an error.
    pub(crate) fn vault_if_reachable(&self) -> Result<Option<Sealer>> {
        if let Some(v) = self.cached_vault() {
            return Ok(Some(v));
        }
        if self.keyring().is_err() {
            return Ok(None);
        }
        self.vault().map(Some)
    }

    /// Seals earlier versions' keyring entries of this project into the project file, proves each opens, then
    /// removes them from the keyring; records the key fingerprint.
    fn migrate_keyring(
        &self,
        keyring: &dyn CredentialStore,
        vault: &Sealer,
        first: bool,
    ) -> Result<()> {
        let pid = self.project().id().to_string();
        let legacy: Vec<EntryKey> = keyring
            .list(&pid)?
            .into_iter()
            .filter(|k| match k.kind() {
                EntryKind::Device { .. } => true,
                EntryKind::Other { name } => name.starts_with("snmp-switch:"),
            })
            .collect();
        let mut writes = Vec::new();
        for key in &legacy {
            let held = self.project().secret(&place(key)?)?.is_some();
            if held {
                continue; // the file's value is newer (sealed after an earlier, interrupted migration)
            }
            if let Some(secret) = keyring.find(key)? {
                writes.push(seal(vault, key, &secret)?);
            }
        }
        let record = VaultRecord {
            key_id: vault.key_id(),
            keyring_migrated: false,
        };
        let action = if first {
            "vault.created"
        } else {
            "vault.resumed"
        };
        let actor = self.actor().clone();
        self.project_mut()
            .set_vault(&record, &writes, action, &actor)?;
        // Proof before removal: every legacy entry is now in the file and opens with the key (to the keyring's
        // value, unless the file's is newer: written after an earlier, interrupted migration).
        for key in &legacy {
            let stored = self.project().secret(&place(key)?)?.ok_or_else(|| {
                Error::Invalid(format!("internal: {key} was not sealed into the project"))
            })?;
            open(vault, &stored)?;
            keyring.delete(key)?;
        }
        let done = VaultRecord {
            keyring_migrated: true,
            ..record
        };
        let moved = legacy.len();
        self.project_mut().set_vault(
            &done,
            &[],
            if moved > 0 {
                "vault.keyring-entries-moved"
            } else {
                "vault.ready"
            },
            &actor,
        )?;
        Ok(())
    }

    /// The password Handover holds for an account on a device (the device's administrator when `user` is
    /// `None`), for a technician who must type it into the device's web page. Audited as
    /// `credential.revealed`: who asked, for which device and account (never the password).
    pub fn reveal_password(
        &self,
        device: DeviceId,
        user: Option<&str>,
    ) -> Result<(String, SecretString)> {
        self.project().device(device)?;
        let refs = handover_store::credentials::for_device(self.project().conn(), device)?;
        let account = match user {
            Some(u) => refs.iter().find(|c| c.username == u),
            None => crate::credentials::administrator(&refs),
        }
        .ok_or_else(|| {
            Error::Invalid(format!(
                "Handover holds no password for {} on {device}",
                user.unwrap_or("an administrator")
            ))
        })?;
        let username = account.username.clone();
        let vault = self.vault()?;
        let key = crate::credentials::entry(
            self.project_id(),
            device,
            &username,
            handover_vault::Slot::Current,
        )?;
        let password = self.secret(&vault, &key)?.ok_or_else(|| {
            Error::Invalid(format!(
                "Handover holds no password for {username} on {device}"
            ))
        })?;
        let actor = self.actor().clone();
        self.project_mut().record(
            &actor,
            "credential.revealed",
            &device.to_string(),
            serde_json::json!({ "user": username }),
        )?;
        Ok((username, password))
    }

    /// The secret kept for `key` in the project file, opened; `None` when there is none.
    pub(crate) fn secret(&self, vault: &Sealer, key: &EntryKey) -> Result<Option<SecretString>> {
        let read = self.project().secret(&place(key)?)?;
        match read {
            Some(stored) => open(vault, &stored).map(Some),
            None => Ok(None),
        }
    }
}
