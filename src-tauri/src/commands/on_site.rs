//! What a technician needs at the device: its password on the clipboard for a while ("Copy password", audited
//! by the engine; the password never enters the web view, and the clipboard is cleared after 30 s if it still
//! holds it) and its own web page opened in the browser, over HTTPS where the device offers it.

use std::time::Duration;

use tauri::{AppHandle, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tauri_plugin_opener::OpenerExt;

use handover_engine::model::DeviceId;
use handover_engine::vault::SecretString;

use crate::dto::{CopiedDto, CopyPasswordRequest, DeviceRequest, WebPageDto};
use crate::error::{AppError, CmdResult};
use crate::state::AppState;

/// How long a copied password stays on the clipboard: 30 s, or `HANDOVER_CLIPBOARD_CLEAR_SECS` (tests).
fn clear_after() -> u32 {
    std::env::var("HANDOVER_CLIPBOARD_CLEAR_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|s: &u32| (1..=300).contains(s))
        .unwrap_or(30)
}

/// Clears the clipboard after `secs` if it still holds `password` (the technician may have copied something
/// else since, which is left alone).
fn clear_later(app: AppHandle, password: SecretString, secs: u32) {
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(u64::from(secs)));
        let clipboard = app.clipboard();
        let still_ours = clipboard.read_text().is_ok_and(|t| t == *password.expose());
        if still_ours && let Err(e) = clipboard.clear() {
            eprintln!("handover-desktop: the clipboard could not be cleared: {e}");
        }
    });
}

/// Puts a held password on the clipboard (audited as `credential.revealed`); cleared after 30 s.
#[tauri::command]
pub async fn copy_password(
    app: AppHandle,
    state: State<'_, AppState>,
    req: CopyPasswordRequest,
) -> CmdResult<CopiedDto> {
    let (username, password) = state
        .with_session(move |s| Ok(s.reveal_password(DeviceId(req.device), req.user.as_deref())?))
        .await?;
    app.clipboard()
        .write_text(password.expose().clone())
        .map_err(|e| AppError::Invalid(format!("the clipboard cannot be written: {e}")))?;
    let secs = clear_after();
    clear_later(app, password, secs);
    Ok(CopiedDto {
        username,
        clears_in_secs: secs,
    })
}

/// Opens a device's web page in the browser (`HANDOVER_OPEN_WITH` names another program, for tests).
#[tauri::command]
pub async fn open_web_page(
    app: AppHandle,
    state: State<'_, AppState>,
    req: DeviceRequest,
) -> CmdResult<WebPageDto> {
    let page = state
        .with_session(move |s| Ok(s.web_page(DeviceId(req.id))?))
        .await?;
    let with = std::env::var("HANDOVER_OPEN_WITH").ok();
    app.opener()
        .open_url(&page.url, with)
        .map_err(|e| AppError::Invalid(format!("{} could not be opened: {e}", page.url)))?;
    Ok(WebPageDto {
        url: page.url,
        secure: page.secure,
        certificate: page.certificate,
    })
}
