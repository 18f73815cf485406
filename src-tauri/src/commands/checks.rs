//! Checks screen: findings (with waivers), a checks run as a cancellable job with progress per device, and
//! waiving a finding with a reason.

use std::collections::HashMap;

use tauri::{AppHandle, State};

use handover_engine::model::FindingId;
use handover_engine::policy::Fix;

use crate::dto::{
    CheckSummaryDto, FindingDto, FindingRequest, FixOutcomeDto, FixPreview, JobRequest,
    WaiveRequest,
};
use crate::error::{AppError, CmdResult};
use crate::jobs::Jobs;
use crate::state::AppState;

fn all_findings(s: &handover_engine::Session) -> Result<Vec<FindingDto>, AppError> {
    let (findings, waivers) = (s.findings()?, s.waivers()?);
    let fixable: std::collections::HashSet<FindingId> = s
        .open_fixes(&s.check_settings(None))?
        .into_iter()
        .map(|(f, _, _)| f)
        .collect();
    let labels: HashMap<i64, String> = s.devices()?.iter().map(|d| (d.id.0, d.name())).collect();
    Ok(findings
        .iter()
        .map(|f| {
            let label = labels.get(&f.device.0).cloned().unwrap_or_default();
            FindingDto::new(f, label, &waivers, fixable.contains(&f.id))
        })
        .collect())
}

/// Every finding in the project.
#[tauri::command]
pub async fn list_findings(state: State<'_, AppState>) -> CmdResult<Vec<FindingDto>> {
    state.with_session(all_findings).await
}

/// Runs every check on every device: progress per device, cancellable between devices (what was checked
/// before the cancel is kept).
#[tauri::command]
pub async fn run_checks(
    app: AppHandle,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    req: JobRequest,
) -> CmdResult<CheckSummaryDto> {
    let job = jobs.start(&app, &req.job, "Running checks")?;
    let (token, sink) = (job.token(), job.engine_sink());
    let result = state
        .with_session(move |s| {
            let _job = job;
            let c = s.run_checks_with(&[], &s.check_settings(None), &token, &sink)?;
            Ok(CheckSummaryDto {
                devices: c.devices,
                new: c.new,
                fixed: c.fixed,
                open_by_severity: c.open_by_severity,
            })
        })
        .await;
    jobs.finish(&req.job);
    result
}

/// Waives a finding with a reason, and the customer's approver and expiry when given (recorded with who and
/// when in the audit log).
#[tauri::command]
pub async fn waive_finding(state: State<'_, AppState>, req: WaiveRequest) -> CmdResult<FindingDto> {
    state
        .with_session(move |s| {
            let id = FindingId(req.id);
            s.waive(&[id], &req.terms())?;
            all_findings(s)?
                .into_iter()
                .find(|f| f.id == id.0)
                .ok_or_else(|| AppError::Invalid(format!("finding {id} is gone")))
        })
        .await
}

/// What fixing a finding would do, before the technician confirms.
#[tauri::command]
pub async fn fix_preview(state: State<'_, AppState>, req: FindingRequest) -> CmdResult<FixPreview> {
    state
        .with_session(move |s| {
            let fix = s.fix_for(FindingId(req.id), &s.check_settings(None))?;
            Ok(FixPreview {
                id: req.id,
                available: fix.is_some(),
                description: fix.as_ref().map(Fix::describe).unwrap_or_else(|| {
                    "Handover cannot fix this one on the device: fix it by hand and run the checks \
                     again, or waive it with a reason"
                        .into()
                }),
            })
        })
        .await
}

/// Applies the fix on the device with the password Handover holds and reads it back; the finding is marked
/// fixed only when the read-back shows the change.
#[tauri::command]
pub async fn fix_finding(
    state: State<'_, AppState>,
    req: FindingRequest,
) -> CmdResult<FixOutcomeDto> {
    state
        .with_session(move |s| {
            let settings = s.check_settings(None);
            let o = crate::state::run(s.fix(FindingId(req.id), &settings))?;
            Ok(FixOutcomeDto {
                finding: o.finding,
                description: o.action.describe(),
                read_back: o.read_back,
            })
        })
        .await
}
