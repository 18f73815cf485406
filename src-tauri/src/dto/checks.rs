//! Checks screen shapes: findings with their waiver, a checks run's summary, a waive request.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use handover_engine::model::{Finding, Waiver};

/// A waiver.
#[derive(Debug, Clone, Serialize, TS)]
pub struct WaiverDto {
    /// The reason given.
    pub reason: String,
    /// Who waived.
    pub by: String,
    /// When (RFC 3339).
    pub at: String,
    /// Who on the customer's side accepted the risk (none: not approved by the customer).
    pub approver: Option<String>,
    /// The last day it holds, `YYYY-MM-DD` (none: no expiry).
    pub expires: Option<String>,
}

impl From<&Waiver> for WaiverDto {
    fn from(w: &Waiver) -> Self {
        WaiverDto {
            reason: w.reason.clone(),
            by: w.by.clone(),
            at: super::rfc3339(w.at),
            approver: w.approver.clone(),
            expires: w.expires.clone(),
        }
    }
}

/// A finding.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FindingDto {
    /// Finding id.
    #[ts(type = "number")]
    pub id: i64,
    /// Device id.
    #[ts(type = "number")]
    pub device: i64,
    /// The device's label, for lists.
    pub device_label: String,
    /// Check id, e.g. "firmware.outdated".
    pub check: String,
    /// critical, high, medium, low or info.
    pub severity: String,
    /// One line.
    pub title: String,
    /// What was seen.
    pub evidence: String,
    /// Standard clauses, e.g. "ETSI EN 303 645 5.1-1".
    pub clauses: Vec<String>,
    /// open, fixed or waived.
    pub status: String,
    /// The waiver, when waived.
    pub waiver: Option<WaiverDto>,
    /// Open, and Handover can fix it on the device (only then is "Fix…" offered).
    pub fixable: bool,
}

impl FindingDto {
    /// Builds the DTO; `label` names the device, `waivers` are the project's, `fixable` says whether the engine
    /// has a fix for it now.
    pub fn new(f: &Finding, label: String, waivers: &[Waiver], fixable: bool) -> Self {
        FindingDto {
            id: f.id.0,
            device: f.device.0,
            device_label: label,
            check: f.check.clone(),
            severity: f.severity.to_string(),
            title: f.title.clone(),
            evidence: f.evidence.clone(),
            clauses: f
                .clauses
                .iter()
                .map(|c| format!("{} {}", c.standard, c.clause))
                .collect(),
            status: f.status.to_string(),
            waiver: waivers
                .iter()
                .rfind(|w| w.finding == f.id)
                .map(WaiverDto::from),
            fixable,
        }
    }
}

/// What a checks run did.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct CheckSummaryDto {
    /// Devices evaluated.
    #[ts(type = "number")]
    pub devices: usize,
    /// Open findings by severity.
    #[ts(type = "Record<string, number>")]
    pub open_by_severity: BTreeMap<String, usize>,
    /// New findings.
    #[ts(type = "number")]
    pub new: usize,
    /// Findings marked fixed.
    #[ts(type = "number")]
    pub fixed: usize,
}

/// Run the checks as a job.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct JobRequest {
    /// The job id (the front end's choice; used to cancel and to match progress events).
    pub job: String,
}

/// Waive a finding.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct WaiveRequest {
    /// Finding id.
    #[ts(type = "number")]
    pub id: i64,
    /// Why it is acceptable (recorded with who and when).
    pub reason: String,
    /// Who on the customer's side accepts the risk (blank or absent: not approved yet).
    #[serde(default)]
    pub approver: Option<String>,
    /// The last day the waiver holds, `YYYY-MM-DD` (blank or absent: no expiry).
    #[serde(default)]
    pub expires: Option<String>,
}

impl WaiveRequest {
    /// The engine's terms; a blank approver or expiry means none was given.
    pub fn terms(&self) -> handover_engine::WaiverTerms {
        waiver_terms(&self.reason, &self.approver, &self.expires)
    }
}

/// The engine's waiver terms from the form's fields; blank optional fields are absent.
pub fn waiver_terms(
    reason: &str,
    approver: &Option<String>,
    expires: &Option<String>,
) -> handover_engine::WaiverTerms {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    handover_engine::WaiverTerms {
        reason: reason.to_owned(),
        approver: given(approver),
        expires: given(expires),
    }
}

/// A finding id sent by the front end.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct FindingRequest {
    /// Finding id.
    #[ts(type = "number")]
    pub id: i64,
}

/// What fixing a finding on the spot would do (shown before the technician confirms).
#[derive(Debug, Clone, Serialize, TS)]
pub struct FixPreview {
    /// Finding id.
    #[ts(type = "number")]
    pub id: i64,
    /// Whether Handover can fix it on the device.
    pub available: bool,
    /// The action, in words (or why not).
    pub description: String,
}

/// What a fix did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FixOutcomeDto {
    /// The finding.
    pub finding: String,
    /// The action, in words.
    pub description: String,
    /// What was read back from the device afterwards.
    pub read_back: String,
}
