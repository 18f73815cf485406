//! The sealed vault: every device and switch secret of a project is sealed with XChaCha20-Poly1305 under one
//! random 256-bit key per project, and only that key lives in the OS keyring.
//!
//! Why: one keyring item per device does not scale (gnome-keyring re-encrypts its whole collection on every
//! write, Windows caps an item at 2,560 bytes), and a project's secrets belong with the project's journal so a
//! phase and its secret commit in one SQLite transaction. Signal Desktop and Chromium keep their stores behind
//! the OS keyring the same way.
//!
//! A sealed value is `0x01 ‖ nonce (24 bytes) ‖ ciphertext ‖ tag`. The associated data binds a format version,
//! the project id and the entry's full name (device, account, slot, or the project secret's name), so a sealed
//! value moved to another row, slot, device or project does not open. A copy of the project file without the
//! key reveals nothing; deleting the key from the keyring shreds every secret of the project.
//!
//! What this module is not: storage. It seals and opens bytes; the project file (handover-store) keeps them,
//! and the engine decides when. The key itself is read and written through [`CredentialStore`].

use std::sync::Arc;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::entry::EntryKey;
use crate::error::{SealProblem, VaultError};
use crate::secret::SecretString;
use crate::store::CredentialStore;

/// The name of the keyring entry that holds a project's vault key (an `other` secret of the project).
pub const VAULT_KEY_NAME: &str = "vault-key";

const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const AAD_PREFIX: &[u8] = b"handover-vault\x00v1\x00";

/// A project's vault: its id and its 256-bit key. Cheap to clone (the key is shared and wiped when the last
/// clone is dropped). Its `Debug` shows only the key id.
#[derive(Clone)]
pub struct Sealer {
    project_id: String,
    key: Arc<Zeroizing<[u8; 32]>>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer")
            .field("project_id", &self.project_id)
            .field("key_id", &self.key_id())
            .finish()
    }
}

fn key_entry(project_id: &str) -> Result<EntryKey, VaultError> {
    EntryKey::other(project_id, VAULT_KEY_NAME)
}

impl Sealer {
    fn from_bytes(project_id: &str, bytes: [u8; 32]) -> Self {
        Self {
            project_id: project_id.to_owned(),
            key: Arc::new(Zeroizing::new(bytes)),
        }
    }

    /// A new random key for `project_id` (not stored anywhere yet: see [`create_key`]).
    pub fn generate(project_id: &str) -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let s = Self::from_bytes(project_id, bytes);
        bytes.iter_mut().for_each(|b| *b = 0);
        s
    }

    /// The project this vault belongs to.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// A short public fingerprint of the key (16 hex digits of a domain-separated SHA-256), kept in the project
    /// file so a wrong or replaced key is told apart from a damaged secret. Reveals nothing about the key.
    pub fn key_id(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"handover-vault key id\x00");
        h.update(self.key.as_slice());
        to_hex(&h.finalize()[..8])
    }

    fn aad(&self, entry: &EntryKey) -> Result<Vec<u8>, VaultError> {
        if entry.project_id() != self.project_id {
            return Err(VaultError::Seal {
                key: entry.clone(),
                problem: SealProblem::OtherProject,
            });
        }
        let mut aad = AAD_PREFIX.to_vec();
        aad.extend_from_slice(entry.account().as_bytes());
        Ok(aad)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.key.as_slice().into())
    }

    /// Seals `secret` for `entry` (a fresh random nonce each time).
    pub fn seal(&self, entry: &EntryKey, secret: &SecretString) -> Result<Vec<u8>, VaultError> {
        let aad = self.aad(entry)?;
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct = self
            .cipher()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: secret.expose().as_bytes(),
                    aad: &aad,
                },
            )
            .map_err(|_| VaultError::Seal {
                key: entry.clone(),
                problem: SealProblem::Encrypt,
            })?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + ct.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    /// Opens a value sealed for `entry`. Fails when the value was changed, was sealed for another entry or
    /// project, or under another key.
    pub fn open(&self, entry: &EntryKey, sealed: &[u8]) -> Result<SecretString, VaultError> {
        let aad = self.aad(entry)?;
        let fail = |problem| VaultError::Seal {
            key: entry.clone(),
            problem,
        };
        if sealed.len() < 1 + NONCE_LEN + TAG_LEN {
            return Err(fail(SealProblem::Truncated));
        }
        if sealed[0] != VERSION {
            return Err(fail(SealProblem::UnknownVersion(sealed[0])));
        }
        let (nonce, ct) = sealed[1..].split_at(NONCE_LEN);
        let plain = Zeroizing::new(
            self.cipher()
                .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: &aad })
                .map_err(|_| fail(SealProblem::DoesNotOpen))?,
        );
        let text = std::str::from_utf8(&plain).map_err(|_| fail(SealProblem::NotText))?;
        Ok(SecretString::new(text.to_owned()))
    }
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn encode_key(key: &[u8; 32]) -> SecretString {
    SecretString::new(to_hex(key))
}

fn decode_key(project_id: &str, text: &SecretString) -> Result<Sealer, VaultError> {
    let damaged = || VaultError::VaultKeyDamaged {
        project_id: project_id.to_owned(),
    };
    let s = text.expose().trim();
    if s.len() != 64 {
        return Err(damaged());
    }
    let mut bytes = Zeroizing::new([0u8; 32]);
    for (i, chunk) in s.as_bytes().chunks(2).enumerate() {
        let pair = std::str::from_utf8(chunk).map_err(|_| damaged())?;
        bytes[i] = u8::from_str_radix(pair, 16).map_err(|_| damaged())?;
    }
    Ok(Sealer::from_bytes(project_id, *bytes))
}

/// Reads the vault key of `project_id` from the keyring; `None` when the project has none yet.
pub fn load_key(
    store: &(impl CredentialStore + ?Sized),
    project_id: &str,
) -> Result<Option<Sealer>, VaultError> {
    match store.find(&key_entry(project_id)?)? {
        Some(text) => decode_key(project_id, &text).map(Some),
        None => Ok(None),
    }
}

/// Creates a new vault key for `project_id` and stores it in the keyring (one entry per project), then reads it
/// back to prove the keyring kept it. Refuses to replace an existing key: that would shred every secret.
pub fn create_key(
    store: &(impl CredentialStore + ?Sized),
    project_id: &str,
) -> Result<Sealer, VaultError> {
    let entry = key_entry(project_id)?;
    if store.find(&entry)?.is_some() {
        return Err(VaultError::VaultKeyExists {
            project_id: project_id.to_owned(),
        });
    }
    let sealer = Sealer::generate(project_id);
    store.put(&entry, &encode_key(&sealer.key))?;
    let back =
        load_key(store, project_id)?.ok_or_else(|| VaultError::NotFound { key: entry.clone() })?;
    if back.key_id() != sealer.key_id() {
        return Err(VaultError::VaultKeyDamaged {
            project_id: project_id.to_owned(),
        });
    }
    Ok(sealer)
}

/// Deletes the vault key of `project_id` from the keyring: every sealed secret of the project becomes
/// unreadable (crypto-shredding). `Ok(false)` when there was none.
pub fn shred_key(
    store: &(impl CredentialStore + ?Sized),
    project_id: &str,
) -> Result<bool, VaultError> {
    store.delete(&key_entry(project_id)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::Slot;
    use crate::memory::MemoryStore;

    fn dev(project: &str, device: &str, user: &str, slot: Slot) -> EntryKey {
        EntryKey::device(project, device, user, slot).unwrap()
    }

    #[test]
    fn sealed_values_open_only_for_their_own_entry_and_key() {
        let v = Sealer::generate("p1");
        let a = dev("p1", "3", "admin", Slot::Current);
        let sealed = v.seal(&a, &"hunter2-Zz".into()).unwrap();
        assert_eq!(v.open(&a, &sealed).unwrap().expose(), "hunter2-Zz");
        assert!(
            !sealed.windows(6).any(|w| w == b"hunter"),
            "plaintext visible in the sealed bytes"
        );
        // Another slot, device, account, project or key: refused.
        for other in [
            dev("p1", "3", "admin", Slot::Pending),
            dev("p1", "4", "admin", Slot::Current),
            dev("p1", "3", "root", Slot::Current),
            EntryKey::other("p1", "snmp-switch:1").unwrap(),
        ] {
            let err = v.open(&other, &sealed).unwrap_err();
            assert!(err.to_string().contains("cannot be opened"), "{err}");
        }
        assert!(
            v.open(&dev("p2", "3", "admin", Slot::Current), &sealed)
                .is_err()
        );
        assert!(Sealer::generate("p1").open(&a, &sealed).is_err());
        // Every single-byte change is caught.
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            assert!(
                v.open(&a, &bad).is_err(),
                "byte {i} changed and still opened"
            );
        }
        assert!(v.open(&a, &sealed[..20]).is_err());
    }

    #[test]
    fn two_seals_of_one_secret_differ() {
        let v = Sealer::generate("p");
        let a = dev("p", "1", "admin", Slot::Current);
        assert_ne!(
            v.seal(&a, &"same".into()).unwrap(),
            v.seal(&a, &"same".into()).unwrap()
        );
    }

    #[test]
    fn the_key_lives_in_the_store_and_is_never_replaced() {
        let store = MemoryStore::new();
        assert!(load_key(&store, "p").unwrap().is_none());
        let made = create_key(&store, "p").unwrap();
        let loaded = load_key(&store, "p").unwrap().unwrap();
        assert_eq!(made.key_id(), loaded.key_id());
        let a = dev("p", "1", "admin", Slot::Current);
        let sealed = made.seal(&a, &"pw".into()).unwrap();
        assert_eq!(loaded.open(&a, &sealed).unwrap().expose(), "pw");
        assert!(matches!(
            create_key(&store, "p"),
            Err(VaultError::VaultKeyExists { .. })
        ));
        assert!(!format!("{made:?}").contains(&to_hex(made.key.as_slice())));
        // Shredding the key leaves the sealed value unreadable by any new key.
        assert!(shred_key(&store, "p").unwrap());
        let new = create_key(&store, "p").unwrap();
        assert!(new.open(&a, &sealed).is_err());
    }

    #[test]
    fn a_damaged_key_entry_is_reported_not_used() {
        let store = MemoryStore::new();
        store
            .put(&key_entry("p").unwrap(), &"not hex at all".into())
            .unwrap();
        assert!(matches!(
            load_key(&store, "p"),
            Err(VaultError::VaultKeyDamaged { .. })
        ));
    }
}
