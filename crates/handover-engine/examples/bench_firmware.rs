//! Benchmark: upgrade DEVICES simulated devices (default 500) with an IMAGE_MB image (default 60 MB) through a
//! simulated LINK_MBPS uplink (default 1,000 Mb/s), IN_FLIGHT at once per wave (default 50), each device rebooting
//! for REBOOT_MS (default 2,000 ms). Prints the time beside the bound — total bytes ÷ link rate + one reboot per
//! wave — and the peak memory the upgrade added (VmHWM before and after; images are streamed from disk, never
//! held whole per device). The simulated devices live in this process (loopback, 127.73.0.0/16), so the CPU
//! figure covers both sides: the devices hash every byte they receive.
//!
//! ```text
//! cargo run --release -p handover-engine --example bench_firmware [-- DEVICES IMAGE_MB LINK_MBPS IN_FLIGHT REBOOT_MS]
//! ```

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use handover_devices::discovery::ProbeOptions;
use handover_engine::credentials::Custody;
use handover_engine::discover::DiscoverOptions;
use handover_engine::firmware::Upgrader;
use handover_engine::progress::silent;
use handover_engine::{Env, NewProject, Session};
use handover_model::{DeviceId, Plan, Site};
use handover_policy::Catalogs;
use handover_policy::catalog::firmware::FirmwareBaseline;
use handover_policy::checks::Settings;
use handover_sim::{Addressing, FaultSpec, SimSite, SiteManifest, SpawnOptions};
use handover_vault::MemoryStore;
use sha2::Digest as _;
use tokio_util::sync::CancellationToken;

#[path = "common/proc.rs"]
mod proc;

use proc::{cpu_secs, peak_rss_mib};

const FROM: &str = "1.4.0";
const TO: &str = "1.6.0";

fn arg(i: usize, default: u64) -> u64 {
    std::env::args()
        .nth(i)
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (n, image_mb, link_mbps, in_flight, reboot_ms) = (
        arg(1, 500) as usize,
        arg(2, 60),
        arg(3, 1000),
        arg(4, 50) as usize,
        arg(5, 2000),
    );
    let mut manifest = SiteManifest::generated(n, Ipv4Addr::new(127, 73, 0, 2));
    for d in &mut manifest.devices {
        d.firmware = Some(FROM.into());
        d.faults = FaultSpec {
            firmware_reboot_ms: reboot_ms,
            ..FaultSpec::default()
        };
    }
    let model = manifest.devices[0].effective_model().to_owned();
    let site = SimSite::spawn(
        manifest,
        SpawnOptions {
            addressing: Addressing::PerDevice {
                http_port: 18_640,
                discovery_port: 18_641,
            },
            status: None,
            ..SpawnOptions::default()
        },
    )
    .await?;
    let dir = tempfile::tempdir()?;
    let folder = dir.path().join("firmware");
    std::fs::create_dir(&folder)?;
    let image = folder.join("generic.bin");
    handover_sim::firmware::write_image_file(&image, "Generic", &model, TO, image_mb * 1_000_000)?;
    let size = std::fs::metadata(&image)?.len();
    let sha = {
        let mut h = sha2::Sha256::new();
        std::io::copy(&mut std::fs::File::open(&image)?, &mut h)?;
        hex::encode(h.finalize())
    };
    let text = format!(
        "{}\n[[image]]\nvendor = \"generic\"\nfamily = \"Generic ONVIF devices\"\nversion = \"{TO}\"\nsha256 = \"{sha}\"\n",
        include_str!("../../../assets/catalogs/firmware-baseline.toml")
    );
    let catalogs = Catalogs {
        firmware: FirmwareBaseline::parse(text.as_bytes(), "bench")?,
        ..Catalogs::built_in()
    };
    let prefix = if n > 4_000 { 18 } else { 20 };
    let plan = Plan::from_csv(
        format!(
            "vlan_id,name,subnet,gateway,roles\n73,Bench,127.73.0.0/{prefix},127.73.0.1,camera\n"
        )
        .as_bytes(),
    )?;
    let s = Session::create(
        NewProject {
            path: dir.path().join("b.handover"),
            site: Site {
                name: "Bench".into(),
                technician: "Bench".into(),
                ..Site::default()
            },
            plan: Some((plan, "bench".into())),
        },
        Env::os()
            .with_keyring(Arc::new(MemoryStore::new()))
            .with_catalogs(catalogs),
    )?;
    s.set_firmware_folder(&folder)?;
    let (cancel, progress) = (CancellationToken::new(), silent());
    let opts = DiscoverOptions {
        multicast: false,
        probe: ProbeOptions {
            port: 18_641,
            ..ProbeOptions::default()
        },
        identify_concurrency: 64,
        ..DiscoverOptions::default()
    };
    let t = Instant::now();
    s.discover(&opts, &cancel, &progress).await?;
    let cx = Custody {
        concurrency: 64,
        plain_http: true,
        cancel: &cancel,
        progress: &progress,
    };
    s.find_defaults(&cx, &[]).await?;
    let ids: Vec<DeviceId> = s.devices()?.iter().map(|d| d.id).collect();
    s.identify(&ids, 64, &cancel, &progress).await?;
    let setup_s = t.elapsed().as_secs_f64();
    let planned = s.firmware_plan(&[], None)?.upgrades().count();
    let settings = Settings {
        max_clock_skew_secs: 10,
        today: time::OffsetDateTime::now_utc().date(),
    };
    let rate = link_mbps * 1_000_000 / 8;
    let up = Upgrader {
        settings: &settings,
        in_flight,
        uplink_bytes_per_sec: rate,
        reboot_wait: Some(Duration::from_secs(60)),
        cancel: &cancel,
        progress: &progress,
    };
    let (hwm0, cpu0) = (peak_rss_mib(), cpu_secs());
    let t = Instant::now();
    let r = s.firmware_upgrade(&up, &[], None).await?;
    let elapsed = t.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu0;
    let hwm1 = peak_rss_mib();
    let upgraded = r.outcomes.iter().filter(|o| o.is_upgraded()).count();
    let waves = 1 + planned.saturating_sub(1).div_ceil(in_flight.max(1));
    let bound = r.bytes_sent as f64 / rate as f64 + waves as f64 * reboot_ms as f64 / 1000.0;
    let running: usize = site.devices().iter().filter(|d| d.firmware() == TO).count();
    println!(
        "{n} devices, {:.1} MB image, {link_mbps} Mb/s uplink, {in_flight} in flight, {reboot_ms} ms reboot: set-up {setup_s:.1} s; \
         {upgraded}/{planned} upgraded and proven ({running} devices run {TO}) in {elapsed:.1} s over {waves} waves; \
         {:.2} GB sent; bound {bound:.1} s (bytes / link {:.1} s + {waves} reboots) -> ratio {:.2}; CPU {cpu:.1} s (devices' hashing included); \
         peak memory {hwm0:.0} MiB before, {hwm1:.0} MiB after (+{:.0} MiB during the upgrade)",
        size as f64 / 1e6,
        r.bytes_sent as f64 / 1e9,
        r.bytes_sent as f64 / rate as f64,
        bound / elapsed,
        hwm1 - hwm0,
    );
    site.shutdown();
    Ok(())
}
