//! Discovery on the simulated demo site over real sockets on loopback: every device found once, identified
//! where ONVIF allows without credentials, and every planned subnet accounted for.

use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};

use handover_engine::devices::discovery::ProbeOptions;
use handover_engine::devices::{ClientOptions, DeviceClient};
use handover_engine::discover::DiscoverOptions;
use handover_engine::model::{FixedClock, Plan, Site};
use handover_engine::progress::silent;
use handover_engine::{NewProject, Session};
use handover_sim::{Addressing, SimSite, SiteManifest, SpawnOptions};
use time::macros::datetime;
use tokio_util::sync::CancellationToken;

/// Each test gets its own ports so the demo site's fixed addresses never collide between tests.
fn ports() -> (u16, u16) {
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let base = 20_000 + (std::process::id() % 500) as u16 * 40 + n * 2;
    (base, base + 1)
}

pub async fn demo_site() -> (SimSite, u16) {
    let (http, wsd) = ports();
    let opts = SpawnOptions {
        addressing: Addressing::PerDevice {
            http_port: http,
            discovery_port: wsd,
        },
        status: None,
        switch_port: Some(0),
        ..SpawnOptions::default()
    };
    (
        SimSite::spawn(SiteManifest::demo(), opts)
            .await
            .expect("demo site spawns"),
        wsd,
    )
}

fn project(dir: &std::path::Path) -> Session {
    let clock = Arc::new(FixedClock(datetime!(2026-11-22 10:00 UTC)));
    let plan = Plan::from_csv(include_bytes!("../../../assets/demo/plan.csv")).unwrap();
    let site = Site {
        name: "Demo".into(),
        technician: "Ana".into(),
        ..Site::default()
    };
    Session::create(
        NewProject {
            path: dir.join("d.handover"),
            site,
            plan: Some((plan, "plan.csv".into())),
        },
        clock,
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_site_is_found_whole_and_identified_where_onvif_allows() {
    let (site, wsd_port) = demo_site().await;
    let dir = tempfile::tempdir().unwrap();
    let mut s = project(dir.path());
    let client = DeviceClient::new(ClientOptions::default());
    let opts = DiscoverOptions {
        multicast: false,
        probe: ProbeOptions {
            port: wsd_port,
            ..ProbeOptions::default()
        },
        ..DiscoverOptions::default()
    };
    let sum = s
        .discover(&client, None, &opts, &CancellationToken::new(), &silent())
        .await
        .unwrap();
    let expected = site.devices().len();
    assert_eq!(sum.found, expected, "{sum:#?}");
    assert_eq!(sum.new, expected);
    let devices = s.project().devices().unwrap();
    assert_eq!(devices.len(), expected);
    // Every device got its role from its scopes, and its address matches the simulator's.
    for d in &devices {
        assert!(d.role.is_some(), "{} has no role", d.id);
        assert!(
            site.devices()
                .iter()
                .any(|h| std::net::IpAddr::V4(h.ip()) == d.address),
            "{} at an unknown address",
            d.address
        );
    }
    // Each planned subnet has its line.
    assert_eq!(sum.subnets.len(), 3);
    assert!(
        sum.subnets.iter().all(|l| l.outcome == "found"),
        "{:?}",
        sum.subnets
    );
    assert!(sum.identified > 0);
    // Discovery again finds the same devices, not new ones.
    let again = s
        .discover(&client, None, &opts, &CancellationToken::new(), &silent())
        .await
        .unwrap();
    assert_eq!((again.found, again.new), (expected, 0));
    assert_eq!(s.project().devices().unwrap().len(), expected);
    site.shutdown();
}
