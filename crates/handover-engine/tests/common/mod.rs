//! Shared set-up for the engine's tests against the simulated demo site: ports of their own per test (the demo
//! site's device addresses are fixed), the site, a project with the demo plan, and unicast discovery options.
#![allow(dead_code)] // each test binary uses a different part of this module

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};

use handover_engine::devices::discovery::ProbeOptions;
use handover_engine::discover::DiscoverOptions;
use handover_engine::model::{Plan, Site, SystemClock};
use handover_engine::{NewProject, Session};
use handover_sim::{Addressing, SimSite, SiteManifest, SpawnOptions};

/// An HTTP and a WS-Discovery port for one test, distinct per test and per process (`base` per test file).
pub fn ports(base: u16) -> (u16, u16) {
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let port = base + (std::process::id() % 400) as u16 * 40 + n * 2;
    (port, port + 1)
}

/// The demo site on its own ports; returns it with its WS-Discovery port.
pub async fn demo_site(base: u16) -> (SimSite, u16) {
    let (http, wsd) = ports(base);
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
            .expect("the demo site spawns"),
        wsd,
    )
}

/// A new project with the demo plan in `dir`.
pub fn demo_project(dir: &Path, name: &str) -> Session {
    let plan = Plan::from_csv(include_bytes!("../../../../assets/demo/plan.csv")).unwrap();
    let site = Site {
        name: name.into(),
        technician: "Ana".into(),
        ..Site::default()
    };
    let path = dir.join(format!("{name}.handover"));
    Session::create(
        NewProject {
            path,
            site,
            plan: Some((plan, "plan.csv".into())),
        },
        Arc::new(SystemClock),
    )
    .unwrap()
}

/// Unicast-only discovery on the given WS-Discovery port (never multicast from the root namespace).
pub fn unicast(wsd_port: u16) -> DiscoverOptions {
    DiscoverOptions {
        multicast: false,
        probe: ProbeOptions {
            port: wsd_port,
            ..ProbeOptions::default()
        },
        ..DiscoverOptions::default()
    }
}
