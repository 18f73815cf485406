//! Devices screen shapes: one row per device with a status per step (identified, credentials, firmware,
//! placement, services), and the detail panel with the evidence behind each.
//!
//! The step states and the evidence rows are the engine's (`handover_engine::view`); this module only shapes
//! them for the IPC.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use std::collections::HashMap;

use handover_engine::model::{CredentialRef, Device, DeviceId, Finding, FindingStatus, Plan};

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

/// The grid: one row per device, in order. Each row reads only its own device's findings and credentials
/// (grouped once, so thousands of devices cost one pass, not devices × findings), and devices behind one address
/// (an encoder's channels, a NAT) show their service's port (`place::shown_addresses`, the CLI's and the
/// report's rule).
pub fn rows(
    devices: &[Device],
    plan: &Plan,
    findings: Vec<Finding>,
    creds: Vec<CredentialRef>,
) -> Vec<DeviceRow> {
    let mut by_device: HashMap<DeviceId, (Vec<Finding>, Vec<CredentialRef>)> = HashMap::new();
    for f in findings {
        by_device.entry(f.device).or_default().0.push(f);
    }
    for c in creds {
        by_device.entry(c.device).or_default().1.push(c);
    }
    let none = (Vec::new(), Vec::new());
    let addresses = handover_engine::place::shown_addresses(devices);
    devices
        .iter()
        .zip(addresses)
        .map(|(d, address)| {
            let (f, c) = by_device.get(&d.id).unwrap_or(&none);
            DeviceRow {
                address,
                ..row(d, plan, f, c)
            }
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A device as the engine stores it, read from JSON (front ends never build one themselves).
    fn device(id: u32, address: &str, xaddr: &str) -> Device {
        serde_json::from_value(serde_json::json!({
            "id": format!("D{id}"),
            "identity": {},
            "address": address,
            "role": null,
            "found_by": [],
            "facts": { "xaddr": xaddr, "model": "Encoder" },
            "first_seen": "2026-12-07T10:00:00Z",
            "last_seen": "2026-12-07T10:00:00Z",
        }))
        .expect("a device")
    }

    #[test]
    fn devices_behind_one_address_each_show_their_port_in_the_grid() {
        let devices: Vec<Device> = (0..20)
            .map(|i| {
                let port = 8081 + i;
                device(
                    i + 1,
                    "10.0.0.5",
                    &format!("http://10.0.0.5:{port}/onvif/device_service"),
                )
            })
            .chain([device(
                21,
                "10.0.0.6",
                "http://10.0.0.6:8080/onvif/device_service",
            )])
            .collect();
        let rows = rows(&devices, &Plan::default(), Vec::new(), Vec::new());
        assert_eq!(rows.len(), 21, "no device is dropped");
        let shown: std::collections::BTreeSet<&str> =
            rows[..20].iter().map(|r| r.address.as_str()).collect();
        assert_eq!(shown.len(), 20, "twenty distinct lines: {shown:?}");
        assert_eq!(rows[0].address, "10.0.0.5:8081");
        assert_eq!(rows[19].address, "10.0.0.5:8100");
        assert_eq!(
            rows[20].address, "10.0.0.6",
            "a lone device keeps its bare address"
        );
        assert_eq!(rows[5].id, 6, "rows in the devices' order");
    }
}
