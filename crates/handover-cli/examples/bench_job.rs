//! Benchmark: the whole job as a technician runs it, through the real `handover` CLI, over DEVICES simulated devices
//! (default 1,000) at 0 ms and 50 ms of device latency, with the real OS keyring: discover → find-defaults →
//! rotate (find-defaults identifies the devices again with the passwords found) → switch → check → fix → report. The simulated site runs as its own process (`handover-sim`), so the
//! figures are the CLI's alone. Each stage's time is printed beside its bound (the requests the devices counted
//! × latency ÷ the CLI's concurrency for that stage, plus the WS-Discovery listening window for discover), and the
//! total beside the sum of the bounds. Prints a Markdown table for BENCHMARKS.md.
//!
//! ```text
//! cargo build --release -p handover-cli --bin handover --example bench_job -p handover-sim --bin handover-sim
//! bash scripts/with-keyring.sh "$CARGO_TARGET_DIR"/release/examples/bench_job [DEVICES] [LATENCY_MS…]
//! ```
//!
//! Sends packets only to loopback: the devices live on 127.71.0.0/16, the switch on 127.72.0.1:1161, the
//! simulator's status endpoint on 127.0.0.1:18097.

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use handover_sim::{Role, SiteManifest, VlanSpec};

const STATUS: &str = "127.0.0.1:18097";
const SWITCH: &str = "127.72.0.1";
/// Devices identified at once by `handover discover` (DiscoverOptions' default).
const IDENTIFY_CONCURRENCY: f64 = 128.0;
/// Devices worked on at once by `handover credentials` and `handover fix`.
const CUSTODY_CONCURRENCY: f64 = 64.0;
/// The WS-Discovery listening window of one sweep round (APP_MAX_DELAY 500 ms + 150 ms margin).
const PROBE_WINDOW_S: f64 = 0.65;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

struct Sim(Child);

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn http(request: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(STATUS).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    s.write_all(request.as_bytes()).ok()?;
    let mut body = String::new();
    s.read_to_string(&mut body).ok()?;
    Some(body.split_once("\r\n\r\n")?.1.to_owned())
}

fn status() -> Option<serde_json::Value> {
    serde_json::from_str(&http(
        "GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )?)
    .ok()
}

/// Requests every simulated device has answered so far, summed.
fn requests() -> Res<u64> {
    let s = status().ok_or("the simulator's status endpoint did not answer")?;
    Ok(s["devices"]
        .as_array()
        .ok_or("status without devices")?
        .iter()
        .map(|d| d["counters"]["requests"].as_u64().unwrap_or(0))
        .sum())
}

/// `n` generic cameras on 127.71.0.0/16, one VLAN per /24, a switch that knows their ports, and `latency_ms` on
/// every device from the start.
fn site(n: usize, latency_ms: u64) -> Res<(String, String)> {
    let mut m = SiteManifest::generated(n, Ipv4Addr::new(127, 71, 0, 2));
    let mut plan = String::from("vlan_id,name,subnet,gateway,roles,dns,ntp,addressing\n");
    let third_octets: std::collections::BTreeSet<u8> =
        m.devices.iter().map(|d| d.address.octets()[2]).collect();
    for k in third_octets {
        let net = Ipv4Addr::new(127, 71, k, 0);
        let gw = Ipv4Addr::new(127, 71, k, 1);
        let id = 100 + u16::from(k);
        m.vlans.push(VlanSpec {
            id,
            name: format!("Cameras {k}"),
            subnet: format!("{net}/24").parse()?,
            gateway: gw,
            dns: gw,
            ntp: gw,
            roles: vec![Role::Camera],
        });
        plan.push_str(&format!(
            "{id},Cameras {k},{net}/24,{gw},camera,{gw},{gw},static\n"
        ));
    }
    // The laptop's uplink on a port no device takes (devices are on ports 1..=n).
    m.switch = Some(toml::from_str(&format!(
        "address = \"{SWITCH}\"\nuplink_port = 65000"
    ))?);
    for d in &mut m.devices {
        d.faults.latency_ms = latency_ms;
    }
    Ok((toml::to_string(&m)?, plan))
}

/// The benchmark's folder: removed at the end, or kept.
enum Kept {
    Temp(tempfile::TempDir),
    Path(PathBuf),
}

impl Kept {
    fn path(&self) -> &Path {
        match self {
            Kept::Temp(t) => t.path(),
            Kept::Path(p) => p,
        }
    }
}

/// One stage's row of the table.
fn row(n: usize, latency: u64, s: &Stage) {
    println!(
        "| {n} | {latency} ms | {} | {:.2} | {} | {} | {} | {:.2} | {:.0} |",
        s.name,
        s.secs,
        s.requests,
        s.bound.map_or("–".into(), |b| format!("{b:.2}")),
        s.bound
            .filter(|b| *b > 0.0)
            .map_or("–".into(), |b| format!("{:.2}", s.secs / b)),
        s.cpu_s,
        s.peak_mib,
    );
}

struct Stage {
    name: &'static str,
    secs: f64,
    requests: u64,
    peak_mib: f64,
    cpu_s: f64,
    bound: Option<f64>,
}

fn run_job(bin: &Path, sim_bin: &Path, n: usize, latency_ms: u64) -> Res<Vec<Stage>> {
    let dir = tempfile::tempdir()?;
    // `BENCH_JOB_KEEP=1`: keep the project (and the site manifest), even after a failed stage, for profiling
    // single stages afterwards.
    let dir = if std::env::var_os("BENCH_JOB_KEEP").is_some() {
        let kept = dir.keep();
        eprintln!("  keeping {}", kept.display());
        Kept::Path(kept)
    } else {
        Kept::Temp(dir)
    };
    let (manifest, plan) = site(n, latency_ms)?;
    std::fs::write(dir.path().join("site.toml"), manifest)?;
    std::fs::write(dir.path().join("plan.csv"), plan)?;
    // The simulator holds three sockets per device plus every connection the CLI keeps alive: at 5,000 devices
    // that passes this machine's default of 20,000 descriptors, so it gets more where the system allows
    // (`ulimit -n` as root raises the hard limit too); refused answers would otherwise be the harness's.
    let mut sim = Sim(Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 262144 2>/dev/null || ulimit -n \"$(ulimit -Hn)\"; exec \"$0\" \"$@\"")
        .arg(sim_bin)
        .args(["--status", STATUS, "--manifest"])
        .arg(dir.path().join("site.toml"))
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()?);
    let started = Instant::now();
    while status().is_none() {
        if let Some(exit) = sim.0.try_wait()? {
            return Err(format!("the simulator stopped ({exit})").into());
        }
        if started.elapsed() > Duration::from_secs(60) {
            return Err("the simulator did not start within 60 s".into());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let project = dir.path().join("bench.handover");
    let data = dir.path().join("data");
    let peak_kib = std::cell::Cell::new(0u64);
    // CPU time of the CLI process (user + system, in clock ticks), sampled until it ends.
    let cpu_ticks = std::cell::Cell::new(0u64);
    let cli = |args: &[&str], stdin: Option<&str>| -> Res<Output> {
        let mut c = Command::new(bin);
        c.arg("--project")
            .arg(&project)
            .args(args)
            .env("HANDOVER_DATA_DIR", &data)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn()?;
        {
            use std::io::Write;
            let mut input = child.stdin.take().ok_or("no stdin")?;
            if let Some(s) = stdin {
                input.write_all(s.as_bytes())?;
            }
        }
        let drain = |r: Option<Box<dyn std::io::Read + Send>>| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                if let Some(mut r) = r {
                    let _ = r.read_to_end(&mut buf);
                }
                buf
            })
        };
        let out = drain(child.stdout.take().map(|r| Box::new(r) as _));
        let err = drain(child.stderr.take().map(|r| Box::new(r) as _));
        // The CLI's peak memory: VmHWM, sampled until the process ends.
        let status = loop {
            if let Some(st) = child.try_wait()? {
                break st;
            }
            let hwm = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
                .unwrap_or_default()
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                .unwrap_or(0);
            peak_kib.set(peak_kib.get().max(hwm));
            let stat =
                std::fs::read_to_string(format!("/proc/{}/stat", child.id())).unwrap_or_default();
            let fields: Vec<&str> = stat
                .rsplit_once(')')
                .map(|(_, rest)| rest.split_whitespace().collect())
                .unwrap_or_default();
            let tick = |i: usize| {
                fields
                    .get(i)
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0)
            };
            if fields.len() > 12 {
                cpu_ticks.set(tick(11) + tick(12));
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let o = Output {
            status,
            stdout: out.join().map_err(|_| "reader panicked")?,
            stderr: err.join().map_err(|_| "reader panicked")?,
        };
        if !o.status.success() {
            return Err(format!(
                "`handover {}` failed ({}):\n{}\n{}",
                args.join(" "),
                o.status,
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            )
            .into());
        }
        Ok(o)
    };
    let plan_path = dir.path().join("plan.csv");
    cli(
        &[
            "init",
            "--name",
            "Bench",
            "--technician",
            "Bench",
            "--plan",
            plan_path.to_str().ok_or("path")?,
        ],
        None,
    )?;
    cli(
        &[
            "sign-identity",
            "create",
            "--name",
            "Bench",
            "--org",
            "Bench",
            "--replace",
        ],
        None,
    )?;
    cli(
        &[
            "switch",
            "add",
            "core",
            "--address",
            &format!("{SWITCH}:1161"),
        ],
        Some("public\n"),
    )?;
    let report = dir.path().join("report.pdf");
    let report_arg = report.to_str().ok_or("path")?.to_owned();
    let lat = latency_ms as f64 / 1000.0;
    let stages: Vec<(&'static str, Vec<&str>, f64, f64)> = vec![
        (
            "discover",
            vec!["discover", "--no-multicast"],
            IDENTIFY_CONCURRENCY,
            PROBE_WINDOW_S,
        ),
        (
            "find-defaults",
            vec!["credentials", "find-defaults"],
            CUSTODY_CONCURRENCY,
            0.0,
        ),
        (
            "rotate",
            vec!["credentials", "rotate"],
            CUSTODY_CONCURRENCY,
            0.0,
        ),
        // No second `discover`: find-defaults identifies every device whose password it found again with that
        // password (protocols, discovery mode, NTP, users), so the technician goes straight on.
        ("switch", vec!["switch", "query"], 1.0, 0.0),
        ("check", vec!["check"], 1.0, 0.0),
        (
            "fix",
            vec!["fix", "--all", "--yes"],
            CUSTODY_CONCURRENCY,
            0.0,
        ),
        ("report", vec!["report", "--out", &report_arg], 1.0, 0.0),
    ];
    let mut out = Vec::new();
    for (name, args, concurrency, fixed) in stages {
        peak_kib.set(0);
        cpu_ticks.set(0);
        let before = requests()?;
        let t = Instant::now();
        let o = cli(&args, None);
        let secs = t.elapsed().as_secs_f64();
        let o = o.map_err(|e| format!("{e}\n(stage {name} failed after {secs:.1} s)"))?;
        let requests = requests()? - before;
        if ["rotate", "fix", "find-defaults", "check"].contains(&name) {
            let text = String::from_utf8_lossy(&o.stdout);
            let last = text.lines().rev().find(|l| !l.trim().is_empty());
            eprintln!("  {name}: {}", last.unwrap_or(""));
        }
        let stage = Stage {
            name,
            secs,
            requests,
            peak_mib: peak_kib.get() as f64 / 1024.0,
            cpu_s: cpu_ticks.get() as f64 / 100.0,
            bound: (latency_ms > 0).then(|| fixed + requests as f64 * lat / concurrency),
        };
        // Each row as soon as its stage ends, so a later failure keeps the figures so far.
        row(n, latency_ms, &stage);
        out.push(stage);
    }
    let o = cli(&["--json", "status"], None)?;
    let st: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    eprintln!("  status: {st}");
    if !report.exists() {
        return Err("no report written".into());
    }
    Ok(out)
}

/// The binary `name` of `package`, beside this example's folder in the target directory.
fn bin(package: &str, name: &str) -> Res<PathBuf> {
    let exe = std::env::current_exe()?;
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("cannot find the target directory")?;
    let bin = dir.join(name);
    if !bin.exists() {
        return Err(format!(
            "{} not found: build it first with `cargo build --release -p {package} --bin {name}`",
            bin.display()
        )
        .into());
    }
    Ok(bin)
}

fn main() -> Res<()> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1000);
    let mut latencies: Vec<u64> = args.map(|a| a.parse()).collect::<Result<_, _>>()?;
    if latencies.is_empty() {
        latencies = vec![0, 50];
    }
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        eprintln!(
            "note: no session bus; run under scripts/with-keyring.sh for the real OS keyring"
        );
    }
    let sim_bin = bin("handover-sim", "handover-sim")?;
    let bin = bin("handover-cli", "handover")?;
    println!("whole job through the CLI ({}), {n} devices", bin.display());
    println!();
    println!(
        "| devices | latency | stage | time s | device requests | bound s | time ÷ bound | CLI CPU s | CLI peak RSS MiB |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for latency in latencies {
        let stages = run_job(&bin, &sim_bin, n, latency)?;
        let total: f64 = stages.iter().map(|s| s.secs).sum();
        let bounds: Option<f64> = stages.iter().map(|s| s.bound).sum();
        println!(
            "| {n} | {latency} ms | **whole job** | **{total:.2}** | {} | {} | {} | {:.2} | {:.0} |",
            stages.iter().map(|s| s.requests).sum::<u64>(),
            bounds.map_or("–".into(), |b| format!("{b:.2}")),
            bounds
                .filter(|b| *b > 0.0)
                .map_or("–".into(), |b| format!("{:.2}", total / b)),
            stages.iter().map(|s| s.cpu_s).sum::<f64>(),
            stages.iter().map(|s| s.peak_mib).fold(0.0, f64::max),
        );
    }
    Ok(())
}
