//! Drift test for the TypeScript IPC bindings: regenerates them from the Rust DTOs into a temporary folder
//! and compares with `ui/src/lib/bindings/` file by file (missing, extra or different files fail).
//! `UPDATE_BINDINGS=1 cargo test -p handover-desktop --test bindings` rewrites the checked-in files instead.

use std::collections::BTreeMap;
use std::path::Path;

fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".ts") {
            out.insert(name, std::fs::read_to_string(e.path()).unwrap());
        }
    }
    out
}

#[test]
fn typescript_bindings_match_the_rust_types() {
    let checked_in = manifest_dir().join("../ui/src/lib/bindings");
    let tmp = tempfile::tempdir().unwrap();
    handover_desktop::bindings::export_all(tmp.path()).unwrap();
    let fresh = read_dir(tmp.path());
    assert!(fresh.contains_key("StatusDto.ts"), "{:?}", fresh.keys());
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(&checked_in).unwrap();
        for old in read_dir(&checked_in).keys() {
            std::fs::remove_file(checked_in.join(old)).unwrap();
        }
        for (name, text) in &fresh {
            std::fs::write(checked_in.join(name), text).unwrap();
        }
        return;
    }
    let old = read_dir(&checked_in);
    let missing: Vec<_> = fresh.keys().filter(|k| !old.contains_key(*k)).collect();
    let extra: Vec<_> = old.keys().filter(|k| !fresh.contains_key(*k)).collect();
    let changed: Vec<_> = fresh
        .iter()
        .filter(|(k, v)| old.get(*k).is_some_and(|o| o != *v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty() && changed.is_empty(),
        "ui/src/lib/bindings is out of date (missing {missing:?}, extra {extra:?}, changed {changed:?}); \
         run UPDATE_BINDINGS=1 cargo test -p handover-desktop --test bindings"
    );
}

/// The package folder, read when the test runs (not baked in at build time), so a test binary built
/// from another checkout of the same commit still finds this checkout's files.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
}
