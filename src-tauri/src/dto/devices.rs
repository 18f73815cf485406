//! Devices screen shapes: one row per device with a status per step (identified, credentials, firmware,
//! placement, services), and the detail panel with the evidence behind each.
//!
//! A step's state is derived from what the project holds: the device's facts, its credential references and
//! its findings (by check family: `credentials.*`/`accounts.*`, `firmware.*`, `network.*`, `services.*` and
//! `time.*`). Deriving it here keeps the front end free of domain rules.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use handover_engine::model::{
    CredentialRef, CredentialState, Device, Finding, FindingStatus, Plan,
};

use super::checks::FindingDto;

/// Where one step stands for one device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum StepState {
    /// Not done yet (or nothing known).
    Pending,
    /// Done, nothing open.
    Done,
    /// Open findings need a fix or a waiver.
    Attention,
    /// Open findings were waived.
    Waived,
}

/// The five steps.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Steps {
    /// Maker and model known.
    pub identified: StepState,
    /// Credentials in custody.
    pub credentials: StepState,
    /// Firmware checked.
    pub firmware: StepState,
    /// On the planned VLAN.
    pub placement: StepState,
    /// Services and time.
    pub services: StepState,
}

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

/// One fact shown in the detail panel.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Fact {
    /// Which step it is evidence for.
    pub step: String,
    /// What it is.
    pub name: String,
    /// The value as read.
    pub value: String,
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

fn family_state(findings: &[&Finding], prefixes: &[&str], evidence: bool) -> StepState {
    let mine: Vec<_> = findings
        .iter()
        .filter(|f| prefixes.iter().any(|p| f.check.starts_with(p)))
        .collect();
    if mine.iter().any(|f| f.status == FindingStatus::Open) {
        StepState::Attention
    } else if mine.iter().any(|f| f.status == FindingStatus::Waived) {
        StepState::Waived
    } else if evidence {
        StepState::Done
    } else {
        StepState::Pending
    }
}

/// The step states of one device.
pub fn steps(d: &Device, findings: &[&Finding], creds: &[&CredentialRef]) -> Steps {
    let f = &d.facts;
    let identified = if f.manufacturer.is_some() && f.model.is_some() {
        StepState::Done
    } else {
        StepState::Pending
    };
    let in_custody = !creds.is_empty()
        && creds.iter().all(|c| {
            matches!(
                c.state,
                CredentialState::Rotated | CredentialState::TechnicianSupplied
            )
        });
    Steps {
        identified,
        credentials: family_state(findings, &["credentials.", "accounts."], in_custody),
        firmware: family_state(findings, &["firmware."], f.firmware.is_some()),
        placement: family_state(
            findings,
            &["network."],
            f.switch_port.is_some() || !f.gateways.is_empty(),
        ),
        services: family_state(
            findings,
            &["services.", "time."],
            !f.protocols.is_empty() || f.ntp_enabled.is_some(),
        ),
    }
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

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "not read".into())
}

fn list<T: ToString>(v: &[T]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The evidence rows of the detail panel.
pub fn facts(d: &Device) -> Vec<Fact> {
    let f = &d.facts;
    let fact = |step: &str, name: &str, value: String| Fact {
        step: step.into(),
        name: name.into(),
        value,
    };
    let mut out = vec![
        fact("identified", "Manufacturer", opt(&f.manufacturer)),
        fact("identified", "Model", opt(&f.model)),
        fact("identified", "Serial", opt(&d.identity.serial)),
        fact(
            "identified",
            "MAC",
            d.identity
                .mac
                .map_or_else(|| "not read".into(), |m| m.to_string()),
        ),
        fact(
            "identified",
            "Found by",
            list(&d.found_by.iter().collect::<Vec<_>>()),
        ),
        fact("firmware", "Firmware", opt(&f.firmware)),
        fact("placement", "Address", d.address.to_string()),
        fact(
            "placement",
            "DHCP",
            f.dhcp.map_or("not read".into(), |b| b.to_string()),
        ),
        fact("placement", "Gateways", list(&f.gateways)),
        fact("placement", "DNS", list(&f.dns)),
    ];
    if let Some(p) = &f.switch_port {
        out.push(fact(
            "placement",
            "Switch port",
            format!("{} port {}, VLAN {}", p.switch, p.port, p.vlan),
        ));
    }
    out.push(fact("services", "Protocols", list(&f.protocols)));
    if let Some(fp) = &f.tls_fingerprint {
        out.push(fact(
            "services",
            "TLS certificate (pinned)",
            format!("SHA-256 {fp}"),
        ));
    }
    out.push(fact(
        "services",
        "NTP",
        match f.ntp_enabled {
            Some(true) => format!("on: {}", list(&f.ntp)),
            Some(false) => "off".into(),
            None => "not read".into(),
        },
    ));
    if let Some(ms) = f.clock_skew_ms {
        out.push(fact("services", "Clock skew", format!("{ms} ms")));
    }
    out.push(fact(
        "credentials",
        "Accounts on device",
        list(
            &f.users
                .iter()
                .map(|u| format!("{} ({})", u.username, u.level))
                .collect::<Vec<_>>(),
        ),
    ));
    out
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
