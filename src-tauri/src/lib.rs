//! The Handover desktop app: a thin Tauri 2 shell over `handover-engine`. Each command (in `commands/`)
//! deserializes a request, calls one engine function on a blocking thread and maps errors to
//! `{code, message, hint}`; long work reports progress as events and can be cancelled (`jobs`).
//! Transport types live in `dto/` and are exported to TypeScript with ts-rs (see `bindings`).
//!
//! Module map: `commands` (one module per screen), `dto` (IPC shapes), `error` (the command error and its
//! codes), `state` (the open session), `jobs` (progress events and cancellation), `recent` (recent projects,
//! a JSON file in the app config folder), `report_file` (reading a signed PDF for the Review screen),
//! `bindings` (the list of types exported to `ui/src/lib/bindings`), `launch` (the project a double-click
//! hands to the app).
//!
//! This crate holds no workflow logic: whatever the app can do, the CLI can do through the same engine.

pub mod bindings;
mod commands;
pub mod dto;
pub mod error;
mod jobs;
mod launch;
mod recent;
pub mod report_file;
mod state;

/// Starts the app (blocks until the last window closes).
pub fn run() {
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_opener::init())
        .manage(state::AppState::default())
        .manage(jobs::Jobs::default())
        .invoke_handler(commands::handler())
        .setup(|app| {
            launch::open_from_args(app.handle());
            Ok(())
        })
        .build(tauri::generate_context!());
    match result {
        Ok(app) => app.run(launch::on_event),
        Err(e) => {
            eprintln!("handover-desktop: could not start the window: {e}");
            std::process::exit(1);
        }
    }
}
