//! The house as ARCHITECTURE.md documents it, checked from the sources as committed: every "Architecture
//! invariant" paragraph names at least one test that exists, and the pure floors (the model, the policy, the
//! report, the device layer's codecs) open no sockets and read no clock outside the one `SystemClock`.

use std::path::{Path, PathBuf};

use handover_system_tests::repo_root;

/// The shipped part of every `.rs` file under `dir` (a file's closing `#[cfg(test)]` module left out).
fn shipped_sources(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            shipped_sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            let text = std::fs::read_to_string(&p).unwrap();
            let shipped = text.split("#[cfg(test)]").next().unwrap_or("").to_owned();
            out.push((p, shipped));
        }
    }
}

#[test]
fn every_invariant_names_a_test_that_exists() {
    let root = repo_root();
    let doc = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let invariants: Vec<&str> = doc
        .split("\n\n")
        .filter(|p| p.trim_start().starts_with("Architecture invariant:"))
        .collect();
    assert!(invariants.len() > 20, "found only {}", invariants.len());
    let mut unguarded = Vec::new();
    for p in &invariants {
        // The backticked paths the paragraph names that are tests: a test folder's file, a fuzz script or a UI test.
        let named: Vec<&str> = p
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|s| {
                (s.ends_with(".rs") && (s.contains("tests/") || s.contains("/src/")))
                    || s.ends_with(".test.ts")
                    || *s == "scripts/fuzz-smoke.sh"
            })
            .collect();
        for path in &named {
            assert!(
                root.join(path).is_file(),
                "ARCHITECTURE.md names {path}, which does not exist, in:\n{p}"
            );
        }
        if named.is_empty() {
            unguarded.push(p.lines().next().unwrap_or(""));
        }
    }
    assert!(
        unguarded.is_empty(),
        "invariants that name no test (write one, then name it from the repository root):\n{}",
        unguarded.join("\n")
    );
}

#[test]
fn pure_floors_open_no_sockets_and_read_no_clock() {
    let root = repo_root();
    let mut files = Vec::new();
    for dir in [
        "crates/handover-model/src",
        "crates/handover-policy/src",
        "crates/handover-report/src",
    ] {
        shipped_sources(&root.join(dir), &mut files);
    }
    for codec in [
        "xml.rs",
        "digest.rs",
        "discovery/wsd.rs",
        "onvif/fault.rs",
        "onvif/types.rs",
    ] {
        let p = root.join("crates/handover-devices/src").join(codec);
        let text = std::fs::read_to_string(&p).unwrap();
        files.push((p, text.split("#[cfg(test)]").next().unwrap().to_owned()));
    }
    assert!(files.len() > 40, "found only {} files", files.len());
    // The one clock of the product, `handover_model::SystemClock`, is where time enters: nowhere else.
    let clock = root.join("crates/handover-model/src/clock.rs");
    let forbidden = [
        "now_utc()",
        "SystemTime::now",
        "Instant::now",
        "UdpSocket",
        "TcpStream",
        "TcpListener",
        "tokio::net",
        "socket2",
        "std::net::ToSocketAddrs",
    ];
    let mut bad = Vec::new();
    for (path, text) in &files {
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for f in forbidden {
                if code.contains(f) && !(path == &clock && f == "now_utc()") {
                    bad.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "a pure floor reaches the network or the clock (take time through `Clock` or a parameter):\n{}",
        bad.join("\n")
    );
}
