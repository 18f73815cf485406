//! What the installers ship contains no simulator and no demo. The packages carry two programs, the `handover`
//! CLI and the desktop app; the simulated site (`handover-sim`) and the demo (`handover-demo`) are for tests
//! and `scripts/demo.sh` only. Checked twice over: the two packages' normal dependencies, with the default
//! features installers/build.sh and `tauri build` compile, as `cargo tree` lists them; and the built `handover`
//! binary itself, which must carry no code of either crate. Re-adding either as a dependency fails here.

use std::path::PathBuf;
use std::process::Command;

/// The package folder, read when the test runs (not baked in at build time).
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
}

/// The crates that must stay out of what is shipped.
const NOT_SHIPPED: [&str; 2] = ["handover-sim", "handover-demo"];

/// Every package (name and version) the shipped programs build from, one per line.
fn shipped_dependencies() -> String {
    let o = Command::new(env!("CARGO"))
        .current_dir(manifest_dir())
        .args(["tree", "--edges", "normal", "--prefix", "none"])
        .args(["--package", "handover-cli", "--package", "handover-desktop"])
        .output()
        .expect("run cargo tree");
    assert!(
        o.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("cargo tree prints UTF-8")
}

#[test]
fn the_cli_and_the_desktop_app_depend_on_neither_the_simulator_nor_the_demo() {
    let tree = shipped_dependencies();
    let packages: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    // The listing is the real one: both programs and the engine under them are in it.
    for present in ["handover-cli", "handover-desktop", "handover-engine"] {
        assert!(
            packages.contains(&present),
            "{present} missing from:\n{tree}"
        );
    }
    for absent in NOT_SHIPPED {
        assert!(
            !packages.contains(&absent),
            "{absent} is a dependency of a shipped program; keep it a dev-dependency:\n{tree}"
        );
    }
}

#[test]
fn the_handover_binary_carries_no_simulator_code() {
    let binary = std::fs::read(env!("CARGO_BIN_EXE_handover")).expect("read the handover binary");
    // Code of a crate carries its name (symbols, panic locations): the engine's is there, so the search works.
    assert!(contains(&binary, b"handover_engine"));
    for absent in NOT_SHIPPED {
        let symbol = absent.replace('-', "_");
        assert!(
            !contains(&binary, symbol.as_bytes()),
            "the handover binary contains {symbol} code"
        );
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
