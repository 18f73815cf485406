//! Opening the project the OS hands to the app: a double-clicked `.handover` file (the file association the
//! installers register) starts `handover-desktop PATH` on Linux (the desktop entry's `Exec=… %f`) and
//! Windows, and reaches a running app as an "open documents" event on macOS. The project is opened through
//! the same command as the Projects screen's Open (so it also joins the recent list); when it cannot be opened
//! (open elsewhere, not a project) a message box says why and the app starts on the Projects screen.
//!
//! Not here: a second double-click while the app runs starts a second window on Linux and Windows (there is no
//! single-instance handoff); the project lock makes that safe.

use std::ffi::OsString;
use std::path::PathBuf;

use tauri::{AppHandle, Emitter, Manager, RunEvent};
use tauri_plugin_dialog::{DialogExt, MessageDialogKind};

use crate::commands::project::open_project;
use crate::dto::OpenProjectRequest;
use crate::state::AppState;

/// The event the front end listens to, to show a project opened after it started (macOS).
pub const PROJECT_OPENED: &str = "project-opened";

/// The project named on the command line: the first argument after the program that is not an option.
/// Options are skipped, including the `-psn_…` process serial number old macOS versions add.
pub fn project_arg(args: impl IntoIterator<Item = OsString>) -> Option<PathBuf> {
    args.into_iter()
        .skip(1)
        .find(|a| !a.is_empty() && !a.to_string_lossy().starts_with('-'))
        .map(PathBuf::from)
}

/// At start (from `setup`, before the window's page can ask for the status): opens the project named on the
/// command line, if any, so the app starts with it open.
pub fn open_from_args(app: &AppHandle) {
    if let Some(path) = project_arg(std::env::args_os()) {
        tauri::async_runtime::block_on(open(app.clone(), path));
    }
}

/// The app's event loop callback: opens a project macOS hands over in an "open documents" event.
#[cfg(target_os = "macos")]
pub fn on_event(app: &AppHandle, event: RunEvent) {
    if let RunEvent::Opened { urls } = event
        && let Some(path) = urls.iter().find_map(|u| u.to_file_path().ok())
    {
        tauri::async_runtime::spawn(open(app.clone(), path));
    }
}

/// The app's event loop callback: only macOS delivers documents as events.
#[cfg(not(target_os = "macos"))]
pub fn on_event(_app: &AppHandle, _event: RunEvent) {}

async fn open(app: AppHandle, path: PathBuf) {
    let req = OpenProjectRequest {
        path: path.display().to_string(),
        actor: None,
    };
    match open_project(app.clone(), app.state::<AppState>(), req).await {
        Ok(status) => {
            // The page may already be showing (macOS): tell it to show the project.
            let _ = app.emit(PROJECT_OPENED, status);
        }
        Err(e) => {
            let text = format!(
                "Could not open {}:\n{}\n{}",
                path.display(),
                e.message,
                e.hint
            );
            eprintln!("handover-desktop: {text}");
            app.dialog()
                .message(text.trim_end())
                .kind(MessageDialogKind::Error)
                .title("Handover")
                .show(|_| {});
        }
    }
}

#[cfg(test)]
mod tests {
    use super::project_arg;

    fn check(args: &[&str], want: Option<&str>) {
        let got = project_arg(args.iter().map(Into::into));
        assert_eq!(got.as_deref(), want.map(std::path::Path::new), "{args:?}");
    }

    #[test]
    fn the_first_argument_that_is_not_an_option_is_the_project() {
        check(&["handover-desktop"], None);
        check(
            &["handover-desktop", "/home/ana/site.handover"],
            Some("/home/ana/site.handover"),
        );
        check(
            &[
                "handover-desktop",
                "-psn_0_12345",
                "/Users/ana/Site 3.handover",
            ],
            Some("/Users/ana/Site 3.handover"),
        );
        check(&["handover-desktop", "--verbose"], None);
        check(
            &["handover-desktop", "", "a.handover", "b.handover"],
            Some("a.handover"),
        );
    }
}
