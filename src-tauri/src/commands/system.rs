//! App-wide commands: the app's version, the keyring status, cancelling a job.

use tauri::State;

use crate::dto::{AppInfo, KeyringStatus};
use crate::error::CmdResult;
use crate::jobs::Jobs;
use crate::state::blocking;

/// The app's version.
#[tauri::command]
pub fn app_info() -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").into(),
    }
}

/// Whether secrets can be kept now (the engine probes the OS keyring; never prompts).
#[tauri::command]
pub async fn keyring_status() -> CmdResult<KeyringStatus> {
    blocking(|| Ok(handover_engine::env::keyring_status())).await
}

/// Asks a running job to stop at its next step. Returns whether it was running.
#[tauri::command]
pub fn cancel_job(jobs: State<'_, Jobs>, job: String) -> bool {
    jobs.cancel(&job)
}
