//! Devices screen shapes: one row per device with a status per step (identified, credentials, firmware,
//! placement, services), and the detail panel with the evidence behind each.
//!
//! The step states and the evidence rows are the engine's (`handover_engine::view`); this module only shapes
//! them for the IPC.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use handover_engine::model::{CredentialRef, Device, Finding, FindingStatus, Plan};

use super::checks::FindingDto;

pub use handover_engine::view::{Fact, StepState, Steps, facts, steps};

/// One row of the device grid.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DeviceRow {
    /// Device id.
    #[ts(type = "number")]
    pub id: i64,
    /// The device's name as people see it everywhere: the technician's, else its ONVIF name, host name, maker
    /// and model, or address (`Device::name` in the engine).
    pub label: String,
    /// Where it is (the technician's location, else the device's `location` scope).
    pub location: Option<String>,
    /// Whether the technician named it (rather than the device itself).
    pub named: bool,
    /// IP address.
    pub address: String,
    /// MAC address.
    pub mac: Option<String>,
    /// Role.
    pub role: Option<String>,
    /// Maker.
    pub manufacturer: Option<String>,
    /// Model.
    pub model: Option<String>,
    /// Firmware version.
    pub firmware: Option<String>,
    /// The planned VLAN whose subnet holds the address.
    pub vlan: Option<u16>,
    /// Open findings.
    #[ts(type = "number")]
    pub open_findings: usize,
    /// Step states.
    pub steps: Steps,
}

/// A credential reference (never the secret).
#[derive(Debug, Clone, Serialize, TS)]
pub struct CredentialDto {
    /// Device id.
    #[ts(type = "number")]
    pub device: i64,
    /// Account name.
    pub username: String,
    /// unknown, factory-default, technician-supplied or rotated.
    pub state: String,
    /// Which default matched, if any.
    pub matched_default: Option<String>,
    /// When it was rotated.
    pub rotated_at: Option<String>,
    /// Who rotated it.
    pub rotated_by: Option<String>,
}

impl From<&CredentialRef> for CredentialDto {
    fn from(c: &CredentialRef) -> Self {
        CredentialDto {
            device: c.device.0,
            username: c.username.clone(),
            state: c.state.to_string(),
            matched_default: c.matched_default.clone(),
            rotated_at: c.rotated_at.map(super::rfc3339),
            rotated_by: c.rotated_by.clone(),
        }
    }
}

/// The detail panel.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DeviceDetail {
    /// The grid row.
    pub row: DeviceRow,
    /// Evidence, step by step.
    pub facts: Vec<Fact>,
    /// SHA-256 of the TLS certificate pinned for the device, if any.
    pub tls_pinned: Option<String>,
    /// Credential references.
    pub credentials: Vec<CredentialDto>,
    /// Findings about the device.
    pub findings: Vec<FindingDto>,
    /// First seen (RFC 3339).
    pub first_seen: String,
    /// Last seen (RFC 3339).
    pub last_seen: String,
}

/// A new name and/or location for a device, sent by the front end: `None` leaves that part as it is, an
/// empty string gives the device back the one it announces.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct RenameRequest {
    /// Device id.
    #[ts(type = "number")]
    pub id: i64,
    /// The new name.
    pub name: Option<String>,
    /// The new location.
    pub location: Option<String>,
}

/// A device id sent by the front end.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct DeviceRequest {
    /// Device id.
    #[ts(type = "number")]
    pub id: i64,
}

/// Add a device by address and identify it, as a job.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct AddDeviceRequest {
    /// The job id (used to cancel and to match progress events).
    pub job: String,
    /// An IP address, `host:port`, or the device service URL.
    pub address: String,
}

/// A labels row that named no device Handover knows.
#[derive(Debug, Clone, Serialize, TS)]
pub struct UnmatchedLabelDto {
    /// The line in the file.
    #[ts(type = "number")]
    pub line: usize,
    /// The key it gave (MAC, serial or address).
    pub key: String,
}

/// What importing a labels CSV did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LabelsOutcomeDto {
    /// Rows that matched a device.
    #[ts(type = "number")]
    pub matched: usize,
    /// Devices whose name or location changed.
    #[ts(type = "number")]
    pub changed: usize,
    /// Rows that named no known device.
    pub unmatched: Vec<UnmatchedLabelDto>,
}

/// A grid row for `d`, given all findings and credentials of the project.
pub fn row(d: &Device, plan: &Plan, findings: &[Finding], creds: &[CredentialRef]) -> DeviceRow {
    let mine: Vec<&Finding> = findings.iter().filter(|x| x.device == d.id).collect();
    let my_creds: Vec<&CredentialRef> = creds.iter().filter(|c| c.device == d.id).collect();
    let f = &d.facts;
    DeviceRow {
        id: d.id.0,
        label: d.name(),
        location: d.location(),
        named: d.named_by_technician(),
        address: d.address.to_string(),
        mac: d.identity.mac.map(|m| m.to_string()),
        role: d.role.as_ref().map(ToString::to_string),
        manufacturer: f.manufacturer.clone(),
        model: f.model.clone(),
        firmware: f.firmware.clone(),
        vlan: plan.vlan_for_address(d.address).map(|v| v.id),
        open_findings: mine
            .iter()
            .filter(|x| x.status == FindingStatus::Open)
            .count(),
        steps: steps(d, &mine, &my_creds),
    }
}

/// Which account's password to copy ("Copy password" in a device's details).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct CopyPasswordRequest {
    /// Device id.
    #[ts(type = "number")]
    pub device: i64,
    /// The account; the device's administrator when omitted.
    pub user: Option<String>,
}

/// A password put on the clipboard (never the password itself).
#[derive(Debug, Clone, Serialize, TS)]
pub struct CopiedDto {
    /// Whose password it is.
    pub username: String,
    /// The clipboard is cleared this many seconds from now, if it still holds the password.
    pub clears_in_secs: u32,
}

/// Where a device's web page is, as opened.
#[derive(Debug, Clone, Serialize, TS)]
pub struct WebPageDto {
    /// The address opened.
    pub url: String,
    /// Over HTTPS.
    pub secure: bool,
    /// The certificate Handover pinned (SHA-256), to compare with what the browser shows.
    pub certificate: Option<String>,
}
