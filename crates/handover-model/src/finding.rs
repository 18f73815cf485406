//! Findings (what a check found wrong, with evidence and the standard clauses it maps to) and waivers.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::{DeviceId, FindingId};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Should be fixed.
    Low,
    /// Must be fixed or waived before handover.
    Medium,
    /// An open door.
    High,
    /// Known to be exploited.
    Critical,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        })
    }
}

/// A clause of a standard a check maps to, e.g. `ETSI EN 303 645 5.1-1` or `NIST IR 8259A Logical access`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Clause {
    /// The standard, e.g. `ETSI EN 303 645`.
    pub standard: String,
    /// The clause within it, e.g. `5.1-1`.
    pub clause: String,
}

/// Where a finding stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingStatus {
    /// Still to be fixed or waived.
    Open,
    /// Fixed, and the fix was read back.
    Fixed,
    /// Accepted by the technician with a reason.
    Waived,
}

impl fmt::Display for FindingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FindingStatus::Open => "open",
            FindingStatus::Fixed => "fixed",
            FindingStatus::Waived => "waived",
        })
    }
}

/// What a check found about one device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The id inside this project.
    pub id: FindingId,
    /// The device it is about.
    pub device: DeviceId,
    /// The check that raised it, e.g. `firmware.outdated`.
    pub check: String,
    /// How bad it is.
    pub severity: Severity,
    /// One line for people.
    pub title: String,
    /// What was observed, for the report.
    pub evidence: String,
    /// The standard clauses it maps to.
    pub clauses: Vec<Clause>,
    /// Where it stands.
    pub status: FindingStatus,
}

/// A finding accepted with a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiver {
    /// The finding waived.
    pub finding: FindingId,
    /// Why.
    pub reason: String,
    /// Who waived it.
    pub by: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Who on the customer's side accepted the risk (name and role), when one was named.
    #[serde(default)]
    pub approver: Option<String>,
    /// Until when the waiver holds (an ISO 8601 date `YYYY-MM-DD`), when limited.
    #[serde(default)]
    pub expires: Option<String>,
}
