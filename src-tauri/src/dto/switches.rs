//! Switches panel shapes: a managed switch to add (its SNMP secrets travel only towards the backend, with a
//! redacted `Debug`), the switches in the project (no secret), and what asking them found.

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Add (or update) a managed switch. SNMPv2c when `v3_user` is empty (`community` is used), else SNMPv3
/// authPriv (SHA-256 / AES-128) with `auth` and `privacy`.
#[derive(Clone, Deserialize, TS)]
pub struct AddSwitchRequest {
    /// The switch's name for people.
    pub name: String,
    /// Its SNMP address, `10.0.0.2:161`.
    pub address: String,
    /// SNMPv3 user; empty or absent for SNMPv2c.
    pub v3_user: Option<String>,
    /// SNMPv2c community (becomes a `Secret` at once; never logged, never sent back).
    pub community: String,
    /// SNMPv3 authentication password.
    pub auth: String,
    /// SNMPv3 privacy password.
    pub privacy: String,
}

impl fmt::Debug for AddSwitchRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AddSwitchRequest")
            .field("name", &self.name)
            .field("address", &self.address)
            .field("v3_user", &self.v3_user)
            .finish_non_exhaustive()
    }
}

/// A managed switch in the project (its credentials stay sealed in the project).
#[derive(Debug, Clone, Serialize, TS)]
pub struct SwitchDto {
    /// Name.
    pub name: String,
    /// SNMP address.
    pub address: String,
    /// `v2c` or `v3`.
    pub version: String,
    /// SNMPv3 user, if any.
    pub v3_user: Option<String>,
}

/// One switch that did not answer, and why.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SwitchFailureDto {
    /// The switch's name.
    pub name: String,
    /// Why.
    pub why: String,
}

/// What asking the switches found.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SwitchQueryDto {
    /// Switches that answered.
    #[ts(type = "number")]
    pub answered: usize,
    /// Switches that did not.
    pub failed: Vec<SwitchFailureDto>,
    /// Devices whose MAC a switch had learned (their port is now in the project).
    #[ts(type = "number")]
    pub located: usize,
    /// Devices with a MAC that no switch had learned.
    #[ts(type = "number")]
    pub not_seen: usize,
}
