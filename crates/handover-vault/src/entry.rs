//! Names of keyring entries: [`EntryKey`], its [`Slot`], and how both map to the OS keyring.
//!
//! Every entry lives under the keyring service [`SERVICE`] (`handover`). Its account string is readable and
//! findable: `<project>/<device>/<user>#<slot>` for a device account (slot `current`, `pending` or `previous`)
//! and `<project>/<name>#other` for a project secret that belongs to no device (report signing key, SNMP switch
//! credentials, a KeePass export hint). The characters `%`, `/`, `#` and control characters inside a component
//! are percent-encoded, so the string always parses back. On Secret Service the same facts are also item
//! attributes (`project`, `device`, `user`, `slot`, `kind`, `name`), so
//! `secret-tool search --all service handover project <id>` finds a project's entries.
//! This module names entries; it does not read or write them (see [`crate::store`]).

use std::collections::HashMap;
use std::fmt;

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

use crate::error::{KeyProblem, VaultError};

/// The keyring service name under which every Handover entry is stored.
pub const SERVICE: &str = "handover";

/// Longest accepted component (project id, device id, user name, secret name), in bytes.
pub const MAX_COMPONENT_LEN: usize = 128;

const COMPONENT: &AsciiSet = &CONTROLS.add(b'%').add(b'/').add(b'#');

/// Names of well-known project secrets that belong to no device (for [`EntryKey::other`]).
pub mod names {
    /// The private key that signs the handover report (PEM text).
    pub const REPORT_SIGNING_KEY: &str = "report-signing-key";
    /// A hint for the KeePass export password (never the password itself).
    pub const EXPORT_PASSWORD_HINT: &str = "keepass-export-hint";

    /// The SNMP credentials (v2c community or v3 user secrets) of one switch, by the project's switch id.
    pub fn snmp_switch(switch_id: &str) -> String {
        format!("snmp-switch:{switch_id}")
    }
}

/// Which of a device account's passwords an entry holds during and after a rotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slot {
    /// The password the device accepts now (after a committed rotation).
    Current,
    /// A new password stored before `SetUser`: not yet proven on the device.
    Pending,
    /// The password that was current before the rotation in progress; removed at commit.
    Previous,
    /// A password that was current until the device refused it while a factory default worked (the device
    /// was reset to factory settings, or another host answers at its address): kept, never offered again.
    Refused,
}

impl Slot {
    /// The name used in account strings and attributes.
    pub fn as_str(self) -> &'static str {
        match self {
            Slot::Current => "current",
            Slot::Pending => "pending",
            Slot::Previous => "previous",
            Slot::Refused => "refused",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "current" => Some(Slot::Current),
            "pending" => Some(Slot::Pending),
            "previous" => Some(Slot::Previous),
            "refused" => Some(Slot::Refused),
            _ => None,
        }
    }

    /// All slots, in the order a reader usually wants them.
    pub const ALL: [Slot; 4] = [Slot::Current, Slot::Pending, Slot::Previous, Slot::Refused];
}

/// What an entry belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntryKind {
    /// A device account's password in one slot.
    Device {
        /// The project's device id (as the project file names it).
        device_id: String,
        /// The account name on the device (`admin`, ...).
        username: String,
        /// Which of the account's passwords.
        slot: Slot,
    },
    /// A project secret that belongs to no device, by name (`report-signing-key`, `snmp-switch-1`, ...).
    Other {
        /// The secret's name inside the project.
        name: String,
    },
}

/// The name of one keyring entry. Holds no secret; safe to log and to keep in the project file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryKey {
    project_id: String,
    kind: EntryKind,
}

fn check(what: &'static str, value: &str) -> Result<(), VaultError> {
    let problem = if value.is_empty() {
        Some(KeyProblem::Empty)
    } else if value.len() > MAX_COMPONENT_LEN {
        Some(KeyProblem::TooLong {
            max: MAX_COMPONENT_LEN,
        })
    } else {
        None
    };
    match problem {
        Some(problem) => Err(VaultError::InvalidKey { what, problem }),
        None => Ok(()),
    }
}

fn enc(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

fn dec(s: &str) -> Option<String> {
    percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

impl EntryKey {
    /// A device account's password in `slot`. Fails when a component is empty or longer than
    /// [`MAX_COMPONENT_LEN`].
    pub fn device(
        project_id: &str,
        device_id: &str,
        username: &str,
        slot: Slot,
    ) -> Result<Self, VaultError> {
        check("project id", project_id)?;
        check("device id", device_id)?;
        check("user name", username)?;
        Ok(Self {
            project_id: project_id.to_owned(),
            kind: EntryKind::Device {
                device_id: device_id.to_owned(),
                username: username.to_owned(),
                slot,
            },
        })
    }

    /// A project secret that is not a device password (signing key, SNMP credentials, export hint).
    pub fn other(project_id: &str, name: &str) -> Result<Self, VaultError> {
        check("project id", project_id)?;
        check("secret name", name)?;
        Ok(Self {
            project_id: project_id.to_owned(),
            kind: EntryKind::Other {
                name: name.to_owned(),
            },
        })
    }

    /// The same device account in another slot; `None` for an [`EntryKind::Other`] key.
    pub fn with_slot(&self, slot: Slot) -> Option<Self> {
        match &self.kind {
            EntryKind::Device {
                device_id,
                username,
                ..
            } => Some(Self {
                project_id: self.project_id.clone(),
                kind: EntryKind::Device {
                    device_id: device_id.clone(),
                    username: username.clone(),
                    slot,
                },
            }),
            EntryKind::Other { .. } => None,
        }
    }

    /// The project this entry belongs to.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// Device or other secret, with its details.
    pub fn kind(&self) -> &EntryKind {
        &self.kind
    }

    /// The slot of a device entry; `None` for other secrets.
    pub fn slot(&self) -> Option<Slot> {
        match &self.kind {
            EntryKind::Device { slot, .. } => Some(*slot),
            EntryKind::Other { .. } => None,
        }
    }

    /// The device id of a device entry.
    pub fn device_id(&self) -> Option<&str> {
        match &self.kind {
            EntryKind::Device { device_id, .. } => Some(device_id),
            EntryKind::Other { .. } => None,
        }
    }

    /// The device account name of a device entry.
    pub fn username(&self) -> Option<&str> {
        match &self.kind {
            EntryKind::Device { username, .. } => Some(username),
            EntryKind::Other { .. } => None,
        }
    }

    /// The keyring account string (the keyring-core "user"), e.g. `site-7/cam-12/admin#pending`.
    pub fn account(&self) -> String {
        match &self.kind {
            EntryKind::Device {
                device_id,
                username,
                slot,
            } => format!(
                "{}/{}/{}#{}",
                enc(&self.project_id),
                enc(device_id),
                enc(username),
                slot.as_str()
            ),
            EntryKind::Other { name } => format!("{}/{}#other", enc(&self.project_id), enc(name)),
        }
    }

    /// Parses an account string written by [`EntryKey::account`]; `None` for anything else (entries of other
    /// programs under the same service name are skipped, never misread).
    pub fn parse_account(account: &str) -> Option<Self> {
        let (path, suffix) = account.rsplit_once('#')?;
        let parts: Vec<&str> = path.split('/').collect();
        let key = match (suffix, parts.as_slice()) {
            ("other", [project, name]) => Self::other(&dec(project)?, &dec(name)?),
            (slot, [project, device, user]) => Self::device(
                &dec(project)?,
                &dec(device)?,
                &dec(user)?,
                Slot::parse(slot)?,
            ),
            _ => return None,
        };
        key.ok()
    }

    /// The label a keyring UI shows for this entry (Seahorse, KeePassXC's Secret Service view).
    pub fn label(&self) -> String {
        format!("Handover: {}", self.account())
    }

    /// Extra Secret Service attributes (besides `service` and `username`, which the store sets itself).
    pub fn attributes(&self) -> HashMap<&'static str, String> {
        let mut map = HashMap::new();
        map.insert("project", self.project_id.clone());
        match &self.kind {
            EntryKind::Device {
                device_id,
                username,
                slot,
            } => {
                map.insert("kind", "device".to_owned());
                map.insert("device", device_id.clone());
                map.insert("user", username.clone());
                map.insert("slot", slot.as_str().to_owned());
            }
            EntryKind::Other { name } => {
                map.insert("kind", "other".to_owned());
                map.insert("name", name.clone());
                map.insert("slot", "other".to_owned());
            }
        }
        map
    }
}

impl fmt::Display for EntryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.account())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_roundtrip(key: EntryKey, account: &str) {
        assert_eq!(key.account(), account);
        assert_eq!(EntryKey::parse_account(account), Some(key));
    }

    #[test]
    fn account_strings_are_readable_and_parse_back() {
        check_roundtrip(
            EntryKey::device("site-7", "cam-12", "admin", Slot::Pending).unwrap(),
            "site-7/cam-12/admin#pending",
        );
        check_roundtrip(
            EntryKey::device("p", "d", "u", Slot::Current).unwrap(),
            "p/d/u#current",
        );
        check_roundtrip(
            EntryKey::device("p", "d", "u", Slot::Previous).unwrap(),
            "p/d/u#previous",
        );
        check_roundtrip(
            EntryKey::other("site-7", "report-signing-key").unwrap(),
            "site-7/report-signing-key#other",
        );
        // Separators inside components are escaped and survive.
        check_roundtrip(
            EntryKey::device("a/b", "c#d", "e%f g", Slot::Current).unwrap(),
            "a%2Fb/c%23d/e%25f g#current",
        );
    }

    #[test]
    fn foreign_accounts_are_not_misread() {
        for s in [
            "",
            "admin",
            "p/d/u",
            "p/d/u#bogus",
            "p/d#current",
            "p/d/u/x#current",
            "p#other",
            "/d/u#current",
        ] {
            assert_eq!(EntryKey::parse_account(s), None, "{s}");
        }
    }

    #[test]
    fn components_are_validated() {
        let err = EntryKey::device("", "d", "u", Slot::Current).unwrap_err();
        assert!(err.to_string().contains("project id"), "{err}");
        let long = "x".repeat(MAX_COMPONENT_LEN + 1);
        assert!(EntryKey::other("p", &long).is_err());
        assert!(EntryKey::other("p", &"x".repeat(MAX_COMPONENT_LEN)).is_ok());
    }

    #[test]
    fn attributes_name_project_device_user_slot() {
        let key = EntryKey::device("p1", "d1", "admin", Slot::Pending).unwrap();
        let attrs = key.attributes();
        assert_eq!(attrs["project"], "p1");
        assert_eq!(attrs["device"], "d1");
        assert_eq!(attrs["user"], "admin");
        assert_eq!(attrs["slot"], "pending");
        assert_eq!(
            key.with_slot(Slot::Current).unwrap().slot(),
            Some(Slot::Current)
        );
        assert_eq!(
            EntryKey::other("p", "n").unwrap().with_slot(Slot::Current),
            None
        );
    }
}
