//! Review screen shapes: a signed handover PDF's verdict, who signed and when, and the embedded inventory
//! and findings for browsing. Built from `handover_report::read_inventory` (verdict and embedded inventory).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The overall outcome, plainly: one of the four verdicts of `handover verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewVerdict {
    /// Valid and trusted (green): the file is as signed, the signer chains to a CA you trust and is the
    /// integrator the report names.
    Trusted,
    /// Intact, but the signer is not trusted or not confirmed (amber): `reasons` says why.
    IntactUntrusted,
    /// Changed or invalid (red): the content no longer matches its signature, or bytes were added after it.
    Changed,
    /// No signature, or not a readable PDF (red).
    NotSigned,
}

/// Verify a report.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ReviewRequest {
    /// The PDF.
    pub path: String,
    /// A PEM file with the CA certificates to trust (e.g. the integrator's CA), if any.
    pub trust_path: Option<String>,
}

/// The signer.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SignerDto {
    /// Subject DN.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// Certificate validity start.
    pub not_before: String,
    /// Certificate validity end.
    pub not_after: String,
    /// SHA-256 fingerprint.
    pub fingerprint: String,
}

/// A device as the report lists it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ReviewDevice {
    /// Device id.
    pub id: String,
    /// Name.
    pub name: String,
    /// VLAN.
    pub vlan_id: u16,
    /// Address.
    pub address: String,
    /// MAC.
    pub mac: String,
    /// Maker.
    pub maker: String,
    /// Model.
    pub model: String,
    /// Serial.
    pub serial: String,
    /// Firmware version.
    pub firmware: String,
    /// compliant, outdated or unknown.
    pub firmware_status: String,
    /// rotated, default_active, externally_managed or unknown.
    pub credential: String,
    /// Placement verified.
    pub placement_verified: bool,
    /// Placement evidence.
    pub placement_evidence: String,
    /// Services, e.g. "443/tcp https".
    pub services: Vec<String>,
    /// SHA-256 of the TLS certificate Handover pinned for the device, if any.
    pub tls_sha256: Option<String>,
}

/// A finding as the report lists it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ReviewFinding {
    /// Finding id.
    pub id: String,
    /// Device id.
    pub device_id: Option<String>,
    /// Severity.
    pub severity: String,
    /// Title.
    pub title: String,
    /// Detail.
    pub detail: String,
    /// Clauses.
    pub clauses: Vec<String>,
    /// open, resolved or waived.
    pub status: String,
    /// The waiver's reason, when waived.
    pub waiver: Option<String>,
}

/// The embedded inventory.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReviewInventory {
    /// Project id.
    pub project_id: String,
    /// Site name.
    pub site: String,
    /// Customer.
    pub customer: String,
    /// Integrator.
    pub integrator: String,
    /// Technician.
    pub technician: String,
    /// Generation time.
    pub generated_at: String,
    /// Devices.
    pub devices: Vec<ReviewDevice>,
    /// Findings.
    pub findings: Vec<ReviewFinding>,
}

/// What the Review screen shows.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReviewDto {
    /// The file.
    pub path: String,
    /// The verdict.
    pub verdict: ReviewVerdict,
    /// The verdict in a sentence.
    pub headline: String,
    /// The signer.
    pub signer: Option<SignerDto>,
    /// When it was signed, as the signature says.
    pub signed_at: Option<String>,
    /// The trusted CA the signer chains to, if any.
    pub trusted_by: Option<String>,
    /// Why the signer is not trusted or not confirmed (amber), each a sentence; empty otherwise.
    pub reasons: Vec<String>,
    /// Every problem found, in order.
    pub problems: Vec<String>,
    /// The embedded inventory (shown also for a bad file, marked as not trustworthy).
    pub inventory: Option<ReviewInventory>,
}

/// Save the rows the reviewer kept as one of the report's own CSV twins (same columns as the files
/// `handover report` writes beside the PDF).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ExportCsvRequest {
    /// The signed report the rows come from.
    pub report: String,
    /// Which twin: devices, NetBox's device import, or findings.
    pub kind: handover_engine::report::CsvKind,
    /// The device ids (finding ids for findings) to keep; every row when absent.
    #[serde(default)]
    pub ids: Option<Vec<String>>,
    /// Where (must end in .csv).
    pub path: String,
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportCsvDto {
    /// The file written.
    pub path: String,
    /// Rows written (besides the header).
    pub rows: usize,
}
