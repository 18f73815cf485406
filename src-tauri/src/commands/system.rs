//! App-wide commands: what the app offers, the keyring status, cancelling a job.

use tauri::State;

use crate::dto::{AppInfo, Feature, KeyringStatus};
use crate::error::CmdResult;
use crate::jobs::Jobs;
use crate::state::blocking;

/// Workflow parts and whether the engine offers them in this build. A screen whose part is not ready shows a
/// "coming" state with the note.
pub fn features() -> Vec<Feature> {
    let f = |id: &str, ready: bool, note: &str| Feature {
        id: id.into(),
        ready,
        note: note.into(),
    };
    vec![
        f("projects", true, ""),
        f("plan", true, ""),
        f("discover", true, ""),
        f("devices", true, ""),
        f("credentials", true, ""),
        f("checks", true, ""),
        f("handover", true, ""),
        f("review", true, ""),
    ]
}

/// The app's version and features.
#[tauri::command]
pub fn app_info() -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        features: features(),
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
