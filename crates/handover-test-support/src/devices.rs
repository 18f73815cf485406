//! What the device layer's tests share: the demo site moved to a loopback range of the test's own
//! (so parallel tests and other engineers' demo runs never collide), unicast-only discovery options,
//! and the credentials the manifest gives each device.

use std::time::Duration;

use handover_devices::discovery::ProbeOptions;
use handover_devices::discovery::sweep::SweepOptions;
use handover_devices::{ClientOptions, Credentials, DeviceClient};
use handover_sim::{Addressing, SimSite, SiteManifest, SpawnOptions};

/// The demo manifest with 127.20/30/40 moved to 127.<base>/<base+10>/<base+20>.
pub fn demo_at(base: u8) -> SiteManifest {
    let text = handover_sim::manifest::DEMO_SITE_TOML
        .replace("127.20.", &format!("127.{}.", base))
        .replace("127.30.", &format!("127.{}.", base + 10))
        .replace("127.40.", &format!("127.{}.", base + 20));
    let mut m = SiteManifest::from_toml(&text).expect("remapped demo manifest is valid");
    // The switch is not ours to test, and its fixed SNMP address would collide between runs.
    m.switch = None;
    m
}

/// Own addresses, WS-Discovery on 3702 (what a sweep probes), HTTP ephemeral, no status, no switch.
pub fn spawn_options(app_max_delay: Duration) -> SpawnOptions {
    let mut o = SpawnOptions {
        addressing: Addressing::PerDevice {
            http_port: 0,
            discovery_port: 3702,
        },
        status: None,
        ..SpawnOptions::default()
    };
    o.discovery_options.app_max_delay = app_max_delay;
    o
}

/// Spawns a manifest with [`spawn_options`].
pub async fn spawn(manifest: SiteManifest, app_max_delay: Duration) -> SimSite {
    SimSite::spawn(manifest, spawn_options(app_max_delay))
        .await
        .expect("simulated site starts")
}

/// Unicast-only sweep options matching the sim's APP_MAX_DELAY.
pub fn sweep_options(app_max_delay: Duration, client: Option<DeviceClient>) -> SweepOptions {
    SweepOptions {
        probe: ProbeOptions {
            app_max_delay,
            margin: Duration::from_millis(150),
            attempts: 3,
            ..ProbeOptions::default()
        },
        follow_up_ports: vec![8080],
        follow_up_timeout: Duration::from_millis(500),
        client,
        ..SweepOptions::default()
    }
}

/// A client with short timeouts for tests.
pub fn client() -> DeviceClient {
    DeviceClient::new(ClientOptions {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(3),
        max_body: 256 * 1024,
        ..ClientOptions::default()
    })
}

/// The credentials the manifest gives device `i` (None for devices without a password yet).
pub fn creds_of(site: &SimSite, i: usize) -> Option<Credentials> {
    let spec = &site.manifest().devices[i];
    spec.effective_password()
        .map(|p| Credentials::new(spec.effective_username(), p))
}
