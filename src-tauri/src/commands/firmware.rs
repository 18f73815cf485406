//! Firmware screen: the folder of images the technician brought, each judged against the signed catalog
//! (accepting one the catalog does not list, with a reason, audited), the plan per device with nothing sent,
//! the upgrade as one cancellable engine job (canary per model, then waves; progress per device) and settling
//! what a crash or a device that did not come back left open. The CLI's `handover firmware …`.

use std::path::Path;

use tauri::{AppHandle, State};

use handover_engine::Session;
use handover_engine::firmware::Upgrader;
use handover_engine::model::DeviceId;

use super::credentials::labels;
use crate::dto::{
    AcceptImageRequest, FirmwareImageDto, FirmwarePlanDto, FirmwareRecoverDto, FirmwareUpgradeDto,
    FirmwareUpgradeRequest, JobRequest, PathRequest,
};
use crate::error::{AppError, CmdResult};
use crate::jobs::Jobs;
use crate::state::AppState;
use crate::state::run;

/// Waves after the canaries upgrade this many devices at once unless the technician says otherwise.
pub const DEFAULT_IN_FLIGHT: u32 = 4;

/// Each device's name for people, by id (its D-number when it is gone).
fn namer(s: &Session) -> Result<impl Fn(i64) -> String, AppError> {
    let names = labels(s)?;
    Ok(move |id| {
        names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| DeviceId(id).to_string())
    })
}

fn plan(s: &Session) -> Result<FirmwarePlanDto, AppError> {
    if s.firmware_folder_set()?.is_none() {
        return Ok(FirmwarePlanDto::no_folder());
    }
    let p = s.firmware_plan(&[], None)?;
    Ok(FirmwarePlanDto::new(&p, namer(s)?))
}

/// The folder, its images and the plan for every device (nothing is sent); no folder chosen yet says so.
#[tauri::command]
pub async fn firmware_plan(state: State<'_, AppState>) -> CmdResult<FirmwarePlanDto> {
    state.with_session(plan).await
}

/// Points the project at the folder holding the vendors' images (audited) and returns the plan it gives.
#[tauri::command]
pub async fn set_firmware_folder(
    state: State<'_, AppState>,
    req: PathRequest,
) -> CmdResult<FirmwarePlanDto> {
    state
        .with_session(move |s| {
            s.set_firmware_folder(Path::new(req.path.trim()))?;
            plan(s)
        })
        .await
}

/// Accepts an image the signed catalog does not list, for this project, with the reason (audited; the report
/// names it). An image whose checksum is not the catalog's is never accepted.
#[tauri::command]
pub async fn accept_firmware_image(
    state: State<'_, AppState>,
    req: AcceptImageRequest,
) -> CmdResult<FirmwareImageDto> {
    state
        .with_session(move |s| {
            let id = s.accept_firmware_image(Path::new(&req.file), &req.reason)?;
            Ok(FirmwareImageDto::from(&id))
        })
        .await
}

/// Upgrades the devices asked for (or every device the plan upgrades) as a cancellable job: a canary per model
/// first, then waves; a device not upgraded stops the later waves. Each device is proven after its reboot and
/// the firmware check runs again on the devices upgraded.
#[tauri::command]
pub async fn upgrade_firmware(
    app: AppHandle,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    req: FirmwareUpgradeRequest,
) -> CmdResult<FirmwareUpgradeDto> {
    let job = jobs.start(&app, &req.job, "Upgrading firmware")?;
    let ids: Vec<DeviceId> = req.devices.iter().copied().map(DeviceId).collect();
    let result = state
        .with_session(move |s| {
            let (token, sink) = (job.token(), job.engine_sink());
            let settings = s.check_settings(None);
            let up = Upgrader {
                settings: &settings,
                in_flight: req.in_flight.unwrap_or(DEFAULT_IN_FLIGHT).max(1) as usize,
                uplink_bytes_per_sec: req.uplink_mbps.unwrap_or(0) * 1_000_000 / 8,
                reboot_wait: None,
                cancel: &token,
                progress: &sink,
            };
            let r = run(s.firmware_upgrade(&up, &ids, None))?;
            Ok(FirmwareUpgradeDto::new(&r, namer(s)?))
        })
        .await;
    jobs.finish(&req.job);
    result
}

/// Settles every upgrade a crash, a cancel or a device that did not come back left open, on each device's own
/// answer (safe to run any time).
#[tauri::command]
pub async fn recover_firmware(
    app: AppHandle,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    req: JobRequest,
) -> CmdResult<FirmwareRecoverDto> {
    let job = jobs.start(&app, &req.job, "Settling interrupted upgrades")?;
    let result = state
        .with_session(move |s| {
            let _job = job;
            let r = run(s.firmware_recover(&s.check_settings(None)))?;
            Ok(FirmwareRecoverDto::new(&r, namer(s)?))
        })
        .await;
    jobs.finish(&req.job);
    result
}
