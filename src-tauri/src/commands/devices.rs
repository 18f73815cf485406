//! Devices screen: the grid (a status per step for every device), the detail panel, credential references,
//! forgetting a replaced device's pinned TLS certificate, and importing names and locations from a labels CSV
//! (`Session::import_labels_csv`, the CLI's `handover devices labels`).

use tauri::State;

use handover_engine::model::{DeviceId, FindingStatus};

use crate::dto::{
    self, CredentialDto, DeviceDetail, DeviceRequest, DeviceRow, FindingDto, LabelsOutcomeDto,
    PathRequest, RenameRequest, UnmatchedLabelDto,
};
use crate::error::{AppError, CmdResult};
use crate::state::AppState;

/// Every device with its step states.
#[tauri::command]
pub async fn list_devices(state: State<'_, AppState>) -> CmdResult<Vec<DeviceRow>> {
    state
        .with_session(|s| {
            let (plan, findings, creds) = (s.plan()?, s.findings()?, s.credentials()?);
            Ok(dto::rows(&s.devices()?, &plan, findings, creds))
        })
        .await
}

/// One device in depth: the evidence per step, its credentials and findings.
pub(crate) fn detail(s: &handover_engine::Session, id: DeviceId) -> Result<DeviceDetail, AppError> {
    let d = s
        .devices()?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or_else(|| AppError::Invalid(format!("there is no device {id}")))?;
    let (plan, findings, creds, waivers) =
        (s.plan()?, s.findings()?, s.credentials()?, s.waivers()?);
    let row = dto::row(&d, &plan, &findings, &creds);
    Ok(DeviceDetail {
        facts: dto::facts(&d),
        tls_pinned: d.facts.tls_fingerprint.clone(),
        credentials: creds
            .iter()
            .filter(|c| c.device == id)
            .map(CredentialDto::from)
            .collect(),
        findings: findings
            .iter()
            .filter(|f| f.device == id)
            .map(|f| {
                let fixable = f.status == FindingStatus::Open
                    && s.fix_for(f.id, &s.check_settings(None))?.is_some();
                Ok(FindingDto::new(f, row.label.clone(), &waivers, fixable))
            })
            .collect::<Result<_, AppError>>()?,
        first_seen: dto::rfc3339(d.first_seen),
        last_seen: dto::rfc3339(d.last_seen),
        row,
    })
}

/// One device in depth.
#[tauri::command]
pub async fn device_detail(
    state: State<'_, AppState>,
    req: DeviceRequest,
) -> CmdResult<DeviceDetail> {
    state
        .with_session(move |s| detail(s, DeviceId(req.id)))
        .await
}

/// Forgets the TLS certificate pinned for a device (the technician confirmed on site that it was replaced or
/// reset); the next HTTPS answer pins the new one. Returns the device as it now is.
#[tauri::command]
pub async fn forget_certificate(
    state: State<'_, AppState>,
    req: DeviceRequest,
) -> CmdResult<DeviceDetail> {
    state
        .with_session(move |s| {
            let id = DeviceId(req.id);
            s.forget_certificate(id)?;
            detail(s, id)
        })
        .await
}

/// Names a device and/or says where it is (audited); the name is used everywhere, the report and KeePass
/// titles included. Returns the device as it now is.
#[tauri::command]
pub async fn rename_device(
    state: State<'_, AppState>,
    req: RenameRequest,
) -> CmdResult<DeviceDetail> {
    state
        .with_session(move |s| {
            let id = DeviceId(req.id);
            s.relabel_device(
                id,
                &handover_engine::labels::Relabel {
                    name: req.name,
                    location: req.location,
                },
            )?;
            detail(s, id)
        })
        .await
}

/// Every credential reference in the project (never a secret).
#[tauri::command]
pub async fn list_credentials(state: State<'_, AppState>) -> CmdResult<Vec<CredentialDto>> {
    state
        .with_session(|s| Ok(s.credentials()?.iter().map(CredentialDto::from).collect()))
        .await
}

/// Names and locates devices from a labels CSV (a file with a bad row changes nothing).
#[tauri::command]
pub async fn import_labels(
    state: State<'_, AppState>,
    req: PathRequest,
) -> CmdResult<LabelsOutcomeDto> {
    let file = std::path::PathBuf::from(req.path.trim());
    if file.as_os_str().is_empty() {
        return Err(AppError::Invalid("choose the labels CSV to import".into()).into());
    }
    state
        .with_session(move |s| {
            let r = s.import_labels_csv(&file)?;
            Ok(LabelsOutcomeDto {
                matched: r.matched,
                changed: r.changed.len(),
                unmatched: r
                    .unmatched
                    .into_iter()
                    .map(|(line, key)| UnmatchedLabelDto { line, key })
                    .collect(),
            })
        })
        .await
}
