//! The engine is the only door: the two front ends (`handover-cli`, `src-tauri`) depend on no inner crate
//! (store, vault, devices, policy, model, report, simulator) and their shipped sources name none of them nor the
//! test-only store access, so every rule they apply is the engine's; no crate but the desktop shell knows
//! Tauri; and the simulator shares no protocol code with the product (it depends on no crate of ours and not on
//! oxvif), so a bug in our client cannot be mirrored by a device that agrees with it. Read from the manifests
//! and sources as committed (a file's `#[cfg(test)]` module may use dev-dependencies).

use std::path::{Path, PathBuf};

const INNER: &[&str] = &[
    "handover-store",
    "handover-vault",
    "handover-devices",
    "handover-policy",
    "handover-model",
    "handover-report",
    "handover-sim",
];

fn workspace() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .join("../..")
}

/// The names in a manifest's `[dependencies]` table (not dev- or build-dependencies).
fn dependencies(manifest: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(manifest).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    doc.get("dependencies")
        .and_then(|d| d.as_table())
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default()
}

fn sources(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push((p.clone(), std::fs::read_to_string(&p).unwrap()));
        }
    }
}

#[test]
fn front_ends_depend_on_the_engine_alone() {
    for front in ["crates/handover-cli/Cargo.toml", "src-tauri/Cargo.toml"] {
        let deps = dependencies(&workspace().join(front));
        assert!(
            deps.iter().any(|d| d == "handover-engine"),
            "{front}: {deps:?}"
        );
        let inner: Vec<_> = deps
            .iter()
            .filter(|d| INNER.contains(&d.as_str()))
            .collect();
        assert!(
            inner.is_empty(),
            "{front} depends on {inner:?} beside the engine"
        );
    }
}

#[test]
fn front_end_sources_reach_nothing_behind_the_engine() {
    let mut files = Vec::new();
    sources(&workspace().join("crates/handover-cli/src"), &mut files);
    sources(&workspace().join("src-tauri/src"), &mut files);
    assert!(files.len() > 20, "found only {} files", files.len());
    let mut bad = Vec::new();
    for (path, text) in &files {
        // Unit tests (the `#[cfg(test)]` module closing each file) may use dev-dependencies.
        let shipped = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in shipped.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let inner = INNER
                .iter()
                .map(|c| c.replace('-', "_"))
                .any(|c| code.contains(&format!("{c}::")) || code.contains(&format!("use {c}")));
            if inner || code.contains("store_for_tests") || code.contains(".project()") {
                bad.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "front-end code past the engine:\n{}",
        bad.join("\n")
    );
}

/// Every dependency a library crate's manifest names, normal, dev and build alike.
fn all_dependencies(manifest: &Path) -> Vec<String> {
    let doc: toml::Table = std::fs::read_to_string(manifest).unwrap().parse().unwrap();
    ["dependencies", "dev-dependencies", "build-dependencies"]
        .iter()
        .filter_map(|k| doc.get(*k).and_then(|d| d.as_table()))
        .flat_map(|t| t.keys().cloned())
        .collect()
}

#[test]
fn only_the_desktop_shell_knows_tauri() {
    let mut crates: Vec<PathBuf> = std::fs::read_dir(workspace().join("crates"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    crates.push(workspace().join("tests"));
    assert!(crates.len() > 10, "found only {crates:?}");
    for dir in &crates {
        let tauri: Vec<String> = all_dependencies(&dir.join("Cargo.toml"))
            .into_iter()
            .filter(|d| d.starts_with("tauri"))
            .collect();
        assert!(tauri.is_empty(), "{} depends on {tauri:?}", dir.display());
        let mut files = Vec::new();
        let src = dir.join("src");
        sources(if src.is_dir() { &src } else { dir }, &mut files);
        for (path, text) in &files {
            assert!(!text.contains("tauri::"), "{} names tauri", path.display());
        }
    }
}

#[test]
fn the_simulator_shares_no_protocol_code_with_the_product() {
    let sim = workspace().join("crates/handover-sim");
    let ours: Vec<String> = dependencies(&sim.join("Cargo.toml"))
        .into_iter()
        .filter(|d| d.starts_with("handover-") || d == "oxvif")
        .collect();
    assert!(
        ours.is_empty(),
        "the simulator depends on {ours:?}: a bug in our client could then be mirrored by a device that agrees \
         with it"
    );
    let mut files = Vec::new();
    sources(&sim.join("src"), &mut files);
    assert!(files.len() > 10, "found only {} files", files.len());
    for (path, text) in &files {
        for name in ["handover_devices", "handover_engine", "oxvif"] {
            assert!(
                !text.contains(&format!("{name}::")),
                "{} names {name}",
                path.display()
            );
        }
    }
}
