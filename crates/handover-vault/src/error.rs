//! The crate's one error type, [`VaultError`], with question methods and messages that say what to do.
//!
//! Errors carry the real source error (keyring-core's, the I/O error, the KeePass writer's) and never a secret:
//! keyring-core errors that embed secret bytes (`BadEncoding`, `BadDataFormat`) are wiped before they are kept.
//! This module defines errors; it does not log or retry.

use std::fmt;
use std::path::PathBuf;

use zeroize::Zeroize;

use crate::entry::EntryKey;

/// Why a keyring could not be reached at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unavailable {
    /// No D-Bus session bus (headless shell, `sudo`, SSH without a session).
    NoSessionBus,
    /// A session bus, but nothing answers as `org.freedesktop.secrets`.
    NoSecretService,
    /// The Secret Service has no default collection (no login keyring was ever created).
    NoDefaultCollection,
    /// The platform store could not be created (macOS Keychain / Windows Credential Manager refused).
    PlatformStore,
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Unavailable::NoSessionBus => {
                "no D-Bus session bus: run Handover inside your desktop session (or start one with \
                 `dbus-run-session`), so it can reach the Secret Service"
            }
            Unavailable::NoSecretService => {
                "no Secret Service running: start gnome-keyring (`gnome-keyring-daemon --start \
                 --components=secrets`) or enable KeePassXC's Secret Service integration"
            }
            Unavailable::NoDefaultCollection => {
                "the Secret Service has no default keyring: create a login keyring (Seahorse: \
                 \"Passwords and Keys\") or set one as default"
            }
            Unavailable::PlatformStore => {
                "the system credential store could not be opened: check that your user account can use \
                 the Keychain / Credential Manager"
            }
        })
    }
}

/// What is wrong with a component of an [`EntryKey`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyProblem {
    /// The component is empty.
    Empty,
    /// The component is longer than allowed.
    TooLong {
        /// Maximum length in bytes.
        max: usize,
    },
}

impl fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyProblem::Empty => f.write_str("is empty"),
            KeyProblem::TooLong { max } => write!(f, "is longer than {max} bytes"),
        }
    }
}

/// Why a password policy cannot produce a password.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyProblem {
    /// `min_len` is zero or greater than `max_len`.
    LengthRange {
        /// The policy's minimum length.
        min_len: usize,
        /// The policy's maximum length.
        max_len: usize,
    },
    /// After removing forbidden (and, for RTSP-safe policies, URL-reserved) characters, nothing is left.
    EmptyAlphabet,
    /// A required character class has no allowed character left.
    RequiredClassEmpty {
        /// The class's name.
        class: &'static str,
    },
    /// More classes are required than `max_len` characters can hold.
    TooManyRequiredClasses {
        /// Number of required classes.
        required: usize,
        /// The policy's maximum length.
        max_len: usize,
    },
    /// So few strings of the chosen length satisfy the required classes that generating one is impractical.
    TooTight {
        /// The length that was tried.
        length: usize,
    },
}

impl fmt::Display for PolicyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyProblem::LengthRange { min_len, max_len } => {
                write!(
                    f,
                    "length range {min_len}..={max_len} is empty or starts at 0"
                )
            }
            PolicyProblem::EmptyAlphabet => f.write_str("no character is allowed"),
            PolicyProblem::RequiredClassEmpty { class } => {
                write!(f, "the required class '{class}' has no allowed character")
            }
            PolicyProblem::TooManyRequiredClasses { required, max_len } => {
                write!(
                    f,
                    "{required} required classes do not fit into {max_len} characters"
                )
            }
            PolicyProblem::TooTight { length } => write!(
                f,
                "too few {length}-character strings satisfy the required classes: allow more characters of \
                 the rare classes or a longer maximum"
            ),
        }
    }
}

/// Why an export password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExportPasswordProblem {
    /// Shorter than the minimum.
    TooShort {
        /// Minimum number of characters.
        min: usize,
    },
}

impl fmt::Display for ExportPasswordProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportPasswordProblem::TooShort { min } => {
                write!(f, "is shorter than {min} characters")
            }
        }
    }
}

/// Why a sealed secret could not be sealed or opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealProblem {
    /// The entry belongs to another project than the vault key.
    #[error("it belongs to another project")]
    OtherProject,
    /// Shorter than a nonce and a tag.
    #[error("it is truncated")]
    Truncated,
    /// Written by a newer Handover.
    #[error("it uses sealing format {0}, which this version does not know")]
    UnknownVersion(u8),
    /// Authentication failed: changed, moved from another entry, or sealed under another key.
    #[error("it was changed, moved from another entry, or sealed under another key")]
    DoesNotOpen,
    /// Opened, but not UTF-8 text.
    #[error("it does not hold text")]
    NotText,
    /// The cipher refused to encrypt (never expected).
    #[error("encryption failed")]
    Encrypt,
}

/// Everything that can go wrong in the vault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VaultError {
    /// The keyring is locked and Handover will not store secrets anywhere else.
    #[error(
        "the OS keyring is locked: unlock your login keyring (log in again, or open \"Passwords and Keys\" and \
         unlock it) and retry; Handover never falls back to storing passwords elsewhere"
    )]
    Locked {
        /// keyring-core's error.
        #[source]
        source: keyring_core::Error,
    },
    /// No keyring can be reached.
    #[error(
        "no OS keyring available: {reason}; Handover never falls back to storing passwords elsewhere"
    )]
    Unavailable {
        /// What is missing, with what to do.
        reason: Unavailable,
        /// keyring-core's error.
        #[source]
        source: keyring_core::Error,
    },
    /// No entry with this name.
    #[error("no keyring entry '{key}' (service 'handover')")]
    NotFound {
        /// The entry that was asked for.
        key: EntryKey,
    },
    /// More than one keyring item matches the entry's name.
    #[error(
        "{count} keyring items match '{key}' (service 'handover'): remove the duplicates in your keyring \
         manager, keeping the newest"
    )]
    Ambiguous {
        /// The entry that was asked for.
        key: EntryKey,
        /// How many items matched.
        count: usize,
    },
    /// The stored secret is not UTF-8 text (written by another program); its bytes were wiped.
    #[error("keyring entry '{key}' does not hold UTF-8 text")]
    NotText {
        /// The entry that was read.
        key: EntryKey,
    },
    /// A sealed secret in the project file cannot be opened (or sealed) with this project's vault key.
    #[error("the sealed secret '{key}' cannot be opened: {problem}")]
    Seal {
        /// The entry the secret was sealed for.
        key: EntryKey,
        /// What is wrong.
        problem: SealProblem,
    },
    /// The keyring entry holding the project's vault key is not a key.
    #[error(
        "the vault key of project {project_id} in the OS keyring is damaged (entry 'vault-key'): restore it from \
         a keyring backup; without it the project's sealed passwords cannot be opened"
    )]
    VaultKeyDamaged {
        /// The project.
        project_id: String,
    },
    /// A vault key already exists for the project; replacing it would shred every secret.
    #[error("project {project_id} already has a vault key in the OS keyring; it is never replaced")]
    VaultKeyExists {
        /// The project.
        project_id: String,
    },
    /// Any other keyring failure.
    #[error("keyring operation '{operation}' failed: {source}")]
    Keyring {
        /// What was being done (`put`, `get`, `delete`, `list`, `open`).
        operation: &'static str,
        /// keyring-core's error (secret bytes wiped).
        #[source]
        source: keyring_core::Error,
    },
    /// A rotation of this account is already staged (pending or previous entries exist): settle it first.
    #[error(
        "a password rotation of '{key}' is still unsettled (pending/previous entries in the keyring): recover it \
         (ask the device which password works) before starting another"
    )]
    RotationInProgress {
        /// The account's current-slot key.
        key: EntryKey,
    },
    /// A rotation step was called with a key that names no device account (an `other` secret).
    #[error("'{key}' is not a device account: rotations apply to device accounts only")]
    NotADeviceAccount {
        /// The key that was passed.
        key: EntryKey,
    },
    /// An entry name component is invalid.
    #[error("invalid keyring entry name: the {what} {problem}")]
    InvalidKey {
        /// Which component.
        what: &'static str,
        /// What is wrong with it.
        problem: KeyProblem,
    },
    /// The password policy cannot produce a password.
    #[error("invalid password policy: {problem}")]
    InvalidPolicy {
        /// What is wrong.
        problem: PolicyProblem,
    },
    /// The export password was refused.
    #[error(
        "the export password {problem}: choose a longer one (IT will type it to open the file)"
    )]
    ExportPassword {
        /// What is wrong.
        problem: ExportPasswordProblem,
    },
    /// Writing the export file failed; no partial file was left behind.
    #[error("cannot write the KeePass export to {}: {source} (no partial file was left)", path.display())]
    ExportIo {
        /// The destination.
        path: PathBuf,
        /// The I/O error (disk full, permission denied, no such directory, ...).
        #[source]
        source: std::io::Error,
    },
    /// The KeePass writer failed (encryption or serialization).
    #[error("cannot encode the KeePass export: {source}")]
    ExportEncode {
        /// The `keepass` crate's error.
        #[source]
        source: keepass::db::DatabaseSaveError,
    },
}

impl VaultError {
    /// The keyring is locked: ask the user to unlock it.
    pub fn is_locked(&self) -> bool {
        matches!(self, VaultError::Locked { .. })
    }

    /// No keyring at all (no session bus, no Secret Service, no default collection).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, VaultError::Unavailable { .. })
    }

    /// The entry does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, VaultError::NotFound { .. })
    }

    /// Several keyring items match one entry name.
    pub fn is_ambiguous(&self) -> bool {
        matches!(self, VaultError::Ambiguous { .. })
    }

    /// A rotation of the account is already staged.
    pub fn is_rotation_in_progress(&self) -> bool {
        matches!(self, VaultError::RotationInProgress { .. })
    }

    /// The password policy is unusable.
    pub fn is_invalid_policy(&self) -> bool {
        matches!(self, VaultError::InvalidPolicy { .. })
    }

    /// The export could not be written to disk.
    pub fn is_export_io(&self) -> bool {
        matches!(self, VaultError::ExportIo { .. })
    }

    /// A sealed secret does not open with this project's key.
    pub fn is_seal(&self) -> bool {
        matches!(self, VaultError::Seal { .. })
    }

    /// The keyring may work on a later try without any change by the program (locked or unreachable).
    pub fn is_user_fixable(&self) -> bool {
        self.is_locked() || self.is_unavailable()
    }
}

/// Wipes secret bytes that keyring-core puts into some error variants, so the error can be kept and logged.
pub(crate) fn scrub(err: keyring_core::Error) -> keyring_core::Error {
    match err {
        keyring_core::Error::BadEncoding(mut bytes) => {
            bytes.zeroize();
            keyring_core::Error::BadEncoding(Vec::new())
        }
        keyring_core::Error::BadDataFormat(mut bytes, source) => {
            bytes.zeroize();
            keyring_core::Error::BadDataFormat(Vec::new(), source)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_removes_secret_bytes() {
        let e = scrub(keyring_core::Error::BadEncoding(b"hunter2\xff".to_vec()));
        assert!(!format!("{e:?}").contains("104, 117"), "{e:?}");
        assert!(matches!(e, keyring_core::Error::BadEncoding(ref b) if b.is_empty()));
    }

    #[test]
    fn messages_say_what_to_do() {
        let locked = VaultError::Locked {
            source: keyring_core::Error::NoEntry,
        };
        assert!(locked.is_locked() && locked.is_user_fixable());
        assert!(locked.to_string().contains("unlock your login keyring"));
        let unavailable = VaultError::Unavailable {
            reason: Unavailable::NoSecretService,
            source: keyring_core::Error::NoEntry,
        };
        assert!(unavailable.is_unavailable());
        assert!(unavailable.to_string().contains("start gnome-keyring"));
        assert!(unavailable.to_string().contains("KeePassXC"));
    }
}
