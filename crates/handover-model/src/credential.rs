//! Credential references: which account of which device Handover holds a secret for, and what became of it.
//! Never the secret itself: that lives only in the OS keyring (or the encrypted export for IT).

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::DeviceId;

/// What Handover knows about an account's password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CredentialState {
    /// No working password is known.
    Unknown,
    /// A factory default works (a finding until rotated).
    FactoryDefault,
    /// The technician typed the working password.
    TechnicianSupplied,
    /// Handover set a new password and proved it.
    Rotated,
    /// A least-privilege account Handover created for a service (e.g. the VMS), with its own password.
    ServiceAccount,
}

impl fmt::Display for CredentialState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CredentialState::Unknown => "unknown",
            CredentialState::FactoryDefault => "factory-default",
            CredentialState::TechnicianSupplied => "technician-supplied",
            CredentialState::Rotated => "rotated",
            CredentialState::ServiceAccount => "service-account",
        })
    }
}

/// A reference to a device account whose secret is in the keyring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialRef {
    /// The device.
    pub device: DeviceId,
    /// The account's user name.
    pub username: String,
    /// What is known about its password.
    pub state: CredentialState,
    /// Which catalog default matched, if one did (e.g. `hikvision admin/12345`), never the password itself.
    pub matched_default: Option<String>,
    /// When it was last rotated.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub rotated_at: Option<OffsetDateTime>,
    /// Who rotated it.
    pub rotated_by: Option<String>,
}
