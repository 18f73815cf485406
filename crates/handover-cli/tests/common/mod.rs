//! Shared by the CLI tests that run a simulated site as its own process (the `handover-sim` binary): running
//! the real `handover` binary against a project and data folder, the workspace's other binaries (`handover-sim`,
//! `handover-demo`, built on first use), the simulator process (killed when dropped), and its status endpoint
//! (plain HTTP on loopback).
#![allow(dead_code)] // each test binary uses a different part of this module

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_handover");

/// Runs `handover --project PROJECT ARGS` with its data folder.
pub fn handover(project: &Path, data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--project")
        .arg(project)
        .args(args)
        .env("HANDOVER_DATA_DIR", data)
        .output()
        .unwrap()
}

/// Stdout and stderr together, for messages.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A binary of another package of the workspace, built (or found fresh) by cargo in the target folder this
/// test runs from: cargo gives a test only its own package's binaries (`CARGO_BIN_EXE_*`).
fn workspace_bin(package: &str) -> PathBuf {
    // target/<profile>/deps/<test>-<hash> -> target/<profile>
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile = exe
        .parent()
        .and_then(Path::parent)
        .expect("a target folder");
    let target = profile.parent().expect("a target folder");
    let mut build = Command::new(env!("CARGO"));
    build
        .args(["build", "--quiet", "-p", package, "--bin", package])
        .arg("--target-dir")
        .arg(target);
    if profile.file_name().is_some_and(|n| n == "release") {
        build.arg("--release");
    }
    let status = build.status().expect("run cargo");
    assert!(status.success(), "cargo build -p {package} failed");
    profile.join(format!("{package}{}", std::env::consts::EXE_SUFFIX))
}

/// The simulator's command line (`handover-sim`).
pub fn sim_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| workspace_bin("handover-sim"))
}

/// The demo (`handover-demo`).
pub fn demo_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| workspace_bin("handover-demo"))
}

/// A `handover-sim` process, killed when dropped.
pub struct Sim(pub Child);

impl Sim {
    /// Starts `handover-sim --manifest MANIFEST` with its status endpoint on `status` and waits until it answers.
    pub fn start(manifest: &Path, status_addr: &str) -> Sim {
        let sim = Sim(Command::new(sim_bin())
            .args(["--status", status_addr, "--manifest"])
            .arg(manifest)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap());
        let started = Instant::now();
        while status(status_addr).is_none() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the simulator did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        sim
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 exchange with the status endpoint; the answer's body.
pub fn http(status_addr: &str, request: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(status_addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    s.write_all(request.as_bytes()).ok()?;
    let mut body = String::new();
    s.read_to_string(&mut body).ok()?;
    Some(body.split_once("\r\n\r\n")?.1.to_owned())
}

/// The whole site as the status endpoint shows it.
pub fn status(status_addr: &str) -> Option<serde_json::Value> {
    serde_json::from_str(&http(
        status_addr,
        "GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )?)
    .ok()
}
