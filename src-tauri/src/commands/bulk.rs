//! Work on many devices at once, for the Devices grid's selection: plan and apply the fixes of their open
//! findings (the engine's `fix_many`: devices in parallel, one confirmation in the front end for the whole
//! list), waive several findings with one reason, identify a selection again, and list the hosts that answered
//! on the plan's subnets but could not be identified (the engine's rule, the same the report uses). Rotation
//! of a selection is `credentials::rotate_credentials` with the device ids.

use std::collections::HashMap;

use tauri::{AppHandle, State};

use super::credentials::labels;
use crate::dto::{
    FixManyDto, FixManyRequest, FixPlanDto, FixPlanRequest, FixResultDto, IdentifyDto,
    IdentifyRequest, PlannedFixDto, UnidentifiedHostDto, WaiveManyRequest,
};
use crate::error::{AppError, CmdResult};
use crate::jobs::Jobs;
use crate::state::AppState;
use crate::state::run;
use handover_engine::model::{DeviceId, FindingId, FindingStatus};

/// What fixing the open findings of these devices (all devices when none are named) would change; findings
/// without a fix are counted, not listed.
#[tauri::command]
pub async fn fix_plan(state: State<'_, AppState>, req: FixPlanRequest) -> CmdResult<FixPlanDto> {
    state
        .with_session(move |s| {
            let fixes = s.open_fixes(&s.check_settings(None))?;
            let names = labels(s)?;
            let wanted = |d: i64| req.devices.is_empty() || req.devices.contains(&d);
            let findings = s.findings()?;
            let titles: HashMap<i64, &str> = findings
                .iter()
                .map(|f| (f.id.0, f.title.as_str()))
                .collect();
            let changes: Vec<PlannedFixDto> = fixes
                .iter()
                .filter(|(_, d, _)| wanted(d.0))
                .map(|(f, d, fix)| PlannedFixDto {
                    finding: f.0,
                    device: d.0,
                    device_label: names.get(&d.0).cloned().unwrap_or_default(),
                    title: titles.get(&f.0).copied().unwrap_or_default().to_owned(),
                    description: fix.describe(),
                })
                .collect();
            let open = findings
                .iter()
                .filter(|f| f.status == FindingStatus::Open && wanted(f.device.0))
                .count();
            Ok(FixPlanDto {
                not_fixable: open - changes.len(),
                changes,
            })
        })
        .await
}

/// Applies the fixes of these findings on their devices (devices in parallel, each device's fixes in order) and
/// reads each back; a finding is marked fixed only when its device shows the change.
#[tauri::command]
pub async fn fix_findings(
    app: AppHandle,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    req: FixManyRequest,
) -> CmdResult<FixManyDto> {
    let mut job = jobs.start(&app, &req.job, "Fixing findings")?;
    let ids: Vec<FindingId> = req.findings.iter().copied().map(FindingId).collect();
    let result = state
        .with_session(move |s| {
            let total = ids.len() as u64;
            job.progress(0, total, "");
            let settings = s.check_settings(None);
            let results = run(s.fix_many(&ids, &settings, handover_engine::DEVICES_AT_ONCE))?;
            let names = labels(s)?;
            let device_of: HashMap<i64, i64> =
                s.findings()?.iter().map(|f| (f.id.0, f.device.0)).collect();
            let label = |f: FindingId| {
                device_of
                    .get(&f.0)
                    .and_then(|d| names.get(d))
                    .cloned()
                    .unwrap_or_default()
            };
            let results: Vec<FixResultDto> = results
                .into_iter()
                .map(|(f, r)| FixResultDto {
                    finding: f.0,
                    device_label: label(f),
                    fixed: r.is_ok(),
                    detail: match r {
                        Ok(o) => o.read_back,
                        Err(e) => e.to_string(),
                    },
                })
                .collect();
            let fixed = results.iter().filter(|r| r.fixed).count();
            job.progress(total, total, &format!("{fixed} fixed"));
            Ok(FixManyDto {
                fixed,
                failed: results.len() - fixed,
                results,
            })
        })
        .await;
    jobs.finish(&req.job);
    result
}

/// Waives these findings with one reason (each recorded with who and when in the audit log). Returns how many.
#[tauri::command]
pub async fn waive_findings(state: State<'_, AppState>, req: WaiveManyRequest) -> CmdResult<usize> {
    state
        .with_session(move |s| {
            let ids: Vec<FindingId> = req.findings.iter().copied().map(FindingId).collect();
            let terms = crate::dto::waiver_terms(&req.reason, &req.approver, &req.expires);
            Ok(s.waive(&ids, &terms)?.len())
        })
        .await
}

/// Identifies these devices again (with the passwords Handover holds, when the keyring can be reached), as a
/// cancellable job.
#[tauri::command]
pub async fn identify_devices(
    app: AppHandle,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    req: IdentifyRequest,
) -> CmdResult<IdentifyDto> {
    if req.devices.is_empty() {
        return Err(AppError::Invalid("choose the devices to identify".into()).into());
    }
    let job = jobs.start(&app, &req.job, "Identifying devices")?;
    let (token, sink) = (job.token(), job.engine_sink());
    let ids: Vec<DeviceId> = req.devices.iter().copied().map(DeviceId).collect();
    let result = state
        .with_session(move |s| {
            let _job = job;
            let o = run(s.identify(&ids, handover_engine::DEVICES_AT_ONCE, &token, &sink))?;
            Ok(IdentifyDto {
                identified: o.identified,
                failed: o.failed.into_iter().map(|(a, b)| [a, b]).collect(),
            })
        })
        .await;
    jobs.finish(&req.job);
    result
}

/// Hosts that answered on the plan's subnets in the latest discovery but could not be identified, with why and
/// what to do next.
#[tauri::command]
pub async fn unidentified_hosts(state: State<'_, AppState>) -> CmdResult<Vec<UnidentifiedHostDto>> {
    state
        .with_session(|s| {
            let plan = s.plan()?;
            Ok(s.unidentified_hosts()?
                .into_iter()
                .map(|h| UnidentifiedHostDto {
                    vlan: plan
                        .vlans
                        .iter()
                        .find(|v| v.subnet.to_string() == h.subnet)
                        .map(|v| v.id),
                    subnet: h.subnet,
                    address: h.address,
                    reason: h.reason,
                    next: h.next,
                })
                .collect())
        })
        .await
}
