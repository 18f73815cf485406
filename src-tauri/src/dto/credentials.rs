//! Credentials screen shapes: where custody stands per device, the outcome of each custody run (find defaults,
//! rotate, recover), a technician-supplied password, the KeePass export for IT, and a device's accounts.
//!
//! Passwords only travel towards the backend, in the two requests that need one ([`SetCredentialRequest`],
//! [`ExportRequest`]); their `Debug` is redacted, and no response ever carries a secret.

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Custody of one device's password.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CustodyRow {
    /// Device id.
    #[ts(type = "number")]
    pub device: i64,
    /// The device's name for people.
    pub label: String,
    /// IP address.
    pub address: String,
    /// Maker, when known.
    pub manufacturer: Option<String>,
    /// The account Handover works with, once known.
    pub account: Option<String>,
    /// `none` (not tried yet), `unknown`, `factory-default`, `technician-supplied`, `rotated`,
    /// `service-account`.
    pub state: String,
    /// Which catalog default matched, if one did.
    pub matched_default: Option<String>,
    /// When it was rotated (RFC 3339).
    pub rotated_at: Option<String>,
    /// Who rotated it.
    pub rotated_by: Option<String>,
    /// Whether the device has an ONVIF address Handover can talk to.
    pub reachable: bool,
}

/// The Credentials screen's table and what is left to settle.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CustodyOverview {
    /// One row per device.
    pub rows: Vec<CustodyRow>,
    /// Rotations a crash or a silent device left unsettled (run Recover).
    #[ts(type = "number")]
    pub unsettled: usize,
}

/// A custody run over some devices (empty: every device it applies to).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct CustodyJobRequest {
    /// The job id (to cancel and to match progress events).
    pub job: String,
    /// Device ids; empty for all.
    #[ts(type = "Array<number>")]
    pub devices: Vec<i64>,
    /// Rotation only: the technician accepted that devices offering no working HTTPS get their new password over
    /// plain HTTP for this run (audited). Absent: such devices are left untouched.
    #[serde(default)]
    #[ts(optional)]
    pub allow_plain_http: Option<bool>,
}

/// One device's outcome in a run (never a secret).
#[derive(Debug, Clone, Serialize, TS)]
pub struct OutcomeDto {
    /// Device id (0 when the engine named no device).
    #[ts(type = "number")]
    pub device: i64,
    /// The device's name for people.
    pub label: String,
    /// Short code, e.g. `default-found`, `rotated`, `rolled-back`, `unsettled`, `unknown`, `locked-out`.
    pub outcome: String,
    /// What happened and what to do.
    pub detail: String,
}

/// What a find-defaults run did.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct FindDefaultsDto {
    /// Devices where a factory default works (to be rotated now).
    #[ts(type = "number")]
    pub defaults_found: usize,
    /// Devices whose password Handover already held.
    #[ts(type = "number")]
    pub already_held: usize,
    /// Devices that refused the password Handover held (reset to factory settings, or changed by someone).
    #[ts(type = "number")]
    pub held_refused: usize,
    /// Devices where no default worked: enter the password.
    #[ts(type = "number")]
    pub unknown: usize,
    /// Devices needing vendor activation.
    #[ts(type = "number")]
    pub factory_new: usize,
    /// Failed attempts in all (each below the device's lockout threshold).
    #[ts(type = "number")]
    pub failed_attempts: u32,
    /// Per device.
    pub outcomes: Vec<OutcomeDto>,
}

/// What a rotation run did.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct RotateDto {
    /// Devices now on a new, proven password.
    #[ts(type = "number")]
    pub rotated: usize,
    /// Devices skipped (nothing held, or already rotated).
    #[ts(type = "number")]
    pub skipped: usize,
    /// Devices that refused the change and keep their old password (still held).
    #[ts(type = "number")]
    pub rolled_back: usize,
    /// Devices that did not answer: run Recover when they are back.
    #[ts(type = "number")]
    pub unsettled: usize,
    /// Accounts where nothing was sent (identity not re-proven, certificate changed, HTTPS needed).
    #[ts(type = "number")]
    pub refused: usize,
    /// Accounts the device cannot change over ONVIF (it does not support SetUser): changed with the vendor's
    /// tool or web page, then given to Handover with "Set password".
    #[ts(type = "number")]
    pub cannot_rotate: usize,
    /// Of those, accounts still on a factory default.
    #[ts(type = "number")]
    pub cannot_rotate_default: usize,
    /// Accounts where the run failed before anything was sent.
    #[ts(type = "number")]
    pub failed: usize,
    /// Per device.
    pub outcomes: Vec<OutcomeDto>,
}

/// What recovery did.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct RecoverDto {
    /// Settled on the new password.
    #[ts(type = "number")]
    pub on_new: usize,
    /// Settled on the old password.
    #[ts(type = "number")]
    pub on_old: usize,
    /// Still unsettled (device unreachable); nothing was discarded.
    #[ts(type = "number")]
    pub still_unsettled: usize,
    /// Journal entries closed.
    #[ts(type = "number")]
    pub journal_closed: usize,
    /// Per device.
    pub outcomes: Vec<OutcomeDto>,
}

/// A password the technician knows for a device; proven on the device before it is kept.
#[derive(Clone, Deserialize, TS)]
pub struct SetCredentialRequest {
    /// Device id.
    #[ts(type = "number")]
    pub device: i64,
    /// The account.
    pub user: String,
    /// The password (becomes a `Secret` at once; never logged).
    pub password: String,
}

impl fmt::Debug for SetCredentialRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetCredentialRequest")
            .field("device", &self.device)
            .field("user", &self.user)
            .field("password", &"[redacted]")
            .finish()
    }
}

/// The KeePass export for IT: where, and its password typed twice.
#[derive(Clone, Deserialize, TS)]
pub struct ExportRequest {
    /// The .kdbx file to write.
    pub path: String,
    /// The file's password.
    pub password: String,
    /// The same again.
    pub confirm: String,
}

impl fmt::Debug for ExportRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExportRequest")
            .field("path", &self.path)
            .field("password", &"[redacted]")
            .field("confirm", &"[redacted]")
            .finish()
    }
}

/// What the export wrote.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportOutcomeDto {
    /// The file.
    pub path: String,
    /// Accounts written.
    #[ts(type = "number")]
    pub accounts: usize,
}

/// One account on a device, as the device lists it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AccountDto {
    /// User name.
    pub username: String,
    /// ONVIF level: Administrator, Operator, User, ...
    pub level: String,
    /// Handover holds its password.
    pub held: bool,
    /// An administrator Handover does not hold (the checks raise it).
    pub extra_admin: bool,
    /// A name from the vendor's factory defaults that Handover does not hold.
    pub factory_name: bool,
}

impl From<handover_engine::view::Account> for AccountDto {
    fn from(a: handover_engine::view::Account) -> Self {
        AccountDto {
            username: a.username,
            level: a.level,
            held: a.held,
            extra_admin: a.extra_admin,
            factory_name: a.factory_name,
        }
    }
}

/// The accounts on a device.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AccountsDto {
    /// Device id.
    #[ts(type = "number")]
    pub device: i64,
    /// The device's name for people.
    pub label: String,
    /// The accounts, as read from the device just now.
    pub accounts: Vec<AccountDto>,
}

/// An account on a device (remove it, or create it as the VMS's account).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct AccountRequest {
    /// Device id.
    #[ts(type = "number")]
    pub device: i64,
    /// The account.
    pub user: String,
}
