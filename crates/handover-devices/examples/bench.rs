//! Benchmark (prints figures; run with `cargo run --release -p handover-devices --example bench`):
//! a simulated site of N devices (default 1,000) runs in a separate `handover-sim` process, so the CPU
//! time and peak memory measured here are the client's alone. Figures: one WS-Discovery round by
//! unicast probes on loopback; Basic identification (clock + authenticated GetDeviceInformation) of
//! every device at 0 ms and at 50 ms of device latency, with the shared client and, for comparison,
//! with a client built per device; and onvif-zeep (a third-party ONVIF client) doing the same work on
//! a sample of the devices. Arguments: `[--devices N] [--concurrency C] [--zeep-devices M]`.
//! Environment: HANDOVER_SIM_BIN (default $CARGO_TARGET_DIR/release/handover-sim, else debug),
//! HANDOVER_TOOLS (default /var/tmp/handover-tools, for the onvif-zeep venv).

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use futures::StreamExt as _;
use handover_devices::discovery::ProbeOptions;
use handover_devices::discovery::probe::probe_unicast;
use handover_devices::{ClientOptions, Credentials, Depth, DeviceClient};
use handover_sim::{FaultSpec, SiteManifest};
use tokio_util::sync::CancellationToken;

struct Sim {
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sim_bin() -> std::path::PathBuf {
    if let Ok(p) = std::env::var("HANDOVER_SIM_BIN") {
        return p.into();
    }
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let release = std::path::Path::new(&target).join("release/handover-sim");
    if release.exists() {
        release
    } else {
        std::path::Path::new(&target).join("debug/handover-sim")
    }
}

fn start_sim(manifest: &SiteManifest) -> Sim {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("site.toml");
    std::fs::write(
        &path,
        toml::to_string(manifest).expect("manifest serialises"),
    )
    .expect("write manifest");
    let bin = sim_bin();
    let mut child = Command::new(&bin)
        .args(["--manifest", path.to_str().unwrap_or_default(), "--status", "off"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e} (build it: cargo build --release -p handover-sim --bin handover-sim)", bin.display()));
    let out = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(out).lines();
    for line in lines.by_ref() {
        if line.expect("sim output").contains("Press Ctrl-C") {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    Sim { child, _dir: dir }
}

fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or_default();
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("VmHWM:")
                .map(|v| v.trim().trim_end_matches(" kB").trim().parse().unwrap_or(0))
        })
        .unwrap_or(0)
}

fn raise_nofile() {
    if let Ok((soft, hard)) = rlimit::Resource::NOFILE.get()
        && soft < 8192
    {
        let _ = rlimit::Resource::NOFILE.set(8192.min(hard), hard);
    }
}

fn manifest(n: usize, first: Ipv4Addr, latency_ms: u64) -> SiteManifest {
    let mut m = SiteManifest::generated(n, first);
    for d in &mut m.devices {
        d.faults = FaultSpec {
            latency_ms,
            ..FaultSpec::default()
        };
    }
    m
}

fn xaddrs(m: &SiteManifest) -> Vec<String> {
    m.devices
        .iter()
        .map(|d| format!("http://{}:8080/onvif/device_service", d.address))
        .collect()
}

fn client(concurrency: usize) -> DeviceClient {
    DeviceClient::new(ClientOptions {
        max_in_flight: concurrency,
        ..ClientOptions::default()
    })
}

/// Identifies every device (Basic), `concurrency` devices at a time; returns (seconds, cpu seconds, ok).
async fn identify_all(urls: &[String], concurrency: usize, shared: bool) -> (f64, f64, usize) {
    let c = client(concurrency);
    let creds = Credentials::new("admin", "admin");
    let cpu0 = cpu_secs();
    let t0 = Instant::now();
    let ok = futures::stream::iter(urls.iter())
        .map(|u| {
            let c = if shared {
                c.clone()
            } else {
                client(concurrency)
            };
            let creds = creds.clone();
            async move {
                let s = c.session(u, Some(creds)).expect("valid xaddr");
                let id = s.identify(Depth::Basic).await;
                id.credentials_accepted == Some(true) && id.clock.is_some()
            }
        })
        .buffer_unordered(concurrency)
        .filter(|ok| std::future::ready(*ok))
        .count()
        .await;
    (t0.elapsed().as_secs_f64(), cpu_secs() - cpu0, ok)
}

fn zeep(urls: &[String]) -> Option<serde_json::Value> {
    let tools =
        std::env::var("HANDOVER_TOOLS").unwrap_or_else(|_| "/var/tmp/handover-tools".into());
    let py = std::path::Path::new(&tools).join("venv/bin/python");
    if !py.exists() {
        println!(
            "onvif-zeep: skipped ({} missing; run scripts/setup-sim-tools.sh)",
            py.display()
        );
        return None;
    }
    let script = manifest_dir().join("examples/zeep_identify.py");
    let mut child = Command::new(py)
        .arg(&script)
        .args(["admin", "admin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    child
        .stdin
        .take()?
        .write_all(urls.join("\n").as_bytes())
        .ok()?;
    let out = child.wait_with_output().ok()?;
    serde_json::from_slice(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()?
            .as_bytes(),
    )
    .ok()
}

fn main() {
    let mut n = 1000usize;
    let mut concurrency = 128usize;
    let mut zeep_n = 100usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let v = args
            .next()
            .and_then(|v| v.parse().ok())
            .expect("numeric value");
        match a.as_str() {
            "--devices" => n = v,
            "--concurrency" => concurrency = v,
            "--zeep-devices" => zeep_n = v,
            other => panic!("unknown argument {other}"),
        }
    }
    raise_nofile();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "handover-devices benchmark: {n} simulated devices (separate process), concurrency {concurrency}, 2 worker threads"
    );

    // Discovery and identification at 0 ms.
    let m0 = manifest(n, Ipv4Addr::new(127, 110, 0, 2), 0);
    let sim = start_sim(&m0);
    let targets: Vec<SocketAddr> = m0
        .devices
        .iter()
        .map(|d| SocketAddr::from((d.address, 3702)))
        .collect();
    let urls = xaddrs(&m0);
    rt.block_on(async {
        for round in 1..=3 {
            let cpu0 = cpu_secs();
            let r = probe_unicast(&targets, &ProbeOptions::default(), &CancellationToken::new(), |_| {}).await.expect("probe round");
            println!(
                "discovery round {round}: {} of {n} found in {:.3} s ({} probes, APP_MAX_DELAY 500 ms), CPU {:.1} us/device",
                r.found.len(),
                r.elapsed.as_secs_f64(),
                r.probes_sent,
                (cpu_secs() - cpu0) * 1e6 / n as f64
            );
        }
        let _warm = identify_all(&urls[..urls.len().min(50)], concurrency, true).await;
        let (secs, cpu, ok) = identify_all(&urls, concurrency, true).await;
        println!(
            "identify @0 ms, shared client: {ok}/{n} in {secs:.3} s = {:.0} devices/s, CPU {:.0} us/device",
            n as f64 / secs,
            cpu * 1e6 / n as f64
        );
        let (secs2, cpu2, ok2) = identify_all(&urls, concurrency, false).await;
        println!(
            "identify @0 ms, client per device: {ok2}/{n} in {secs2:.3} s = {:.0} devices/s, CPU {:.0} us/device ({:.1}x the shared client's CPU)",
            n as f64 / secs2,
            cpu2 * 1e6 / n as f64,
            cpu2 / cpu.max(1e-9)
        );
    });
    let sample: Vec<String> = urls.iter().take(zeep_n).cloned().collect();
    if let Some(z) = zeep(&sample) {
        let d = z["devices"].as_f64().unwrap_or(1.0).max(1.0);
        let s = z["seconds"].as_f64().unwrap_or(0.0);
        let cpu = z["cpu_seconds"].as_f64().unwrap_or(0.0);
        println!(
            "onvif-zeep 0.2.12 (sequential, same work + its GetCapabilities) on {} devices: ok {} in {s:.3} s = {:.0} devices/s, CPU {:.0} us/device, maxrss {} KiB",
            d,
            z["ok"],
            d / s.max(1e-9),
            cpu * 1e6 / d,
            z["maxrss_kib"]
        );
        rt.block_on(async {
            let (secs, cpu, ok) = identify_all(&sample, 1, true).await;
            println!(
                "handover-devices, same {} devices one at a time: ok {ok} in {secs:.3} s = {:.0} devices/s, CPU {:.0} us/device",
                sample.len(),
                sample.len() as f64 / secs,
                cpu * 1e6 / sample.len() as f64
            );
        });
    }
    drop(sim);

    // Identification at 50 ms of device latency.
    let m50 = manifest(n, Ipv4Addr::new(127, 111, 0, 2), 50);
    let sim = start_sim(&m50);
    let urls = xaddrs(&m50);
    rt.block_on(async {
        let (secs, cpu, ok) = identify_all(&urls, concurrency, true).await;
        // Two requests per device (clock, GetDeviceInformation), each waiting 50 ms.
        let bound = concurrency as f64 / (2.0 * 0.050);
        let rate = n as f64 / secs;
        println!(
            "identify @50 ms, shared client: {ok}/{n} in {secs:.3} s = {rate:.0} devices/s; bound {bound:.0}/s (concurrency / 2 x 50 ms) -> {:.2} of the bound; CPU {:.0} us/device",
            rate / bound,
            cpu * 1e6 / n as f64
        );
    });
    drop(sim);
    println!("peak memory (VmHWM) of this process: {} KiB", vm_hwm_kib());
}

/// The package folder, read when the test runs (not baked in at build time), so a test binary built
/// from another checkout of the same commit still finds this checkout's files.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
}
