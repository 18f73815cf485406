//! The report model: plain serde structs the engine fills from the project file and hands
//! to [`crate::render()`]. It is a *view* of a finished handover, not the domain model: every
//! field is already a display-ready fact. There is deliberately no field that could hold a
//! secret (passwords, keys, tokens): the PDF and the JSON/CSV twins are built from this
//! model alone, so nothing secret can leak into them. Timestamps are UTC
//! [`OffsetDateTime`]s serialized as RFC 3339.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Everything one handover report shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportModel {
    /// The project's id (printed on the cover, in footers and in the twins).
    pub project_id: String,
    /// When the report was generated (the injected clock; also the PDF's creation date).
    #[serde(with = "time::serde::rfc3339")]
    pub generated_at: OffsetDateTime,
    /// Site, customer and the people involved.
    pub site: Site,
    /// The planned VLANs; devices refer to them by [`Vlan::id`].
    pub vlans: Vec<Vlan>,
    /// Every device handed over.
    pub devices: Vec<Device>,
    /// Findings (open, resolved or waived).
    pub findings: Vec<Finding>,
    /// Waivers accepted by the customer for specific findings.
    pub waivers: Vec<Waiver>,
    /// Standards clauses and how many devices pass, fail or are waived for each.
    pub standards: Vec<StandardsRow>,
    /// How the facts were gathered (versions, hashes, discovery methods, audit log head).
    pub method: MethodAppendix,
    /// Who signs the report and the CA IT is asked to trust, when a signing identity is used:
    /// printed on the cover so IT can confirm the CA's fingerprint with the integrator by phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<Signer>,
    /// The credential handover: the accounts Handover holds per device, the export made for IT,
    /// and what stays with the integrator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<CredentialHandover>,
    /// Firmware upgrades done on site, oldest first (none: the section is left out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub firmware_upgrades: Vec<FirmwareUpgrade>,
}

/// One firmware upgrade: version before and after, the image, when, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmwareUpgrade {
    /// The device.
    pub device_id: String,
    /// The version before.
    pub from: String,
    /// The version the image installs.
    pub to: String,
    /// What the device reports now, when it was read after the upgrade.
    pub now: Option<String>,
    /// The image's file name.
    pub image: String,
    /// The image's SHA-256.
    pub image_sha256: String,
    /// Why the image was trusted: "signed catalog", or the technician's acceptance with its reason.
    pub approval: String,
    /// When the upgrade started.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// How it ended: "upgraded", "not upgraded", "not settled".
    pub outcome: String,
}

/// The credential handover (never a password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialHandover {
    /// Every account Handover holds a password for.
    pub accounts: Vec<HeldAccount>,
    /// The encrypted export given to IT, when one was made.
    pub export: Option<CredentialExport>,
    /// What stays on the integrator's side and how it is removed.
    pub integrator_side: String,
}

/// One account held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldAccount {
    /// The device.
    pub device_id: String,
    /// User name on the device.
    pub user: String,
    /// ONVIF user level as the device reports it (`Administrator`, `Operator`, `User`), if read.
    pub level: Option<String>,
    /// Custody state label, e.g. "rotated", "factory default", "supplied by the technician".
    pub state: String,
    /// When the password was last changed by Handover.
    #[serde(with = "time::serde::rfc3339::option")]
    pub rotated_at: Option<OffsetDateTime>,
    /// By whom.
    pub rotated_by: Option<String>,
}

/// The KeePass export made for IT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialExport {
    /// File name.
    pub file: String,
    /// SHA-256 of the file as written (hex), when recorded.
    pub sha256: Option<String>,
    /// Entries (accounts) in it.
    pub entries: u32,
    /// When it was written.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// Where a switch saw a device: the as-built layer-2 fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchPortView {
    /// Switch name or address.
    pub switch: String,
    /// Port.
    pub port: String,
    /// The VLAN the switch has the device in.
    pub vlan: u16,
}

/// A host on a planned subnet that answered but could not be identified as a device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnidentifiedHost {
    /// Its address.
    pub address: String,
    /// Why it is not in the inventory, in plain words.
    pub reason: String,
}

/// The signing identity as the cover shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signer {
    /// The signing certificate's subject, e.g. "CN=Ana Lopez, O=Example Security".
    pub subject: String,
    /// The CA certificate's subject (the certificate IT adds to its trust store).
    pub ca_subject: String,
    /// SHA-256 of the CA certificate's DER, as `AB:CD:...` (what `openssl x509 -fingerprint
    /// -sha256` prints).
    pub ca_sha256: String,
}

/// Who is to act on an open finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Owner {
    /// The integrator who handed the system over (their work is not finished).
    Integrator,
    /// The customer's IT (their network, their decision).
    Customer,
}

impl Owner {
    /// Label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Owner::Integrator => "integrator",
            Owner::Customer => "customer IT",
        }
    }
}

/// What was done to settle a finding before handover, as the report groups it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    /// What was done, the same words for every finding fixed the same way, e.g.
    /// "WS-Discovery switched off".
    pub action: String,
    /// When the device's own answer confirmed it (read back).
    #[serde(with = "time::serde::rfc3339")]
    pub read_back_at: OffsetDateTime,
}

/// A part of a device's checks that did not run, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotChecked {
    /// Why, in the customer's words, e.g. "never logged in: the device is not activated".
    pub reason: String,
    /// What was not checked: any of "firmware", "credentials", "placement", "services", "clock".
    pub aspects: Vec<String>,
}

/// Site and the parties to the handover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    /// Site name, e.g. "Northgate Logistics — Warehouse 3".
    pub name: String,
    /// Postal address (free text, may be empty).
    pub address: String,
    /// The customer receiving the system.
    pub customer: String,
    /// The integrator handing it over.
    pub integrator: String,
    /// The technician who did the work.
    pub technician: String,
    /// The customer's IT reviewer, if already known (printed in the sign-off block).
    pub it_reviewer: Option<String>,
}

/// One planned VLAN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vlan {
    /// 802.1Q id.
    pub id: u16,
    /// Name, e.g. "CCTV".
    pub name: String,
    /// Subnet in CIDR notation, e.g. "10.20.0.0/24".
    pub subnet: String,
    /// What belongs on it, e.g. "cameras".
    pub role: String,
}

/// One handed-over device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    /// Stable device id within the project (findings refer to it).
    pub id: String,
    /// Display name: the technician's, else as configured on the device (untrusted text: sanitized when
    /// rendered).
    pub name: String,
    /// Where the device is, when the technician or the device said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The VLAN the device was found on.
    pub vlan_id: u16,
    /// IP address.
    pub address: String,
    /// MAC address, `aa:bb:cc:dd:ee:ff`.
    pub mac: String,
    /// Manufacturer.
    pub maker: String,
    /// Model designation.
    pub model: String,
    /// Serial number.
    pub serial: String,
    /// Firmware version against the catalog baseline.
    pub firmware: Firmware,
    /// What happened to the device's credentials (never the credential itself).
    pub credential: CredentialStatus,
    /// Whether the device sits where the plan says, and the evidence for it.
    pub placement: Placement,
    /// Network services found listening.
    pub services: Vec<Service>,
    /// The device clock.
    pub clock: Clock,
    /// SHA-256 (`AB:CD:...`) of the TLS certificate Handover pinned for the device, when it answered over
    /// HTTPS: IT can pin the same certificate in the VMS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_sha256: Option<String>,
    /// The checks that could not run on this device: shown as "not checked", never as a pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_checked: Option<NotChecked>,
    /// Where the switch saw the device (when a switch was asked and knew its MAC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub switch_port: Option<SwitchPortView>,
    /// Its role in the plan's words, e.g. "camera", "nvr", "access-control" (empty when unknown).
    #[serde(default)]
    pub role: String,
}

impl Device {
    /// True when `aspect` ("firmware", "credentials", "placement", "services", "clock") was not checked.
    pub fn unchecked(&self, aspect: &str) -> bool {
        self.not_checked
            .as_ref()
            .is_some_and(|n| n.aspects.iter().any(|a| a == aspect))
    }
}

/// Firmware version and its compliance with the catalog baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Firmware {
    /// Version reported by the device.
    pub version: String,
    /// Minimum version the catalog asks for, if the catalog knows the model.
    pub baseline: Option<String>,
    /// Verdict.
    pub status: FirmwareStatus,
}

/// Firmware verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FirmwareStatus {
    /// At or above the baseline.
    Compliant,
    /// Below the baseline.
    Outdated,
    /// No baseline known for this model.
    Unknown,
}

/// Credential custody status. Who rotated and when; never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialStatus {
    /// Verdict.
    pub state: CredentialState,
    /// When the credential was rotated, if it was.
    #[serde(with = "time::serde::rfc3339::option")]
    pub rotated_at: Option<OffsetDateTime>,
    /// Who rotated it (technician name or account), if it was.
    pub rotated_by: Option<String>,
    /// The last change crossed the network over plain HTTP: the device offers no working HTTPS and the
    /// technician allowed it. Listed in the report so IT can enable HTTPS and rotate again.
    #[serde(default)]
    pub over_plain_http: bool,
}

/// Credential verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialState {
    /// Factory default replaced by a unique credential held in the vault.
    Rotated,
    /// The factory default still works.
    DefaultActive,
    /// Credentials are managed by the customer or another system.
    ExternallyManaged,
    /// Not checked.
    Unknown,
}

/// Placement verdict with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    /// True when the device sits on its planned VLAN.
    pub verified: bool,
    /// Evidence, e.g. "switch sw-core-1 port Gi1/0/14, PVID 20".
    pub evidence: String,
}

/// A listening network service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// Port number.
    pub port: u16,
    /// "tcp" or "udp".
    pub transport: String,
    /// Protocol name, e.g. "https", "rtsp", "telnet".
    pub name: String,
}

/// The device clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    /// Device clock minus reference clock in seconds, if it could be read.
    pub skew_seconds: Option<i64>,
    /// Configured NTP server, if any.
    pub ntp_server: Option<String>,
}

/// A check outcome that needs attention (or had it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Finding id, e.g. "F-0007".
    pub id: String,
    /// The device concerned, if any.
    pub device_id: Option<String>,
    /// Severity.
    pub severity: Severity,
    /// One-line title.
    pub title: String,
    /// Detail and recommended action.
    pub detail: String,
    /// Standard clauses this finding relates to, e.g. "ETSI 5.1".
    pub clauses: Vec<String>,
    /// Current state.
    pub status: FindingStatus,
    /// The check that raised it, e.g. "firmware.known-exploited" (empty when unknown).
    #[serde(default)]
    pub check: String,
    /// Known-exploited vulnerabilities (CVE ids on the KEV list) behind this finding.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known_exploited: Vec<String>,
    /// What IT should know and what has to happen, in the customer's words (no technician
    /// commands). Empty: the detail says it.
    #[serde(default)]
    pub action: String,
    /// Who is to act (open findings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Owner>,
    /// By when (open findings), an ISO 8601 date "YYYY-MM-DD".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// What was done (resolved findings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
}

/// Finding severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

/// Finding state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    /// Still open at handover.
    Open,
    /// Fixed before handover.
    Resolved,
    /// Accepted by the customer (see the waiver).
    Waived,
}

/// A customer's acceptance of a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiver {
    /// Waiver id.
    pub id: String,
    /// The waived finding.
    pub finding_id: String,
    /// Why it is acceptable.
    pub reason: String,
    /// Who on the customer's side accepted it (empty: nobody there has yet).
    pub approved_by: String,
    /// Who recorded it (the technician).
    #[serde(default)]
    pub recorded_by: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub approved_at: OffsetDateTime,
    /// Until when the waiver holds, if limited.
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
}

/// One row of the standards table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardsRow {
    /// "ETSI EN 303 645" or "NIST IR 8259A".
    pub standard: String,
    /// Clause id, e.g. "5.1".
    pub clause: String,
    /// Clause title, e.g. "No universal default passwords".
    pub title: String,
    /// Devices passing.
    pub passing: u32,
    /// Devices failing.
    pub failing: u32,
    /// Devices whose failure is waived.
    pub waived: u32,
}

/// The method appendix: how the facts were established.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodAppendix {
    /// Handover version that produced the report.
    pub handover_version: String,
    /// Catalogs used, with versions and content hashes.
    pub catalogs: Vec<CatalogRef>,
    /// Discovery per subnet.
    pub discovery: Vec<SubnetDiscovery>,
    /// Head hash of the project's audit log at report time (hex).
    pub audit_log_head: String,
    /// When the work on site started.
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// When the work on site finished.
    #[serde(with = "time::serde::rfc3339")]
    pub finished_at: OffsetDateTime,
}

/// A catalog used for the checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogRef {
    /// Catalog name, e.g. "default-credentials".
    pub name: String,
    /// Its version.
    pub version: String,
    /// SHA-256 of its content, hex.
    pub sha256: String,
}

/// How one subnet was searched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetDiscovery {
    /// Subnet in CIDR notation.
    pub subnet: String,
    /// Methods used, e.g. "WS-Discovery", "unicast sweep".
    pub methods: Vec<String>,
    /// Devices found there.
    pub devices_found: u32,
    /// Why planned devices were not found (one line each), if any.
    pub not_found: Vec<String>,
    /// Hosts that answered on this subnet but could not be identified, with plain reasons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unidentified: Vec<UnidentifiedHost>,
    /// Other hosts that answered with no camera service on the ONVIF ports (not cameras, or
    /// cameras with ONVIF switched off).
    #[serde(default)]
    pub no_camera_service: u32,
}

/// Figures for the executive summary, computed from the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Devices handed over.
    pub devices: u32,
    /// Devices whose factory default credential was replaced.
    pub defaults_removed: u32,
    /// Devices whose firmware meets the baseline.
    pub firmware_compliant: u32,
    /// Devices on their planned VLAN.
    pub placement_verified: u32,
    /// Findings still open.
    pub open_findings: u32,
    /// Open findings per severity: critical, high, medium, low, info.
    #[serde(default)]
    pub open_by_severity: [u32; 5],
    /// Open findings with known-exploited vulnerabilities.
    #[serde(default)]
    pub open_known_exploited: u32,
    /// Hosts on planned subnets that answered but could not be identified.
    #[serde(default)]
    pub unidentified_hosts: u32,
    /// Waivers.
    pub waivers: u32,
}

impl ReportModel {
    /// The executive-summary figures.
    pub fn summary(&self) -> Summary {
        let count =
            |f: &dyn Fn(&Device) -> bool| self.devices.iter().filter(|d| f(d)).count() as u32;
        Summary {
            devices: self.devices.len() as u32,
            defaults_removed: count(&|d| d.credential.state == CredentialState::Rotated),
            firmware_compliant: count(&|d| d.firmware.status == FirmwareStatus::Compliant),
            placement_verified: count(&|d| d.placement.verified),
            open_findings: self
                .findings
                .iter()
                .filter(|f| f.status == FindingStatus::Open)
                .count() as u32,
            open_by_severity: Severity::DESCENDING.map(|sev| {
                self.findings
                    .iter()
                    .filter(|f| f.status == FindingStatus::Open && f.severity == sev)
                    .count() as u32
            }),
            open_known_exploited: self
                .findings
                .iter()
                .filter(|f| f.status == FindingStatus::Open && !f.known_exploited.is_empty())
                .count() as u32,
            waivers: self.waivers.len() as u32,
            unidentified_hosts: self
                .method
                .discovery
                .iter()
                .map(|d| d.unidentified.len() as u32)
                .sum(),
        }
    }

    /// The device with this id, if any.
    pub fn device(&self, id: &str) -> Option<&Device> {
        self.devices.iter().find(|d| d.id == id)
    }
}

impl CredentialState {
    /// The state as the JSON and CSV twins spell it (`default_active`).
    pub fn code(self) -> &'static str {
        match self {
            CredentialState::Rotated => "rotated",
            CredentialState::DefaultActive => "default_active",
            CredentialState::ExternallyManaged => "externally_managed",
            CredentialState::Unknown => "unknown",
        }
    }

    /// Short label for tables: the same word as [`Self::code`], with spaces.
    pub fn label(self) -> &'static str {
        match self {
            CredentialState::Rotated => "rotated",
            CredentialState::DefaultActive => "default active",
            CredentialState::ExternallyManaged => "externally managed",
            CredentialState::Unknown => "unknown",
        }
    }
}

impl FirmwareStatus {
    /// Short label for tables: the same word as the JSON and CSV twins.
    pub fn label(self) -> &'static str {
        match self {
            FirmwareStatus::Compliant => "compliant",
            FirmwareStatus::Outdated => "outdated",
            FirmwareStatus::Unknown => "unknown",
        }
    }
}

impl Severity {
    /// Every severity, the most severe first.
    pub const DESCENDING: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// Label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl FindingStatus {
    /// Label for tables.
    pub fn label(self) -> &'static str {
        match self {
            FindingStatus::Open => "open",
            FindingStatus::Resolved => "resolved",
            FindingStatus::Waived => "waived",
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn summary_counts_match_the_devices() {
        let m = crate::sample::sample_model(200, time::macros::datetime!(2026-11-20 16:30 UTC));
        let s = m.summary();
        assert_eq!(s.devices, 200);
        let rotated = m
            .devices
            .iter()
            .filter(|d| d.credential.state == super::CredentialState::Rotated)
            .count();
        assert_eq!(s.defaults_removed as usize, rotated);
        assert!(
            s.defaults_removed < s.devices,
            "the sample leaves some defaults"
        );
        assert!(s.firmware_compliant < s.devices && s.placement_verified < s.devices);
        let open = m
            .findings
            .iter()
            .filter(|f| f.status == super::FindingStatus::Open)
            .count();
        assert_eq!(s.open_findings as usize, open);
        assert_eq!(s.waivers as usize, m.waivers.len());
    }
}
