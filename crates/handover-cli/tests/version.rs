//! One version, from one place: the workspace's `[workspace.package] version` in the root Cargo.toml. Every
//! package inherits it (the app's About box, `handover --version` and the report's method appendix read
//! their crate's version), and tauri.conf.json names none, so the installers carry the Cargo version too.
//! The report's side is checked where a report is made (the demo test, `tests/demo/main.rs`).

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    manifest_dir().join("../..")
}

/// `version = "…"` in the root manifest's `[workspace.package]` table.
fn workspace_version() -> String {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let table = manifest
        .split("\n[")
        .find(|t| t.starts_with("workspace.package]"))
        .expect("a [workspace.package] table");
    table
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("version = \"…\" in [workspace.package]")
        .to_owned()
}

#[test]
fn handover_version_prints_the_workspace_version() {
    let o = Command::new(env!("CARGO_BIN_EXE_handover"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        format!("handover {}\n", workspace_version())
    );
}

#[test]
fn every_package_inherits_the_version_and_tauri_names_none() {
    let mut manifests: Vec<PathBuf> = std::fs::read_dir(root().join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path().join("Cargo.toml"))
        .filter(|p| p.exists())
        .collect();
    manifests.push(root().join("src-tauri/Cargo.toml"));
    assert!(manifests.len() > 5, "{manifests:?}");
    for m in &manifests {
        let text = std::fs::read_to_string(m).unwrap();
        let package = text.split("\n[").next().unwrap();
        assert!(
            package
                .lines()
                .any(|l| l.trim() == "version.workspace = true"),
            "{} must take the workspace version (version.workspace = true)",
            m.display()
        );
    }
    let conf: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("src-tauri/tauri.conf.json")).unwrap(),
    )
    .unwrap();
    assert!(
        conf.get("version").is_none(),
        "tauri.conf.json must not name a version: Tauri then takes the Cargo package's"
    );
}

/// The package folder, read when the test runs (not baked in at build time), so a test binary built
/// from another checkout of the same commit still finds this checkout's files.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
}
