//! What the engine's tests share: simulated sites on ports of their own per test (the demo site's device
//! addresses are fixed), a project with the demo plan, the test environment (an in-memory keyring double, the
//! built-in catalogs) and unicast discovery options.

use std::path::Path;
use std::sync::Arc;

use handover_devices::discovery::ProbeOptions;
use handover_engine::discover::DiscoverOptions;
use handover_engine::{Env, NewProject, Session};
use handover_model::{Plan, Site};
use handover_sim::{Addressing, SimSite, SiteManifest, SpawnOptions};

/// An HTTP and a WS-Discovery port the kernel says are free on every address now (HTTP + 363, where a device
/// serves HTTPS, too). Nothing is sent: the sockets are only bound, then closed for the site to take.
fn free_ports() -> Option<(u16, u16)> {
    let http = std::net::TcpListener::bind(("0.0.0.0", 0)).ok()?;
    let port = http.local_addr().ok()?.port();
    let _https = std::net::TcpListener::bind(("0.0.0.0", port.checked_add(363)?)).ok()?;
    let wsd = std::net::UdpSocket::bind(("0.0.0.0", 0)).ok()?;
    Some((port, wsd.local_addr().ok()?.port()))
}

/// The demo site on ports of its own; returns it with its WS-Discovery port.
pub async fn demo_site() -> (SimSite, u16) {
    site(SiteManifest::demo()).await
}

/// A site from `manifest` on ports of its own, which the kernel chose (every device on its own address shares
/// them, as on a real site); returns it with its WS-Discovery port. Another test taking the same ports between
/// the choice and the site's binding makes the spawn fail: it is tried again on other ports.
pub async fn site(manifest: SiteManifest) -> (SimSite, u16) {
    let mut last = String::new();
    for _ in 0..20 {
        let Some((http, wsd)) = free_ports() else {
            continue;
        };
        let opts = SpawnOptions {
            addressing: Addressing::PerDevice {
                http_port: http,
                discovery_port: wsd,
            },
            status: None,
            switch_port: Some(0),
            ..SpawnOptions::default()
        };
        match SimSite::spawn(manifest.clone(), opts).await {
            Ok(site) => return (site, wsd),
            Err(e) => last = e.to_string(),
        }
    }
    panic!("the site did not spawn on free ports in 20 tries: {last}");
}

/// A test environment: the system clock, a device client with the default limits, the built-in catalogs and
/// `keyring` (an in-memory double) for the vault key.
pub fn env_with(keyring: Arc<handover_vault::MemoryStore>) -> Env {
    Env::os()
        .with_keyring(keyring)
        .with_catalogs(handover_policy::Catalogs::built_in())
}

/// A new project with the demo plan in `dir`, with a keyring of its own.
pub fn demo_project(dir: &Path, name: &str) -> Session {
    demo_project_in(
        dir,
        name,
        env_with(Arc::new(handover_vault::MemoryStore::new())),
    )
}

/// A new project with the demo plan in `dir`, in `env`.
pub fn demo_project_in(dir: &Path, name: &str, env: Env) -> Session {
    let plan = Plan::from_csv(include_bytes!("../../../assets/demo/plan.csv")).unwrap();
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
        env,
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

/// Discovers the demo site into a new project in `dir` (unicast, no credentials); returns it with how many
/// devices told their MAC.
pub async fn discovered_demo(wsd_port: u16, dir: &Path, name: &str) -> (Session, usize) {
    let sess = demo_project(dir, name);
    sess.discover(
        &unicast(wsd_port),
        &tokio_util::sync::CancellationToken::new(),
        &handover_engine::progress::silent(),
    )
    .await
    .unwrap();
    let with_mac = sess
        .devices()
        .unwrap()
        .iter()
        .filter(|d| d.identity.mac.is_some())
        .count();
    assert!(with_mac > 0, "identification tells some MACs");
    (sess, with_mac)
}

/// For every device the project located on a switch: its name, the recorded port and VLAN, and the simulated
/// device's wiring (port, port VLAN). Panics when nothing was located.
pub fn located_vs_wiring(
    sess: &Session,
    site: &SimSite,
) -> Vec<(String, String, u16, u16, Option<u16>)> {
    let mut out = Vec::new();
    for d in sess.devices().unwrap() {
        let Some(sw) = &d.facts.switch_port else {
            continue;
        };
        let h = site
            .devices()
            .iter()
            .find(|h| std::net::IpAddr::V4(h.ip()) == d.address)
            .unwrap();
        let (port, vlan) = h.switch_port();
        out.push((h.name().to_owned(), sw.port.clone(), sw.vlan, port, vlan));
    }
    assert!(!out.is_empty(), "no device was located");
    out
}

/// What a custody run needs besides the session: the in-memory keyring the session's environment holds (the
/// vault key only), no cancellation, silent progress.
pub struct Kit {
    pub keyring: Arc<handover_vault::MemoryStore>,
    pub cancel: tokio_util::sync::CancellationToken,
    pub progress: handover_engine::progress::ProgressFn,
}

impl Kit {
    /// A fresh kit with an empty in-memory keyring.
    pub fn quiet() -> Self {
        Kit {
            keyring: Arc::new(handover_vault::MemoryStore::new()),
            cancel: tokio_util::sync::CancellationToken::new(),
            progress: handover_engine::progress::silent(),
        }
    }

    /// The test environment with this kit's keyring.
    pub fn env(&self) -> Env {
        env_with(self.keyring.clone())
    }

    /// Custody over this kit, 4 devices at once, plain HTTP allowed.
    pub fn custody(&self) -> handover_engine::credentials::Custody<'_> {
        handover_engine::credentials::Custody {
            concurrency: 4,
            plain_http: true,
            cancel: &self.cancel,
            progress: &self.progress,
        }
    }
}

/// A site from `manifest` on its own ports, discovered (unicast, no keyring) into a new project named `name`.
pub async fn discovered_site(
    manifest: SiteManifest,
    name: &str,
) -> (SimSite, Session, tempfile::TempDir, Kit) {
    let (site, wsd) = site(manifest).await;
    let dir = tempfile::tempdir().unwrap();
    let kit = Kit::quiet();
    let s = demo_project_in(dir.path(), name, kit.env());
    s.discover(&unicast(wsd), &kit.cancel, &kit.progress)
        .await
        .unwrap();
    (site, s, dir, kit)
}

/// The checks' settings for today.
pub fn settings(s: &Session) -> handover_policy::checks::Settings {
    handover_policy::checks::Settings {
        max_clock_skew_secs: 10,
        today: s.today(),
    }
}

/// The project's device at the simulated device `name`'s address.
pub fn id_at(s: &Session, site: &SimSite, name: &str) -> handover_model::DeviceId {
    let ip = std::net::IpAddr::V4(site.device(name).unwrap().ip());
    s.devices()
        .unwrap()
        .into_iter()
        .find(|d| d.address == ip)
        .unwrap_or_else(|| panic!("no device at {name}'s address"))
        .id
}
