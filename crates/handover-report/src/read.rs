//! Reading a signed handover report back, for whoever receives one: [`read_inventory`] verifies
//! the PDF (the same walk as [`crate::verify()`]) and returns, in one serialisable [`Reading`],
//! the verdict, whether the audit log head the report anchors is the one its twin claims
//! ([`AuditAnchor`]), and the inventory carried in the embedded JSON twin ([`Inventory`]: site,
//! VLANs, devices, findings, waivers). `handover verify --json` prints it and the desktop app's
//! Review screen shows it. Everything comes from a file anyone can hand over, so nothing here
//! panics on it: an unreadable PDF is unsigned, a changed one is changed, and a twin that is
//! missing, too large, undecodable, not JSON or not an inventory is a [`TwinProblem`].
//! Strings in the [`Inventory`] are as the file has them (untrusted); the summary in
//! [`Verification::inventory`] is the printable one.

pub(crate) mod embedded;

use serde::{Deserialize, Serialize, Serializer};
use time::OffsetDateTime;

pub use embedded::TWIN_LIMIT;

use crate::model::{
    CredentialHandover, Device, Finding, FindingStatus, Signer, Site, SubnetDiscovery, Vlan, Waiver,
};
use crate::sign::identity::TrustedCert;
use crate::twin::EMBEDDED_JSON_NAME;
use crate::verify::{InventorySummary, Verdict, Verification, printable};

/// The embedded inventory as read back: the fields [`crate::twin::inventory_json`] writes but
/// `summary` (recomputed from these). Project, time, site, devices and findings are in every
/// twin Handover wrote; the rest default when absent, as in reports from earlier versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inventory {
    /// The schema identifier ([`crate::twin::INVENTORY_SCHEMA`]).
    #[serde(default)]
    pub schema: String,
    /// Project id.
    pub project_id: String,
    /// Generation time as written (RFC 3339).
    pub generated_at: String,
    /// The Handover version that made the report.
    #[serde(default)]
    pub handover_version: String,
    /// The audit log head the report anchors (absent in reports from before the twin carried it).
    #[serde(default)]
    pub audit_log_head: Option<String>,
    /// Site, customer and the people involved.
    pub site: Site,
    /// The planned VLANs.
    #[serde(default)]
    pub vlans: Vec<Vlan>,
    /// Every device handed over.
    pub devices: Vec<Device>,
    /// Findings (open, resolved or waived).
    pub findings: Vec<Finding>,
    /// Waivers accepted for specific findings.
    #[serde(default)]
    pub waivers: Vec<Waiver>,
    /// The signer and the CA to trust, as the report names them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<Signer>,
    /// The accounts held and the export made for IT (never a password).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<CredentialHandover>,
    /// Discovery per subnet.
    #[serde(default)]
    pub discovery: Vec<SubnetDiscovery>,
}

impl Inventory {
    /// Parses a twin: bytes that are not JSON and JSON that is not an inventory are told apart.
    pub fn from_json(bytes: &[u8]) -> Result<Inventory, TwinProblem> {
        serde_json::from_slice(bytes).map_err(|e| match e.classify() {
            serde_json::error::Category::Data => TwinProblem::NotInventory(e),
            _ => TwinProblem::NotJson(e),
        })
    }

    /// The figures `verify` prints, with every string made printable.
    pub fn summary(&self) -> InventorySummary {
        InventorySummary {
            project_id: printable(&self.project_id),
            site: printable(&self.site.name),
            integrator: printable(&self.site.integrator),
            audit_log_head: self.audit_log_head.as_deref().map(printable),
            generated_at: printable(&self.generated_at),
            devices: self.devices.len(),
            vlans: self.vlans.len(),
            open_findings: self
                .findings
                .iter()
                .filter(|f| f.status == FindingStatus::Open)
                .count(),
            waivers: self.waivers.len(),
        }
    }
}

impl Inventory {
    /// Every row of this inventory, for the CSV writers (the Review screen's export): the same schema as
    /// the report's own CSV twins. The date NetBox descriptions carry is read from `generated_at`, or
    /// shown as written when it is not RFC 3339.
    pub fn csv_source(&self) -> crate::twin::CsvSource<'_> {
        let generated_on = OffsetDateTime::parse(
            &self.generated_at,
            &time::format_description::well_known::Rfc3339,
        )
        .map(crate::layout::text::format_date)
        .unwrap_or_else(|_| printable(&self.generated_at));
        crate::twin::CsvSource {
            site: &self.site,
            generated_on,
            vlans: &self.vlans,
            devices: &self.devices,
            findings: &self.findings,
            waivers: &self.waivers,
            keep: None,
        }
    }
}

/// Why a report's embedded inventory could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TwinProblem {
    /// The file is not a PDF lopdf can read, so nothing in it was read.
    #[error("the file is not a readable PDF, so no embedded inventory was read: {0}")]
    NotAPdf(#[source] lopdf::Error),
    /// The PDF embeds no file named [`EMBEDDED_JSON_NAME`].
    #[error("no embedded {EMBEDDED_JSON_NAME}")]
    Missing,
    /// The embedded file decodes to more than `limit` bytes (or would: decoding stops there).
    #[error("the embedded {EMBEDDED_JSON_NAME} is over the {limit}-byte limit, so it was not read")]
    TooLarge {
        /// [`TWIN_LIMIT`].
        limit: usize,
    },
    /// The embedded file's stream cannot be decoded.
    #[error("the embedded {EMBEDDED_JSON_NAME} cannot be decoded: {0}")]
    Undecodable(#[source] lopdf::Error),
    /// The embedded file is not JSON.
    #[error("embedded inventory is not JSON: {0}")]
    NotJson(#[source] serde_json::Error),
    /// The embedded file is JSON, but not a handover inventory.
    #[error("embedded inventory is JSON but not a handover inventory: {0}")]
    NotInventory(#[source] serde_json::Error),
}

impl TwinProblem {
    /// A stable word for the problem, as `--json` shows it.
    pub fn code(&self) -> &'static str {
        match self {
            TwinProblem::NotAPdf(_) => "not_a_pdf",
            TwinProblem::Missing => "missing",
            TwinProblem::TooLarge { .. } => "too_large",
            TwinProblem::Undecodable(_) => "undecodable",
            TwinProblem::NotJson(_) => "not_json",
            TwinProblem::NotInventory(_) => "not_inventory",
        }
    }

    /// The PDF carries no twin at all.
    pub fn is_missing(&self) -> bool {
        matches!(self, TwinProblem::Missing)
    }

    /// The twin was refused for its size.
    pub fn is_too_large(&self) -> bool {
        matches!(self, TwinProblem::TooLarge { .. })
    }
}

/// `{code, message}`, as errors reach front ends elsewhere.
impl Serialize for TwinProblem {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shown<'a> {
            code: &'a str,
            message: String,
        }
        Shown {
            code: self.code(),
            message: printable(&self.to_string()),
        }
        .serialize(s)
    }
}

/// The history anchor: the audit log head printed in the report against the one its twin claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum AuditAnchor {
    /// The printed head is the one the twin claims.
    Anchored {
        /// The head (hex SHA-256).
        head: String,
    },
    /// The printed head is missing or another one than the twin claims: the verdict is changed.
    Differs {
        /// The head the twin claims.
        claimed: String,
        /// The head printed in the method appendix, if one was found.
        printed: Option<String>,
    },
    /// Nothing to compare: the twin names no head (an older report) or could not be read.
    NotCompared,
}

/// A report read back: the verification and the inventory its twin carries.
#[derive(Debug)]
pub struct Reading {
    /// Everything `verify` found (checks, signer, certificate chain, problems).
    pub verification: Verification,
    /// The embedded inventory, read whatever the verdict (the verdict says whether to rely on it).
    pub inventory: Result<Inventory, TwinProblem>,
}

impl Reading {
    /// The overall outcome ([`Verification::verdict`]).
    pub fn verdict(&self) -> Verdict {
        self.verification.verdict()
    }

    /// Whether the audit log head printed in the report is the one its twin claims.
    pub fn audit_anchor(&self) -> AuditAnchor {
        match &self.verification.audit_head {
            Some(h) if h.matches() => AuditAnchor::Anchored {
                head: h.claimed.clone(),
            },
            Some(h) => AuditAnchor::Differs {
                claimed: h.claimed.clone(),
                printed: h.printed.clone(),
            },
            None => AuditAnchor::NotCompared,
        }
    }
}

/// One JSON document: the verdict with its tone, exit status and reason first, then the history
/// anchor, the inventory (or why there is none), and `detail`, the whole [`Verification`].
impl Serialize for Reading {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shown<'a> {
            verdict: Verdict,
            tone: crate::verify::Tone,
            exit_status: u8,
            reason: Option<String>,
            untrusted_because: &'a [String],
            audit_anchor: AuditAnchor,
            inventory: Option<&'a Inventory>,
            inventory_problem: Option<&'a TwinProblem>,
            detail: &'a Verification,
        }
        let verdict = self.verdict();
        Shown {
            verdict,
            tone: verdict.tone(),
            exit_status: verdict.exit_code(),
            reason: self.verification.reason(),
            untrusted_because: &self.verification.untrusted_because,
            audit_anchor: self.audit_anchor(),
            inventory: self.inventory.as_ref().ok(),
            inventory_problem: self.inventory.as_ref().err(),
            detail: &self.verification,
        }
        .serialize(s)
    }
}

/// Verifies a report offline against `trusted` CAs at `now` and reads the inventory it embeds.
pub fn read_inventory(pdf: &[u8], trusted: &[TrustedCert], now: OffsetDateTime) -> Reading {
    let (verification, inventory) = crate::verify::examine(pdf, trusted, now);
    Reading {
        verification,
        inventory,
    }
}
