//! Firmware upgrades on simulated devices through the engine: the demo site's outdated cameras upgraded and
//! their firmware findings fixed by the re-check; every simulator failure mode told as it is (fell back, reset
//! to factory, new certificate re-pinned after proof, never back, refused image) with nothing else touched; a
//! failing canary holds the rest of the run; `recover` settles what was left open by asking the device.

use handover_test_support::engine as common;

use std::sync::Arc;
use std::time::Duration;

use handover_engine::Session;
use handover_engine::credentials::Custody;
use handover_engine::firmware::{UpgradeSummary, Upgrader};
use handover_engine::progress::silent;
use handover_model::{DeviceId, FindingStatus};
use handover_policy::Catalogs;
use handover_policy::catalog::firmware::FirmwareBaseline;
use handover_policy::checks::Settings;
use handover_sim::{DeviceHandle, FaultSpec, SimSite, SiteManifest};
use handover_vault::{MemoryStore, PasswordPolicy};
use sha2::Digest as _;
use tokio_util::sync::CancellationToken;

const HIK: (&str, &str, &str, &str) = (
    "hikvision",
    "Hikvision G2 network cameras",
    "Hikvision",
    "DS-2CD2*",
);
const HIK_TO: &str = "V5.7.23 build 240618";
const DAHUA_TO: &str = "V2.820.0000000.5.R";
const AXIS_TO: &str = "12.5.56";

/// The test's site: the demo's outdated cameras, an HTTPS-only Axis camera on an old version, and `copies`
/// more Hikvision cameras (each with the faults given), all rebooting in 300 ms.
fn manifest(copies: &[FaultSpec]) -> SiteManifest {
    let mut m = SiteManifest::demo();
    m.switch = None;
    m.devices.retain(|d| {
        ["cam-parking-03", "cam-corridor-06", "cam-entrance-01"].contains(&d.name.as_str())
    });
    for d in &mut m.devices {
        d.reboot_ms = Some(300);
        d.planted = None;
        if d.name == "cam-entrance-01" {
            d.firmware = Some("12.4.0".into());
        }
    }
    let hik = m
        .devices
        .iter()
        .find(|d| d.name == "cam-parking-03")
        .unwrap()
        .clone();
    for (i, f) in copies.iter().enumerate() {
        let mut d = hik.clone();
        d.name = format!("cam-hik-{i}");
        d.address = format!("127.20.0.{}", 100 + i).parse().unwrap();
        d.mac = None;
        d.switch_port = Some(100 + i as u16);
        d.faults = f.clone();
        m.devices.push(d);
    }
    m
}

struct Fixture {
    site: SimSite,
    session: Session,
    _dir: tempfile::TempDir,
}

fn image(dir: &std::path::Path, name: &str, vendor: &str, model: &str, version: &str) -> String {
    let bytes = handover_sim::firmware::image(vendor, model, version, 200_000);
    std::fs::write(dir.join(name), &bytes).unwrap();
    hex::encode(sha2::Sha256::digest(&bytes))
}

/// The built-in baseline with these approved images (as a signed update would carry them).
fn catalogs(images: &[(&str, &str, &str, String)]) -> Catalogs {
    let mut text = include_str!("../../../assets/catalogs/firmware-baseline.toml").to_owned();
    for (vendor, family, version, sha) in images {
        text.push_str(&format!(
            "\n[[image]]\nvendor = \"{vendor}\"\nfamily = \"{family}\"\nversion = \"{version}\"\nsha256 = \"{sha}\"\n"
        ));
    }
    Catalogs {
        firmware: FirmwareBaseline::parse(text.as_bytes(), "test").unwrap(),
        ..Catalogs::built_in()
    }
}

/// The site discovered, custody taken and rotated, checks run, the firmware folder holding an approved image
/// for each family (the Dahua one corrupted when `corrupt_dahua`).
async fn fixture(copies: &[FaultSpec], corrupt_dahua: bool) -> Fixture {
    let (site, wsd) = common::site(manifest(copies)).await;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("firmware");
    std::fs::create_dir(&folder).unwrap();
    let hik = image(&folder, "digicap.dav", HIK.2, HIK.3, HIK_TO);
    let axis = image(&folder, "axis.bin", "AXIS", "P32*", AXIS_TO);
    let mut dahua_bytes = handover_sim::firmware::image("Dahua", "IPC-HFW2*", DAHUA_TO, 200_000);
    if corrupt_dahua {
        dahua_bytes[5000] ^= 1;
    }
    std::fs::write(folder.join("dahua.bin"), &dahua_bytes).unwrap();
    let dahua = hex::encode(sha2::Sha256::digest(&dahua_bytes));
    let catalogs = catalogs(&[
        (HIK.0, HIK.1, HIK_TO, hik),
        ("dahua", "Dahua Lite IP cameras", DAHUA_TO, dahua),
        ("axis", "AXIS OS 12 cameras", AXIS_TO, axis),
    ]);
    // The session's catalogs are those that name the images (signed by the publisher in the field).
    let env = common::env_with(Arc::new(MemoryStore::new())).with_catalogs(catalogs);
    let session = common::demo_project_in(dir.path(), "fw", env);
    let (cancel, progress) = (CancellationToken::new(), silent());
    session
        .discover(&common::unicast(wsd), &cancel, &progress)
        .await
        .unwrap();
    session.set_firmware_folder(&folder).unwrap();
    let all: Vec<DeviceId> = session.devices().unwrap().iter().map(|d| d.id).collect();
    let cx = Custody {
        concurrency: 8,
        plain_http: true,
        cancel: &cancel,
        progress: &progress,
    };
    session.find_defaults(&cx, &all).await.unwrap();
    session
        .rotate(&cx, &PasswordPolicy::default(), &all)
        .await
        .unwrap();
    session.identify(&all, 8, &cancel, &progress).await.unwrap();
    session.run_checks(&[], &settings()).unwrap();
    Fixture {
        site,
        session,
        _dir: dir,
    }
}

fn settings() -> Settings {
    Settings {
        max_clock_skew_secs: 10,
        today: time::OffsetDateTime::now_utc().date(),
    }
}

impl Fixture {
    fn id(&self, name: &str) -> DeviceId {
        let ip = self.site.device(name).unwrap().ip();
        self.session
            .devices()
            .unwrap()
            .into_iter()
            .find(|d| d.address == std::net::IpAddr::V4(ip))
            .unwrap()
            .id
    }
    fn sim(&self, name: &str) -> &DeviceHandle {
        self.site.device(name).unwrap()
    }
    async fn upgrade(&mut self, only: &[DeviceId], wait: Option<Duration>) -> UpgradeSummary {
        let (cancel, progress, settings) = (CancellationToken::new(), silent(), settings());
        let up = Upgrader {
            settings: &settings,
            in_flight: 4,
            uplink_bytes_per_sec: 0,
            reboot_wait: wait,
            cancel: &cancel,
            progress: &progress,
        };
        self.session
            .firmware_upgrade(&up, only, None)
            .await
            .unwrap()
    }
    fn outcome(&self, s: &UpgradeSummary, name: &str) -> (String, String) {
        let id = self.id(name);
        let o = s
            .outcomes
            .iter()
            .find(|o| o.device == id)
            .unwrap_or_else(|| panic!("{name}: {s:#?}"));
        (o.outcome.clone(), o.detail.clone())
    }
    /// Runs `firmware_recover`: (settled upgraded, settled not upgraded, still open).
    async fn recover(&mut self) -> (usize, usize, usize) {
        let r = self.session.firmware_recover(&settings()).await.unwrap();
        println!("{r:#?}");
        (r.upgraded, r.not_upgraded, r.still_open)
    }
    fn firmware_finding(&self, name: &str) -> Option<FindingStatus> {
        let id = self.id(name);
        self.session
            .findings()
            .unwrap()
            .into_iter()
            .find(|f| f.device == id && f.check.starts_with("firmware."))
            .map(|f| f.status)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_sites_outdated_cameras_are_upgraded_and_their_findings_fixed() {
    let mut fx = fixture(&[], false).await;
    for name in ["cam-parking-03", "cam-corridor-06", "cam-entrance-01"] {
        assert_eq!(
            fx.firmware_finding(name),
            Some(FindingStatus::Open),
            "{name}"
        );
    }
    let plan = fx.session.firmware_plan(&[], None).unwrap();
    assert_eq!(plan.upgrades().count(), 3, "{plan:#?}");
    let s = fx.upgrade(&[], None).await;
    for (name, to) in [
        ("cam-parking-03", HIK_TO),
        ("cam-corridor-06", DAHUA_TO),
        ("cam-entrance-01", AXIS_TO),
    ] {
        assert_eq!(fx.outcome(&s, name).0, "upgraded", "{s:#?}");
        assert_eq!(fx.sim(name).firmware(), to);
        assert_eq!(
            fx.firmware_finding(name),
            Some(FindingStatus::Fixed),
            "{name}"
        );
        let d = fx.session.device(fx.id(name)).unwrap();
        assert_eq!(d.facts.firmware.as_deref(), Some(to));
    }
    assert!(s.bytes_sent > 3 * 200_000);
    let journal = fx.session.store_for_tests().upgrades(false).unwrap();
    assert_eq!(journal.len(), 3);
    assert!(
        journal
            .iter()
            .all(|u| u.phase == handover_store::firmware::UpgradePhase::Upgraded)
    );
    // The report: version before and after, the image's SHA-256, when, why it was trusted.
    let m = fx
        .session
        .report_model(time::OffsetDateTime::now_utc())
        .unwrap();
    assert_eq!(m.firmware_upgrades.len(), 3);
    for u in &m.firmware_upgrades {
        let j = journal
            .iter()
            .find(|j| j.device.to_string() == u.device_id)
            .unwrap();
        assert_eq!(
            (
                u.from.as_str(),
                u.to.as_str(),
                u.now.as_deref(),
                u.outcome.as_str()
            ),
            (
                j.from_version.as_str(),
                j.to_version.as_str(),
                Some(j.to_version.as_str()),
                "upgraded"
            )
        );
        assert_eq!(
            (u.image_sha256.as_str(), u.at),
            (j.image_sha256.as_str(), j.started_at)
        );
        assert_eq!(u.approval, "signed catalog");
    }
    // A second run has nothing left to do and sends nothing.
    let again = fx.upgrade(&[], None).await;
    assert!(again.outcomes.is_empty(), "{again:#?}");
    assert!(
        fx.session
            .store_for_tests()
            .audit_verify()
            .unwrap()
            .is_intact()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_failure_mode_is_told_as_it_is_and_recover_settles_by_asking() {
    let faults = [
        // A reboot long enough to be seen (real ones take minutes).
        FaultSpec {
            firmware_boot_fails: true,
            firmware_reboot_ms: 1500,
            ..FaultSpec::default()
        },
        FaultSpec {
            firmware_factory_reset: true,
            ..FaultSpec::default()
        },
        FaultSpec {
            firmware_new_certificate: true,
            ..FaultSpec::default()
        },
        FaultSpec {
            firmware_never_returns: true,
            ..FaultSpec::default()
        },
        FaultSpec {
            firmware_resets_network: true,
            ..FaultSpec::default()
        },
    ];
    let mut fx = fixture(&faults, true).await;
    let fp_before = fx
        .session
        .device(fx.id("cam-hik-2"))
        .unwrap()
        .facts
        .tls_fingerprint;
    assert!(
        fp_before.is_some(),
        "cam-hik-2 is reached over HTTPS and pinned"
    );
    let cases: [(&str, &str, &str); 6] = [
        ("cam-hik-0", "fell-back", "dual-bank"),
        ("cam-hik-1", "password-refused", "factory settings"),
        ("cam-hik-2", "upgraded", "new TLS certificate"),
        ("cam-hik-3", "not-back", "power-cycle"),
        ("cam-hik-4", "settings-changed", "network settings changed"),
        ("cam-corridor-06", "refused-image", "corrupted"),
    ];
    for (name, want, says) in cases {
        let id = fx.id(name);
        let s = fx.upgrade(&[id], Some(Duration::from_secs(4))).await;
        let (outcome, detail) = fx.outcome(&s, name);
        assert_eq!(outcome, want, "{name}: {detail}");
        assert!(detail.contains(says), "{name}: {detail}");
    }
    // Nothing else was touched: the devices not upgraded run what they had, and only the upgraded one moved.
    assert_eq!(fx.sim("cam-hik-0").firmware(), "V5.5.0 build 170725");
    assert_eq!(
        fx.sim("cam-corridor-06").firmware(),
        "V2.800.0000000.16.R.200805"
    );
    assert_eq!(fx.sim("cam-corridor-06").counters().reboots, 0);
    assert_eq!(fx.sim("cam-parking-03").firmware_upgrades(), 0);
    let hik2 = fx.session.device(fx.id("cam-hik-2")).unwrap();
    assert_eq!(hik2.facts.firmware.as_deref(), Some(HIK_TO));
    assert_ne!(
        hik2.facts.tls_fingerprint, fp_before,
        "re-pinned after proof"
    );
    assert_eq!(fx.firmware_finding("cam-hik-0"), Some(FindingStatus::Open));
    // Left open: the reset one and the one not back.
    let open: Vec<DeviceId> = fx
        .session
        .store_for_tests()
        .upgrades(true)
        .unwrap()
        .iter()
        .map(|u| u.device)
        .collect();
    assert_eq!(open, vec![fx.id("cam-hik-1"), fx.id("cam-hik-3")]);
    assert_eq!(fx.session.status().unwrap().unsettled_upgrades, 2);
    assert_eq!(fx.recover().await, (0, 0, 2));
    // On site: the stuck one is power-cycled, the reset one is given the held password again.
    fx.sim("cam-hik-3").set_faults(FaultSpec::default());
    fx.sim("cam-hik-3").reboot();
    let held = {
        let vault = fx.session.vault().unwrap();
        fx.session
            .held_credentials(&vault, fx.id("cam-hik-1"))
            .unwrap()
            .unwrap()
    };
    // One refused attempt per question, far below its lockout threshold (5).
    let refused = fx.sim("cam-hik-1").counters().failed_logins;
    assert!(refused <= 3, "{refused} refused logins on the reset device");
    // Hikvision comes back from a factory reset waiting for activation: the technician activates it with the
    // vendor's tool, giving its administrator the password Handover holds.
    assert_eq!(held.username, "admin");
    assert!(
        fx.sim("cam-hik-1")
            .activate_with_vendor_tool(held.password.expose())
    );
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(fx.recover().await, (2, 0, 0));
    assert!(
        fx.session
            .store_for_tests()
            .upgrades(true)
            .unwrap()
            .is_empty()
    );
    assert_eq!(fx.firmware_finding("cam-hik-3"), Some(FindingStatus::Fixed));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_canary_holds_the_rest_of_its_run() {
    let mut fx = fixture(
        &[
            FaultSpec::default(),
            FaultSpec::default(),
            FaultSpec::default(),
        ],
        false,
    )
    .await;
    let mut names = ["cam-hik-0", "cam-hik-1", "cam-hik-2"];
    // The canary is the model's first device in the plan (project order).
    names.sort_by_key(|n| fx.id(n));
    let [canary, rest @ ..] = names;
    fx.sim(canary).set_faults(FaultSpec {
        firmware_boot_fails: true,
        firmware_reboot_ms: 1500,
        ..FaultSpec::default()
    });
    let ids: Vec<DeviceId> = names.iter().map(|n| fx.id(n)).collect();
    let s = fx.upgrade(&ids, Some(Duration::from_secs(4))).await;
    assert!(s.stopped);
    assert_eq!(fx.outcome(&s, canary).0, "fell-back", "{s:#?}");
    assert_eq!(
        s.outcomes
            .iter()
            .find(|o| o.device == fx.id(canary))
            .unwrap()
            .wave,
        0
    );
    // Every outcome is audited: the waiting devices too.
    let skipped: Vec<String> = fx
        .session
        .audit_entries(0, 1000)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "firmware.skipped")
        .map(|e| e.subject)
        .collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    for n in rest {
        assert!(skipped.contains(&fx.id(n).to_string()));
        assert_eq!(fx.outcome(&s, n).0, "waiting", "{s:#?}");
        assert_eq!(fx.sim(n).firmware_upgrades(), 0);
        assert_eq!(fx.sim(n).counters().reboots, 0);
    }
}
