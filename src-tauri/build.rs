//! Build script: lets tauri-build read tauri.conf.json and the capability files, and generate the context.
fn main() {
    tauri_build::build()
}
