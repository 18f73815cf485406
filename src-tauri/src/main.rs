//! The `handover-desktop` binary: starts the Tauri app defined in the library. Nothing else lives here.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    handover_desktop::run();
}
