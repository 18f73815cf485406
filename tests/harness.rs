//! What the whole-system tests share (this folder's library, `handover-system-tests`): the workspace's binaries
//! (`handover`, `handover-sim`, `handover-demo`, built or found fresh by cargo on first use), running `handover`
//! against a project and data folder, a simulated site as its own process (killed when dropped) and its status
//! endpoint (plain HTTP on loopback), campaign settings and a replayable generator.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Runs `handover --project PROJECT ARGS` with its data folder (none of the caller's `HANDOVER_PROJECT` or
/// `HANDOVER_TECHNICIAN`).
pub fn handover(project: &Path, data: &Path, args: &[&str]) -> Output {
    let mut cmd = handover_cmd(project, args);
    cmd.env("HANDOVER_DATA_DIR", data);
    cmd.output().expect("run handover")
}

/// Runs `handover --project PROJECT ARGS` with the data folder the environment names (`HANDOVER_DATA_DIR`, or
/// the OS's): for commands that read only the project.
pub fn handover_at(project: &Path, args: &[&str]) -> Output {
    handover_cmd(project, args).output().expect("run handover")
}

/// `handover --project PROJECT ARGS`, not started, without the caller's project or technician variables.
pub fn handover_cmd(project: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(handover_bin());
    cmd.arg("--project")
        .arg(project)
        .args(args)
        .env_remove("HANDOVER_PROJECT")
        .env_remove("HANDOVER_TECHNICIAN");
    cmd
}

/// Runs `sqlite3 PATH SQL` (a Debian package scripts/setup.sh installs), to read a project as any tool would.
pub fn sqlite3(path: &Path, sql: &str) -> Output {
    Command::new("sqlite3")
        .arg(path)
        .arg(sql)
        .output()
        .expect("sqlite3 is installed by scripts/setup.sh")
}

/// The repository's root, read when the test runs (not baked in at build time), so a test binary built from
/// another checkout of the same commit still finds this checkout's files.
pub fn repo_root() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .join("..")
}

/// The demo plan's path (`assets/demo/plan.csv`), as a command-line argument.
pub fn demo_plan() -> String {
    repo_root()
        .join("assets/demo/plan.csv")
        .to_string_lossy()
        .into_owned()
}

/// True when the run has an unlocked throwaway keyring of its own (scripts/with-keyring.sh); otherwise prints
/// why `test` is skipped.
pub fn keyring_or_skip(test: &str) -> bool {
    if std::env::var("HANDOVER_KEYRING_TEST").as_deref() == Ok("1") {
        return true;
    }
    println!("SKIP {test}: no unlocked test keyring (run under scripts/with-keyring.sh)");
    false
}

/// Stdout and stderr together, for messages.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A binary of the workspace, built (or found fresh) by cargo in the target folder this test runs from: cargo
/// gives a test only its own package's binaries (`CARGO_BIN_EXE_*`), and the whole-system tests have none.
fn workspace_bin(package: &str, bin: &str) -> PathBuf {
    // target/<profile>/deps/<test>-<hash> -> target/<profile>
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile = exe
        .parent()
        .and_then(Path::parent)
        .expect("a target folder");
    let target = profile.parent().expect("a target folder");
    let mut build = Command::new(env!("CARGO"));
    build
        .args(["build", "--quiet", "-p", package, "--bin", bin])
        .arg("--target-dir")
        .arg(target);
    if profile.file_name().is_some_and(|n| n == "release") {
        build.arg("--release");
    }
    let status = build.status().expect("run cargo");
    assert!(
        status.success(),
        "cargo build -p {package} --bin {bin} failed"
    );
    profile.join(format!("{bin}{}", std::env::consts::EXE_SUFFIX))
}

/// The product's command line (`handover`).
pub fn handover_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| workspace_bin("handover-cli", "handover"))
}

/// The simulator's command line (`handover-sim`).
pub fn sim_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| workspace_bin("handover-sim", "handover-sim"))
}

/// The demo (`handover-demo`).
pub fn demo_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| workspace_bin("handover-demo", "handover-demo"))
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

/// A campaign's setting from the environment (`HANDOVER_CRASH_TRIALS`, ...), or `default` when unset or not a
/// number.
pub fn setting(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator (xorshift), seeded per campaign so a failure can be replayed.
pub struct Rng {
    /// What the campaign was seeded with: name it in every failure.
    pub seed: u64,
    state: u64,
}

impl Rng {
    /// Seeded from `var` when set (to replay a campaign), else from the clock; prints the seed either way.
    pub fn campaign(var: &str, what: &str) -> Rng {
        let seed = std::env::var(var)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            })
            | 1;
        println!("{what}, {var}={seed}");
        Rng { seed, state: seed }
    }

    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state % n
    }
}
