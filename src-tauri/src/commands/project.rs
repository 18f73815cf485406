//! Projects screen: create, open, close (the Hello/Bye listener starts and stops with the project), the status
//! at a glance, recent projects, the audit chain.

use std::path::{Path, PathBuf};

use tauri::{AppHandle, Manager, State};

use handover_engine::{NewProject, Session};

use super::listen;
use crate::dto::{
    AuditDto, AuditEntryDto, AuditLogRequest, CreateProjectRequest, OpenProjectRequest,
    RecentProject, StatusDto, rfc3339,
};
use crate::error::{AppError, CmdResult};
use crate::recent;
use crate::state::{AppState, blocking};

/// The folder for app settings: `HANDOVER_CONFIG_DIR`, else the OS's per-user config folder for the app.
fn config_dir(app: &AppHandle) -> PathBuf {
    std::env::var_os("HANDOVER_CONFIG_DIR")
        .map(PathBuf::from)
        .or_else(|| app.path().app_config_dir().ok())
        .unwrap_or_else(|| PathBuf::from(".handover-config"))
}

/// The project file for `path`: `.handover` is added when the name has no extension.
pub fn project_path(path: &str) -> Result<PathBuf, AppError> {
    let path = path.trim();
    if path.is_empty() {
        return Err(AppError::Invalid(
            "choose where to save the project file (a .handover file)".into(),
        ));
    }
    let p = PathBuf::from(path);
    Ok(if p.extension().is_none() {
        p.with_extension("handover")
    } else {
        p
    })
}

fn remember(app: &AppHandle, status: &StatusDto) {
    let entry = RecentProject {
        path: status.path.clone(),
        site: status.site.name.clone(),
        opened_at: rfc3339(time::OffsetDateTime::now_utc()),
        exists: true,
    };
    // The recent list is a convenience: failing to save it must not fail the open.
    let _ = recent::remember(&config_dir(app), entry);
}

/// Creates a project (with the plan, when given) and opens it.
#[tauri::command]
pub async fn create_project(
    app: AppHandle,
    state: State<'_, AppState>,
    req: CreateProjectRequest,
) -> CmdResult<StatusDto> {
    let status = state
        .replace(move || {
            let path = project_path(&req.path)?;
            let plan = match req.plan_csv.as_deref().map(str::trim) {
                Some(csv) if !csv.is_empty() => {
                    let csv = Path::new(csv);
                    let plan = handover_engine::read_plan_csv(csv)?;
                    let source = csv
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    Some((plan, source))
                }
                _ => None,
            };
            let new = NewProject {
                path,
                site: req.site.into(),
                plan,
            };
            let s = Session::create(new, handover_engine::Env::os())?;
            let status = StatusDto::from(s.status()?);
            Ok((s, status))
        })
        .await?;
    remember(&app, &status);
    listen::start(&app, &state);
    Ok(status)
}

/// Opens an existing project.
#[tauri::command]
pub async fn open_project(
    app: AppHandle,
    state: State<'_, AppState>,
    req: OpenProjectRequest,
) -> CmdResult<StatusDto> {
    let status = state
        .replace(move || {
            let actor = req.actor.filter(|a| !a.trim().is_empty());
            let s = Session::open(
                Path::new(req.path.trim()),
                actor,
                handover_engine::Env::os(),
            )?;
            let status = StatusDto::from(s.status()?);
            Ok((s, status))
        })
        .await?;
    remember(&app, &status);
    listen::start(&app, &state);
    Ok(status)
}

/// Closes the open project (releasing it for the CLI or another window) and stops listening for devices.
#[tauri::command]
pub async fn close_project(app: AppHandle, state: State<'_, AppState>) -> CmdResult<()> {
    listen::stop(&app, &state);
    state.close().await
}

/// The open project at a glance.
#[tauri::command]
pub async fn project_status(state: State<'_, AppState>) -> CmdResult<StatusDto> {
    state
        .with_session(|s| Ok(StatusDto::from(s.status()?)))
        .await
}

/// Projects opened recently on this laptop, newest first.
#[tauri::command]
pub async fn recent_projects(app: AppHandle) -> CmdResult<Vec<RecentProject>> {
    let dir = config_dir(&app);
    blocking(move || Ok(recent::load(&dir))).await
}

/// Removes a project from the recent list (the file is not touched).
#[tauri::command]
pub async fn forget_recent(app: AppHandle, path: String) -> CmdResult<Vec<RecentProject>> {
    let dir = config_dir(&app);
    blocking(move || recent::forget(&dir, &path)).await
}

/// Walks the audit log's hash chain.
#[tauri::command]
pub async fn verify_audit(state: State<'_, AppState>) -> CmdResult<AuditDto> {
    state
        .with_session(|s| {
            let v = s.verify_audit()?;
            Ok(AuditDto {
                entries: v.entries,
                intact: v.is_intact(),
                problem: v.problem.as_ref().map(ToString::to_string),
                head_hash: v.head_hash,
            })
        })
        .await
}

/// The audit log a page at a time, newest first (the CLI's `handover audit log`).
#[tauri::command]
pub async fn audit_log(
    state: State<'_, AppState>,
    req: AuditLogRequest,
) -> CmdResult<Vec<AuditEntryDto>> {
    state
        .with_session(move |s| {
            let page = s.audit_recent(req.before, i64::from(req.limit.min(500)))?;
            Ok(page.into_iter().map(AuditEntryDto::from).collect())
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::project_path;

    #[test]
    fn the_extension_is_added_only_when_missing() {
        let p = |s: &str| project_path(s).map(|p| p.display().to_string());
        assert_eq!(p("/tmp/site").unwrap(), "/tmp/site.handover");
        assert_eq!(p(" /tmp/site.handover ").unwrap(), "/tmp/site.handover");
        assert_eq!(p("/tmp/site.db").unwrap(), "/tmp/site.db");
        assert!(p("  ").is_err());
    }
}
