//! What the walk needs: a signed handover PDF made with handover-report's own API (a sample model naming the
//! integrator, a fresh integrator CA), its tampered twin (one byte flipped inside the signed range), a report
//! signed by the same identity that names another integrator (intact and chaining to the CA, yet amber), a plan
//! CSV with an error, and the simulated demo site the app discovers and takes custody of.

use std::path::{Path, PathBuf};

use handover_report::{RenderOptions, SigningIdentity, render, sign};
use rand::SeedableRng;

/// Paths written into `dir`.
pub struct Fixtures {
    pub signed: PathBuf,
    pub tampered: PathBuf,
    pub foreign: PathBuf,
    pub ca_pem: PathBuf,
    pub bad_plan: PathBuf,
}

pub fn write(dir: &Path) -> Fixtures {
    let now = time::OffsetDateTime::now_utc();
    let mut model = handover_report::sample::sample_model(12, now);
    // The other integrator's report: the sample's own integrator, not the signer's organisation.
    let foreign = render(&model, &RenderOptions::default()).expect("render");
    model.site.integrator = "Example Security".into();
    let pdf = render(&model, &RenderOptions::default()).expect("render");
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let (ca, id) =
        SigningIdentity::create_integrator_ca("Ana Lopez", "Example Security", now, &mut rng)
            .expect("identity");
    let signed = sign(&pdf, &id, now).expect("sign");
    let foreign = sign(&foreign, &id, now).expect("sign");
    let mut tampered = signed.clone();
    tampered[pdf.len() / 2] ^= 0x01;
    let f = Fixtures {
        signed: dir.join("handover-report.pdf"),
        tampered: dir.join("handover-report-tampered.pdf"),
        foreign: dir.join("handover-report-other-integrator.pdf"),
        ca_pem: dir.join("integrator-ca.pem"),
        bad_plan: dir.join("bad-plan.csv"),
    };
    std::fs::write(&f.signed, &signed).unwrap();
    std::fs::write(&f.tampered, &tampered).unwrap();
    std::fs::write(&f.foreign, &foreign).unwrap();
    std::fs::write(&f.ca_pem, ca.ca_cert_pem.as_bytes()).unwrap();
    std::fs::write(
        &f.bad_plan,
        "vlan_id,name,subnet,gateway,roles\n20,Cameras,10.20.0.0/24,10.20.0.1,camera\n30,Doors,10.30.0.0/33,10.30.0.1,access-control\n",
    )
    .unwrap();
    f
}

/// The built-in demo site (24 devices on 127.20/30/40.x, HTTP 8080, WS-Discovery 3702: what the app's
/// discovery sweeps), on a runtime of its own so it answers while the walk waits on the window. Its devices
/// also send their Hello and Bye to `hello_to` (the app's listener, on loopback: no multicast anywhere).
/// One device reboots quickly, so the walk can have it say Bye and Hello while the app is open.
pub struct DemoSite {
    running: Option<(tokio::runtime::Runtime, handover_sim::SimSite)>,
}

/// The demo device the walk reboots.
pub const REBOOTING: &str = "icom-main-01";

/// The demo's outdated cameras (Hikvision, Dahua), which the walk upgrades, and the versions it brings them to.
pub const OUTDATED: [&str; 2] = ["cam-parking-03", "cam-corridor-06"];
pub const HIK_TO: &str = handover_sim::firmware::DEMO_HIK_TO;
pub const DAHUA_TO: &str = handover_sim::firmware::DEMO_DAHUA_TO;

/// A folder with the vendors' images for the outdated cameras (not in the signed catalog: the walk accepts
/// them with a reason).
pub fn firmware_folder(dir: &std::path::Path) -> std::path::PathBuf {
    let folder = dir.join("firmware");
    handover_sim::firmware::write_demo_images(&folder).unwrap();
    folder
}

impl DemoSite {
    pub fn spawn(hello_to: std::net::SocketAddr) -> Self {
        use handover_sim::{DiscoveryOptions, SiteManifest, SpawnOptions};
        let mut manifest = SiteManifest::demo();
        for d in manifest.devices.iter_mut().filter(|d| d.name == REBOOTING) {
            d.reboot_ms = Some(1_500);
        }
        // The two outdated cameras the walk upgrades come back from a firmware reboot quickly.
        for d in manifest
            .devices
            .iter_mut()
            .filter(|d| OUTDATED.contains(&d.name.as_str()))
        {
            d.reboot_ms = Some(500);
        }
        let opts = SpawnOptions {
            discovery_options: DiscoveryOptions {
                hello_targets: vec![hello_to],
                ..DiscoveryOptions::default()
            },
            status: None,
            switch_port: Some(0),
            ..SpawnOptions::default()
        };
        // Started from a thread of its own: the walk's own runtime cannot block on another one.
        let running = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("a runtime for the simulated site");
            let site = rt
                .block_on(handover_sim::SimSite::spawn(manifest, opts))
                .expect("the demo site starts (is a demo or `handover-sim` running? stop it)");
            (rt, site)
        })
        .join()
        .expect("starting the simulated site");
        Self {
            running: Some(running),
        }
    }

    pub fn site(&self) -> &handover_sim::SimSite {
        &self.running.as_ref().expect("running").1
    }

    /// The device's account and the password the technician knows (the demo's one changed password).
    pub fn changed_password(&self) -> (String, String, std::net::Ipv4Addr) {
        let m = self.site().manifest();
        let d = m
            .devices
            .iter()
            .find(|d| {
                d.planted
                    .as_ref()
                    .is_some_and(|p| p.contains(&handover_sim::Planted::PasswordChanged))
            })
            .expect("the demo has a changed password");
        (
            d.username.clone().unwrap_or_else(|| "service".into()),
            d.password.clone().expect("its password"),
            d.address,
        )
    }
}

impl Drop for DemoSite {
    fn drop(&mut self) {
        // Stopped on a thread of its own too (a runtime cannot be dropped inside another).
        if let Some((rt, site)) = self.running.take() {
            let _ = std::thread::spawn(move || {
                let _guard = rt.enter();
                site.shutdown();
                drop(_guard);
                drop(rt);
            })
            .join();
        }
    }
}

/// A host on the demo plan's camera subnet that answers HTTP but not ONVIF (a camera with ONVIF switched off,
/// as recent Hikvision firmware ships): every request gets a 404. The sweep follows it up and the app lists
/// it as answered but not identified.
pub const NOT_ONVIF: &str = "127.20.0.250";

pub fn spawn_not_onvif_host() {
    use std::io::{Read as _, Write as _};
    let listener = std::net::TcpListener::bind((NOT_ONVIF, 8080)).expect("bind the not-ONVIF host");
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let _ = conn.set_read_timeout(Some(std::time::Duration::from_millis(500)));
            let mut buf = [0u8; 8192];
            let _ = conn.read(&mut buf);
            let _ = conn.write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 9\r\nConnection: close\r\n\r\nNot Found",
            );
        }
    });
}
