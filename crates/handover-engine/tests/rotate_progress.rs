//! Rotation reports each device as soon as its rotation ends, not all of them when the slowest is done: with
//! one camera answering 1.5 s late, every other device's progress event arrives well before that camera's.
//! (The keyring is a test double here: the subject is the progress stream; custody.rs uses the real one.)

use handover_test_support::engine as common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use handover_engine::credentials::Custody;
use handover_engine::progress::{Progress, ProgressFn, Step, silent};
use handover_sim::FaultSpec;
use handover_vault::PasswordPolicy;
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotation_progress_moves_per_device() {
    let (site, wsd) = common::demo_site().await;
    let dir = tempfile::tempdir().unwrap();
    let (s, _) = common::discovered_demo(wsd, dir.path(), "rotate-progress").await;
    let cancel = CancellationToken::new();
    let events: Arc<Mutex<Vec<(Instant, Progress)>>> = Arc::default();
    let sink = events.clone();
    let progress: ProgressFn = Arc::new(move |p: &Progress| {
        sink.lock().unwrap().push((Instant::now(), p.clone()));
    });
    let quiet = silent();
    let mut cx = Custody {
        concurrency: 8,
        plain_http: true,
        cancel: &cancel,
        progress: &quiet,
    };
    let found = s.find_defaults(&cx, &[]).await.unwrap();
    assert!(found.defaults_found > 2, "{found:#?}");

    let slow = site.device("cam-dock-05").unwrap().clone();
    slow.set_faults(FaultSpec {
        latency_ms: 1500,
        ..FaultSpec::default()
    });
    cx.progress = &progress;
    let r = s
        .rotate(&cx, &PasswordPolicy::default(), &[])
        .await
        .unwrap();
    assert_eq!(r.rotated, found.defaults_found, "{r:#?}");

    let events = events.lock().unwrap();
    let ticks: Vec<&(Instant, Progress)> = events
        .iter()
        .filter(|(_, p)| p.step == Step::Rotate && p.done > 0)
        .collect();
    assert_eq!(ticks.len(), r.rotated, "one event per device");
    let (last_at, last) = ticks.last().unwrap();
    let slow_id = r
        .devices
        .iter()
        .find(|d| last.message.starts_with(&format!("{}:", d.device)))
        .map(|d| d.device)
        .unwrap();
    let project_devices = s.devices().unwrap();
    let slow_device = project_devices
        .iter()
        .find(|d| d.address == std::net::IpAddr::V4(slow.ip()))
        .unwrap();
    assert_eq!(slow_id, slow_device.id, "the slow camera ends last");
    let (first_at, _) = ticks.first().unwrap();
    assert!(
        last_at.duration_since(*first_at) > Duration::from_secs(1),
        "the other devices were reported before the slow one finished"
    );
}
