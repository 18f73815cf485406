//! The checks workflow: evaluate every device against the plan and catalogs, raise new findings, refresh
//! existing ones, and mark fixed those whose check passes now.

use std::collections::BTreeMap;

use serde::Serialize;

use handover_model::{DeviceId, FindingStatus, Severity};
use handover_policy::Catalogs;
use handover_policy::checks::{Context, Settings, evaluate};
use handover_store::findings::NewFinding;

use crate::error::Result;
use crate::progress::{ProgressFn, Reporter, Step};
use crate::session::Session;

/// What a checks run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckSummary {
    /// Devices evaluated.
    pub devices: usize,
    /// Findings now open, by severity.
    pub open_by_severity: BTreeMap<String, usize>,
    /// Findings raised for the first time in this run.
    pub new: usize,
    /// Findings marked fixed because their check passes now.
    pub fixed: usize,
}

impl Session {
    /// Runs every check on the given devices (all when `only` is empty).
    pub fn run_checks(&self, only: &[DeviceId], settings: &Settings) -> Result<CheckSummary> {
        self.run_checks_in(only, &self.catalogs_in_use()?, settings)
    }

    /// [`run_checks`](Self::run_checks) with the catalogs a workflow already loaded.
    pub(crate) fn run_checks_in(
        &self,
        only: &[DeviceId],
        catalogs: &Catalogs,
        settings: &Settings,
    ) -> Result<CheckSummary> {
        let never = tokio_util::sync::CancellationToken::new();
        self.checks_over(only, catalogs, settings, &never, &crate::progress::silent())
    }

    /// [`run_checks`](Self::run_checks), reporting each device as it is done and stopping at `cancel` between
    /// devices (what was checked before is kept; the summary counts it).
    pub fn run_checks_with(
        &self,
        only: &[DeviceId],
        settings: &Settings,
        cancel: &tokio_util::sync::CancellationToken,
        progress: &ProgressFn,
    ) -> Result<CheckSummary> {
        self.checks_over(only, &self.catalogs_in_use()?, settings, cancel, progress)
    }

    fn checks_over(
        &self,
        only: &[DeviceId],
        catalogs: &Catalogs,
        settings: &Settings,
        cancel: &tokio_util::sync::CancellationToken,
        progress: &ProgressFn,
    ) -> Result<CheckSummary> {
        let plan = self.project().plan()?;
        let credentials = self.project().credentials()?;
        let devices: Vec<_> = self
            .project()
            .devices()?
            .into_iter()
            .filter(|d| only.is_empty() || only.contains(&d.id))
            .collect();
        let actor = self.actor().clone();
        let mut summary = CheckSummary::default();
        // Each device's findings before this run, read once (not once per device).
        let mut existing: BTreeMap<handover_model::DeviceId, Vec<handover_model::Finding>> =
            BTreeMap::new();
        let listed = self.project().findings()?;
        for f in listed {
            existing.entry(f.device).or_default().push(f);
        }
        let mut rep = Reporter::new(progress, Step::Check, devices.len());
        for d in &devices {
            if cancel.is_cancelled() {
                break;
            }
            let creds: Vec<_> = credentials
                .iter()
                .filter(|c| c.device == d.id)
                .cloned()
                .collect();
            let ev = evaluate(
                Context {
                    device: d,
                    plan: &plan,
                    credentials: &creds,
                },
                catalogs,
                settings,
            );
            let before = existing.remove(&d.id).unwrap_or_default();
            for r in &ev.raised {
                let is_new = !before.iter().any(|f| f.check == r.check);
                self.project_mut().raise_finding(
                    &NewFinding {
                        device: d.id,
                        check: r.check.to_owned(),
                        severity: r.severity,
                        title: r.title.clone(),
                        evidence: r.evidence.clone(),
                        clauses: r.clauses.clone(),
                    },
                    &actor,
                )?;
                summary.new += usize::from(is_new);
            }
            for f in before.iter().filter(|f| f.status == FindingStatus::Open) {
                let passes = ev.evaluated.contains(&f.check.as_str())
                    && !ev.raised.iter().any(|r| r.check == f.check);
                if passes {
                    self.project_mut().set_finding_status(
                        f.id,
                        FindingStatus::Fixed,
                        "the check passes now",
                        &actor,
                    )?;
                    summary.fixed += 1;
                }
            }
            summary.devices += 1;
            rep.tick(d.name());
        }
        for f in self
            .project()
            .findings()?
            .into_iter()
            .filter(|f| f.status == FindingStatus::Open)
        {
            *summary
                .open_by_severity
                .entry(f.severity.to_string())
                .or_default() += 1;
        }
        Ok(summary)
    }
}

/// Severities from worst to least, for display.
pub const SEVERITY_ORDER: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Info,
];
