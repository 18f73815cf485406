//! Credentials screen: credential custody through the engine's `credentials` functions — catalog defaults
//! found within each vendor's lockout budget, rotation to unique passwords proven on the device and kept in
//! the OS keyring, recovery of interrupted rotations, a password the technician knows (proven first), the
//! KeePass export for IT, and each device's accounts (remove one Handover does not hold, create the VMS's).
//!
//! Find-defaults, rotate and recover are cancellable jobs that each make one engine call, with the CLI's
//! concurrency; the engine streams each device's progress as it finishes, and the Hello listener and the
//! screens' reads go on meanwhile (the session is shared). Which devices a run covers is the engine's rule
//! (rotation: defaults and supplied passwords; find-defaults: every device, the engine skipping those whose
//! password it holds). Passwords come in only as requests, become `SecretString`s at once, and never go back
//! out.

use std::collections::HashMap;
use std::path::PathBuf;

use tauri::{AppHandle, State};

use handover_engine::Session;
use handover_engine::credentials::{Custody, DeviceOutcome};
use handover_engine::model::{DeviceId, DeviceUser};
use handover_engine::vault::{KdfParams, PasswordPolicy, SecretString};

use crate::dto::{
    self, AccountDto, AccountRequest, AccountsDto, CustodyJobRequest, CustodyOverview, CustodyRow,
    ExportOutcomeDto, ExportRequest, FindDefaultsDto, JobRequest, OutcomeDto, RecoverDto,
    RotateDto, SetCredentialRequest,
};
use crate::error::{AppError, CmdResult};
use crate::jobs::{Job, Jobs};
use crate::state::AppState;

/// The account name a VMS account gets when none is typed.
pub const DEFAULT_VMS_USER: &str = "vms";

/// Every device's name for people, by id.
pub(crate) fn labels(s: &Session) -> Result<HashMap<i64, String>, AppError> {
    Ok(s.devices()?.iter().map(|d| (d.id.0, d.name())).collect())
}

/// The engine's per-device outcomes with the devices' names.
pub fn outcomes(list: &[DeviceOutcome], labels: &HashMap<i64, String>) -> Vec<OutcomeDto> {
    list.iter()
        .map(|o| {
            let id = o.device.0;
            OutcomeDto {
                device: id,
                label: labels
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| o.device.to_string()),
                outcome: o.outcome.clone(),
                detail: o.detail.clone(),
            }
        })
        .collect()
}

fn overview(s: &Session) -> Result<CustodyOverview, AppError> {
    let creds = s.credentials()?;
    let rows = s
        .devices()?
        .iter()
        .map(|d| {
            let c = creds.iter().find(|c| c.device == d.id);
            CustodyRow {
                device: d.id.0,
                label: d.name(),
                address: d.address.to_string(),
                manufacturer: d.facts.manufacturer.clone(),
                account: c.map(|c| c.username.clone()),
                state: c.map_or_else(|| "none".into(), |c| c.state.to_string()),
                matched_default: c.and_then(|c| c.matched_default.clone()),
                rotated_at: c.and_then(|c| c.rotated_at).map(dto::rfc3339),
                rotated_by: c.and_then(|c| c.rotated_by.clone()),
                reachable: d.facts.xaddr.is_some(),
            }
        })
        .collect();
    Ok(CustodyOverview {
        rows,
        unsettled: s.unsettled_rotations()?,
    })
}

/// Where custody stands, device by device.
#[tauri::command]
pub async fn custody_overview(state: State<'_, AppState>) -> CmdResult<CustodyOverview> {
    state.with_session(overview).await
}

/// How one custody run goes: the engine's concurrency, this job's cancel token and progress sink (the client,
/// keyring and catalogs are the session's).
fn with_custody<T>(
    job: &Job,
    plain_http: bool,
    run: impl FnOnce(&Custody<'_>) -> handover_engine::Result<T>,
) -> Result<T, AppError> {
    let (token, sink) = (job.token(), job.engine_sink());
    let cx = Custody {
        concurrency: handover_engine::DEVICES_AT_ONCE,
        plain_http,
        cancel: &token,
        progress: &sink,
    };
    Ok(run(&cx)?)
}

/// A cancellable custody job: one engine call over the devices asked for (none: the engine's own choice), its
/// progress streamed per device; the summary carries every device's outcome with its name.
async fn custody_job<T: Send + 'static>(
    (app, state, jobs): (AppHandle, State<'_, AppState>, State<'_, Jobs>),
    req: CustodyJobRequest,
    label: &str,
    run: impl FnOnce(&Session, &Custody<'_>, &[DeviceId]) -> handover_engine::Result<T> + Send + 'static,
) -> CmdResult<T> {
    let job = jobs.start(&app, &req.job, label)?;
    let ids: Vec<DeviceId> = req.devices.iter().copied().map(DeviceId).collect();
    let plain_http = req.allow_plain_http.unwrap_or(false);
    let result = state
        .with_session(move |s| with_custody(&job, plain_http, |cx| run(s, cx, &ids)))
        .await;
    jobs.finish(&req.job);
    result
}

/// Tries catalog defaults (each device's vendor first, never as many failures as it locks out at) on every
/// device with an ONVIF address (or those asked for); the engine skips those whose password it holds.
#[tauri::command]
pub async fn find_defaults(
    app: AppHandle,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    req: CustodyJobRequest,
) -> CmdResult<FindDefaultsDto> {
    custody_job(
        (app, state, jobs),
        req,
        "Trying factory defaults",
        |s, cx, ids| {
            let f = tauri::async_runtime::block_on(s.find_defaults(cx, ids))?;
            Ok(FindDefaultsDto {
                defaults_found: f.defaults_found,
                already_held: f.already_held,
                held_refused: f.held_refused,
                unknown: f.unknown,
                factory_new: f.factory_new,
                failed_attempts: f.failed_attempts,
                outcomes: outcomes(&f.devices, &labels(s).unwrap_or_default()),
            })
        },
    )
    .await
}

/// Rotates passwords: catalog defaults and supplied passwords (or the devices asked for, rotated ones too),
/// each to a unique password proven on the device and kept in the keyring.
#[tauri::command]
pub async fn rotate_credentials(
    app: AppHandle,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    req: CustodyJobRequest,
) -> CmdResult<RotateDto> {
    custody_job(
        (app, state, jobs),
        req,
        "Rotating passwords",
        |s, cx, ids| {
            let r = tauri::async_runtime::block_on(s.rotate(cx, &PasswordPolicy::default(), ids))?;
            Ok(RotateDto {
                rotated: r.rotated,
                skipped: r.skipped,
                rolled_back: r.rolled_back,
                unsettled: r.unsettled,
                refused: r.refused,
                cannot_rotate: r.cannot_rotate,
                cannot_rotate_default: r.cannot_rotate_default,
                failed: r.failed,
                outcomes: outcomes(&r.devices, &labels(s).unwrap_or_default()),
            })
        },
    )
    .await
}

/// Settles rotations a crash or a rebooting device interrupted (safe to run any time).
#[tauri::command]
pub async fn recover_credentials(
    app: AppHandle,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    req: JobRequest,
) -> CmdResult<RecoverDto> {
    let job = jobs.start(&app, &req.job, "Recovering interrupted rotations")?;
    let result = state
        .with_session(move |s| {
            let r = with_custody(&job, false, |cx| {
                tauri::async_runtime::block_on(s.recover(cx))
            })?;
            Ok(RecoverDto {
                on_new: r.on_new,
                on_old: r.on_old,
                still_unsettled: r.still_unsettled,
                journal_closed: r.journal_closed,
                outcomes: outcomes(&r.devices, &labels(s)?),
            })
        })
        .await;
    jobs.finish(&req.job);
    result
}

/// Keeps a password the technician knows, once the device has accepted it.
#[tauri::command]
pub async fn set_credential(
    state: State<'_, AppState>,
    req: SetCredentialRequest,
) -> CmdResult<CustodyOverview> {
    let SetCredentialRequest {
        device,
        user,
        password,
    } = req;
    let password = SecretString::new(password);
    let user = user.trim().to_owned();
    if user.is_empty() || password.expose().is_empty() {
        return Err(AppError::Invalid(
            "type the account name and its password as the device knows them".into(),
        )
        .into());
    }
    state
        .with_session(move |s| {
            crate::state::run(s.set_credential(DeviceId(device), &user, password))?;
            overview(s)
        })
        .await
}

/// The export file for `path`: `.kdbx` is added when the name has no extension.
pub fn export_path(path: &str) -> Result<PathBuf, AppError> {
    let path = path.trim();
    if path.is_empty() {
        return Err(AppError::Invalid(
            "choose where to save the KeePass file for IT (a .kdbx file)".into(),
        ));
    }
    let p = PathBuf::from(path);
    Ok(if p.extension().is_none() {
        p.with_extension("kdbx")
    } else {
        p
    })
}

/// Writes every held password to an encrypted KeePass file for IT (KDBX4, Argon2id).
#[tauri::command]
pub async fn export_credentials(
    state: State<'_, AppState>,
    req: ExportRequest,
) -> CmdResult<ExportOutcomeDto> {
    let ExportRequest {
        path,
        password,
        confirm,
    } = req;
    let (password, confirm) = (SecretString::new(password), SecretString::new(confirm));
    let path = export_path(&path)?;
    if password.expose() != confirm.expose() {
        return Err(AppError::Invalid(
            "the two passwords differ; nothing was written. Type the same password twice".into(),
        )
        .into());
    }
    state
        .with_session(move |s| {
            let n = s.export_kdbx(&path, &password, &KdfParams::default())?;
            Ok(ExportOutcomeDto {
                path: path.display().to_string(),
                accounts: n,
            })
        })
        .await
}

/// The accounts `users` of device `id`, flagged by the engine's rule (`Session::account_view`).
fn accounts_dto(s: &Session, id: DeviceId, users: &[DeviceUser]) -> Result<AccountsDto, AppError> {
    Ok(AccountsDto {
        device: id.0,
        label: s.device(id)?.name(),
        accounts: s
            .account_view(id, users)?
            .into_iter()
            .map(AccountDto::from)
            .collect(),
    })
}

/// The accounts on a device, read now with the password Handover holds.
#[tauri::command]
pub async fn device_accounts(
    state: State<'_, AppState>,
    req: dto::DeviceRequest,
) -> CmdResult<AccountsDto> {
    state
        .with_session(move |s| {
            let id = DeviceId(req.id);
            let users = crate::state::run(s.accounts(id))?;
            accounts_dto(s, id, &users)
        })
        .await
}

fn recorded_users(s: &Session, id: DeviceId) -> Result<Vec<DeviceUser>, AppError> {
    Ok(s.device(id)?.facts.users)
}

/// Removes an account Handover does not hold (read back from the device to prove it is gone).
#[tauri::command]
pub async fn remove_account(
    state: State<'_, AppState>,
    req: AccountRequest,
) -> CmdResult<AccountsDto> {
    state
        .with_session(move |s| {
            let id = DeviceId(req.device);
            crate::state::run(s.remove_account(id, req.user.trim()))?;
            accounts_dto(s, id, &recorded_users(s, id)?)
        })
        .await
}

/// Creates an Operator-level account for the VMS with its own password (keyring first, then the device,
/// then proven).
#[tauri::command]
pub async fn create_service_account(
    state: State<'_, AppState>,
    req: AccountRequest,
) -> CmdResult<AccountsDto> {
    state
        .with_session(move |s| {
            let id = DeviceId(req.device);
            let user = match req.user.trim() {
                "" => DEFAULT_VMS_USER,
                u => u,
            };
            crate::state::run(s.create_service_account(id, user))?;
            accounts_dto(s, id, &recorded_users(s, id)?)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_gets_kdbx_only_when_it_has_no_extension() {
        let p = |s: &str| export_path(s).map(|p| p.display().to_string());
        assert_eq!(p("/tmp/site").unwrap(), "/tmp/site.kdbx");
        assert_eq!(p(" /tmp/site.kdbx ").unwrap(), "/tmp/site.kdbx");
        assert!(p("").is_err());
    }

    #[test]
    fn outcomes_carry_the_device_id_and_name() {
        let names = HashMap::from([(3, "cam-dock".to_owned())]);
        let o = |device: i64| DeviceOutcome {
            device: DeviceId(device),
            outcome: "rotated".into(),
            detail: "new password proven".into(),
        };
        let got = outcomes(&[o(3), o(9)], &names);
        assert_eq!(
            got.iter()
                .map(|o| (o.device, o.label.as_str()))
                .collect::<Vec<_>>(),
            [(3, "cam-dock"), (9, "D9")]
        );
    }
}
