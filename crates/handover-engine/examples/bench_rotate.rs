//! Benchmark: rotate 1,000 (or DEVICES) simulated devices with the vault key in the real OS keyring, at 0 ms and 50 ms of device latency,
//! journal and keyring writes included, and compare with the bound set by latency and concurrency
//! (devices × requests per device × latency ÷ concurrency). Prints the figures for BENCHMARKS.md.
//!
//! ```text
//! bash scripts/with-keyring.sh cargo run --release -p handover-engine --example bench_rotate [-- DEVICES]
//! cargo run --release -p handover-engine --example bench_rotate -- DEVICES --memory-keyring
//! ```
//!
//! The second form swaps the OS keyring for the in-memory test double, to show how the rest of the work (device
//! IO, journal writes, password generation) fares against the bound on its own.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use handover_devices::discovery::ProbeOptions;
use handover_engine::credentials::Custody;
use handover_engine::discover::DiscoverOptions;
use handover_engine::progress::silent;
use handover_engine::{Env, NewProject, Session};
use handover_model::{Plan, Site};
use handover_policy::Catalogs;
use handover_sim::{Addressing, FaultSpec, SimSite, SiteManifest, SpawnOptions};
use handover_vault::{
    CredentialStore, EntryKey, MemoryStore, OsKeyring, PasswordPolicy, SecretString, VaultError,
};
use tokio_util::sync::CancellationToken;

#[path = "common/proc.rs"]
mod proc;

use proc::{cpu_secs, peak_rss_mib};

const CONCURRENCY: usize = 64;

/// The keyring, counting the calls that reach it (writes: put and delete; reads: get).
struct Counting {
    inner: Box<dyn CredentialStore>,
    writes: AtomicU64,
    reads: AtomicU64,
}

impl CredentialStore for Counting {
    fn put(&self, key: &EntryKey, secret: &SecretString) -> Result<(), VaultError> {
        self.writes.fetch_add(1, Ordering::Relaxed);
        self.inner.put(key, secret)
    }
    fn get(&self, key: &EntryKey) -> Result<SecretString, VaultError> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        self.inner.get(key)
    }
    fn delete(&self, key: &EntryKey) -> Result<bool, VaultError> {
        self.writes.fetch_add(1, Ordering::Relaxed);
        self.inner.delete(key)
    }
    fn list(&self, project_id: &str) -> Result<Vec<EntryKey>, VaultError> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        self.inner.list(project_id)
    }
}

async fn run(
    n: usize,
    latency_ms: u64,
    keyring: &Arc<Counting>,
) -> Result<(), Box<dyn std::error::Error>> {
    let first = Ipv4Addr::new(127, 70, 0, 2);
    let site = SimSite::spawn(
        SiteManifest::generated(n, first),
        SpawnOptions {
            addressing: Addressing::PerDevice {
                http_port: 18_600,
                discovery_port: 18_601,
            },
            status: None,
            ..SpawnOptions::default()
        },
    )
    .await?;
    let dir = tempfile::tempdir()?;
    let prefix = if n > 4_000 { 18 } else { 20 };
    let plan = Plan::from_csv(
        format!(
            "vlan_id,name,subnet,gateway,roles\n70,Bench,127.70.0.0/{prefix},127.70.0.1,camera\n"
        )
        .as_bytes(),
    )?;
    let info = Site {
        name: "Bench".into(),
        technician: "Bench".into(),
        ..Site::default()
    };
    let s = Session::create(
        NewProject {
            path: dir.path().join("b.handover"),
            site: info,
            plan: Some((plan, "bench".into())),
        },
        Env::os()
            .with_keyring(keyring.clone())
            .with_catalogs(Catalogs::built_in()),
    )?;
    let cancel = CancellationToken::new();
    let progress = silent();
    let opts = DiscoverOptions {
        multicast: false,
        probe: ProbeOptions {
            port: 18_601,
            ..ProbeOptions::default()
        },
        identify_concurrency: CONCURRENCY,
        ..DiscoverOptions::default()
    };
    let t = Instant::now();
    s.discover(&opts, &cancel, &progress).await?;
    let discover_s = t.elapsed().as_secs_f64();
    let cx = Custody {
        concurrency: CONCURRENCY,
        plain_http: true,
        cancel: &cancel,
        progress: &progress,
    };
    let t = Instant::now();
    let found = s.find_defaults(&cx, &[]).await?;
    let find_s = t.elapsed().as_secs_f64();
    for d in site.devices() {
        d.set_faults(FaultSpec {
            latency_ms,
            ..FaultSpec::default()
        });
    }
    let before: u64 = site.devices().iter().map(|d| d.counters().requests).sum();
    let (w0, r0) = (
        keyring.writes.load(Ordering::Relaxed),
        keyring.reads.load(Ordering::Relaxed),
    );
    let cpu0 = cpu_secs();
    let t = Instant::now();
    let r = s.rotate(&cx, &PasswordPolicy::default(), &[]).await?;
    let elapsed = t.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu0;
    let requests: u64 = site
        .devices()
        .iter()
        .map(|d| d.counters().requests)
        .sum::<u64>()
        - before;
    let per_device = requests as f64 / r.rotated.max(1) as f64;
    let bound = r.rotated as f64 * per_device * latency_ms as f64 / 1000.0 / CONCURRENCY as f64;
    let writes = keyring.writes.load(Ordering::Relaxed) - w0;
    let reads = keyring.reads.load(Ordering::Relaxed) - r0;
    println!(
        "latency {latency_ms:>2} ms: discover {discover_s:.2} s, find-defaults {find_s:.2} s (both at 0 ms); {} defaults found, {} rotated in {elapsed:.2} s ({:.0} devices/s); {per_device:.1} requests/device; \
         bound {bound:.2} s -> {}; keyring: {writes} writes + {reads} reads, {:.0} writes/s; CPU {:.2} ms/device; peak RSS {:.0} MiB",
        found.defaults_found,
        r.rotated,
        r.rotated as f64 / elapsed,
        if latency_ms == 0 {
            "n/a at 0 ms".to_owned()
        } else {
            format!("ratio {:.2}", bound / elapsed)
        },
        writes as f64 / elapsed,
        cpu * 1000.0 / r.rotated.max(1) as f64,
        peak_rss_mib(),
    );
    for k in keyring.inner.list(&s.project_id().to_string())? {
        keyring.inner.delete(&k)?;
    }
    site.shutdown();
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    // `--memory-keyring`: the in-memory test double instead of the OS keyring, to measure everything else
    // (device IO, journal, generation) against the bound on its own.
    let memory = std::env::args().any(|a| a == "--memory-keyring");
    let inner: Box<dyn CredentialStore> = if memory {
        Box::new(MemoryStore::new())
    } else {
        Box::new(OsKeyring::open()?)
    };
    let keyring = Arc::new(Counting {
        inner,
        writes: AtomicU64::new(0),
        reads: AtomicU64::new(0),
    });
    println!(
        "rotate {n} simulated devices, concurrency {CONCURRENCY}, {}",
        if memory {
            "in-memory keyring (test double: the OS keyring left out)"
        } else {
            "real OS keyring"
        }
    );
    for latency in [0, 50] {
        run(n, latency, &keyring).await?;
    }
    Ok(())
}
