//! Firmware upgrades from the command line against a simulated site running as its own process
//! (`handover-sim`), through the real OS keyring (run under scripts/with-keyring.sh): the demo site's outdated cameras are
//! planned (an image not in the signed catalog refused until accepted, an image for another model refused),
//! upgraded and their findings fixed by the re-check; then a campaign kills `firmware upgrade` with SIGKILL
//! mid-wave and `firmware recover` must settle every device on its own answer, the journal and the devices
//! agreeing. `HANDOVER_FW_CRASH_TRIALS` (default 4) and `HANDOVER_FW_CRASH_SEED` set the campaign.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use handover_sim::firmware::{DEMO_DAHUA_TO as DAHUA_TO, DEMO_HIK_TO as HIK_TO};
use handover_system_tests::{Rng, Sim, handover, handover_bin, keyring_or_skip, setting, text};

const STATUS: &str = "127.0.0.1:18094";
/// Extra Hikvision cameras for the crash campaign.
const COPIES: usize = 16;

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)))
}

fn status() -> Option<serde_json::Value> {
    handover_system_tests::status(STATUS)
}

/// The demo site with quick reboots, plus `COPIES` Hikvision cameras (outdated, a firmware reboot of 1.5 s so
/// a kill can land while they are away).
fn manifest() -> String {
    let mut m = handover_sim::SiteManifest::demo();
    m.switch = None;
    for d in &mut m.devices {
        d.reboot_ms = Some(300);
    }
    let hik = m
        .devices
        .iter()
        .find(|d| d.name == "cam-parking-03")
        .unwrap()
        .clone();
    for i in 0..COPIES {
        let mut d = hik.clone();
        d.name = format!("cam-hik-{i}");
        d.address = format!("127.121.0.{}", 120 + i).parse().unwrap();
        d.mac = None;
        d.switch_port = Some(120 + i as u16);
        d.planted = None;
        d.faults.firmware_reboot_ms = 1500;
        m.devices.push(d);
    }
    remap(&toml::to_string(&m).unwrap())
}

/// The demo's loopback ranges moved to ones of this test's own (another demo may run on the machine).
fn remap(text: &str) -> String {
    text.replace("127.20.", "127.121.")
        .replace("127.30.", "127.131.")
        .replace("127.40.", "127.141.")
}

fn sim_device(site: &serde_json::Value, ip: &str) -> serde_json::Value {
    site["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["ip"] == ip)
        .unwrap_or_else(|| panic!("no simulated device at {ip}"))
        .clone()
}

#[test]
fn outdated_cameras_are_upgraded_from_the_cli_and_a_killed_wave_is_recovered() {
    if !keyring_or_skip("outdated_cameras_are_upgraded_from_the_cli_and_a_killed_wave_is_recovered")
    {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let site_toml = dir.path().join("site.toml");
    std::fs::write(&site_toml, manifest()).unwrap();
    let _sim = Sim::start(&site_toml, STATUS);
    let (p, data) = (dir.path().join("fw.handover"), dir.path().join("data"));
    let run = |args: &[&str]| handover(&p, &data, args);
    let plan_csv = dir.path().join("plan.csv");
    std::fs::write(&plan_csv, remap(include_str!("../assets/demo/plan.csv"))).unwrap();
    let plan_csv = plan_csv.to_str().unwrap();
    for args in [
        &[
            "init",
            "--name",
            "Firmware",
            "--technician",
            "Ana",
            "--plan",
            plan_csv,
        ][..],
        &["discover", "--no-multicast"],
        &["credentials", "find-defaults"],
        &["credentials", "rotate", "--allow-plain-http"],
        // Identified again with the held passwords: the firmware versions are read.
        &["discover", "--no-multicast"],
        &["check"],
    ] {
        let o = run(args);
        // find-defaults and rotate leave the demo's planted problems (activation, a changed password) open.
        assert!(
            o.status.success() || args[0] == "credentials",
            "{args:?}: {}",
            text(&o)
        );
    }
    let devices = json(&run(&["--json", "devices"]));
    let id_at = |ip: &str| -> String {
        let d = devices
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["address"] == ip)
            .unwrap_or_else(|| panic!("no device at {ip}"));
        d["id"].as_str().unwrap().to_owned()
    };
    let (parking, corridor) = (id_at("127.121.0.12"), id_at("127.121.0.15"));

    // The folder: the vendors' images, not in the signed catalog.
    let folder = dir.path().join("firmware");
    handover_sim::firmware::write_demo_images(&folder).unwrap();
    assert!(
        run(&["firmware", "folder", folder.to_str().unwrap()])
            .status
            .success()
    );
    let plan = json(&run(&["--json", "firmware", "plan", "--device", &parking]));
    assert_eq!(plan["devices"][0]["action"], "blocked", "{plan:#}");
    assert_eq!(
        plan["devices"][0]["blocked"][0]["reason"], "not-in-catalog",
        "{plan:#}"
    );
    let o = run(&["firmware", "upgrade", "--yes", "--device", &parking]);
    assert!(text(&o).contains("Nothing to upgrade"), "{}", text(&o));
    for img in ["digicap.dav", "dahua.bin"] {
        let o = run(&[
            "firmware",
            "accept",
            img,
            "--reason",
            "downloaded from the vendor's portal, checksum compared by hand",
        ]);
        assert!(o.status.success(), "{}", text(&o));
    }
    let plan = json(&run(&[
        "--json",
        "firmware",
        "plan",
        "--device",
        &corridor,
        "--image",
        "digicap.dav",
    ]));
    assert_eq!(
        plan["devices"][0]["blocked"][0]["reason"], "wrong-model",
        "{plan:#}"
    );
    let o = run(&[
        "firmware", "plan", "--device", &parking, "--device", &corridor,
    ]);
    assert!(text(&o).contains("2 devices to upgrade"), "{}", text(&o));

    // The demo's outdated cameras: upgraded, proven, the findings fixed by the re-check.
    let o = run(&[
        "--json", "firmware", "upgrade", "--yes", "--device", &parking, "--device", &corridor,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let s = json(&o);
    assert!(
        s["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["outcome"] == "upgraded"),
        "{s:#}"
    );
    let site = status().unwrap();
    assert_eq!(sim_device(&site, "127.121.0.12")["firmware"], HIK_TO);
    assert_eq!(sim_device(&site, "127.121.0.15")["firmware"], DAHUA_TO);
    let findings = json(&run(&["--json", "findings", "--all"]));
    for id in [&parking, &corridor] {
        let fw: Vec<&serde_json::Value> = findings
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                f["device"] == id.as_str() && f["check"].as_str().unwrap().starts_with("firmware.")
            })
            .collect();
        assert!(
            !fw.is_empty() && fw.iter().all(|f| f["status"] == "fixed"),
            "{id}: {fw:#?}"
        );
    }

    // The crash campaign on the copies: SIGKILL mid-wave, then recover until every device has answered.
    let trials = setting("HANDOVER_FW_CRASH_TRIALS", 4);
    let mut rng = Rng::campaign(
        "HANDOVER_FW_CRASH_SEED",
        &format!("firmware crash campaign: {trials} trials"),
    );
    let copies: Vec<(String, String)> = (0..COPIES)
        .map(|i| {
            let ip = format!("127.121.0.{}", 120 + i);
            (id_at(&ip), ip)
        })
        .collect();
    let mut settled_open = 0u64;
    for trial in 0..trials {
        let kill_after = Duration::from_millis(600 + rng.below(2500));
        let mut child = Command::new(handover_bin())
            .arg("--project")
            .arg(&p)
            .args([
                "firmware",
                "upgrade",
                "--yes",
                "--in-flight",
                "3",
                "--uplink-mbps",
                "80",
            ])
            .args(copies.iter().flat_map(|(id, _)| ["--device", id.as_str()]))
            .env("HANDOVER_DATA_DIR", &data)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(kill_after);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let o = run(&["--json", "firmware", "recover"]);
            assert!(o.status.success(), "trial {trial}: {}", text(&o));
            let r = json(&o);
            settled_open += r["upgraded"].as_u64().unwrap() + r["not_upgraded"].as_u64().unwrap();
            if r["still_open"] == 0 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "trial {trial} (kill after {kill_after:?}): still open after 60 s: {r:#}"
            );
            std::thread::sleep(Duration::from_millis(500));
        }
        // The project and the devices agree: what the project records is what each device runs.
        let site = status().unwrap();
        let devices = json(&run(&["--json", "devices"]));
        for (id, ip) in &copies {
            let recorded = devices
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["id"] == id.as_str())
                .unwrap()["facts"]["firmware"]
                .clone();
            assert_eq!(
                recorded,
                sim_device(&site, ip)["firmware"],
                "trial {trial}: {id} ({ip})"
            );
        }
    }
    println!(
        "firmware crash campaign: {settled_open} upgrades left open by a kill were settled by recover"
    );
    assert!(
        settled_open > 0,
        "no kill landed inside an upgrade: the campaign proved nothing"
    );
    // Every copy ends upgraded once the campaign lets a run finish.
    let o = run(&[
        "--json",
        "firmware",
        "upgrade",
        "--yes",
        "--in-flight",
        "4",
        "--uplink-mbps",
        "0",
    ]);
    let s = json(&o);
    assert!(
        s["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["outcome"] == "upgraded" || o["outcome"] == "already-on-target"),
        "{s:#}"
    );
    let site = status().unwrap();
    for (_, ip) in &copies {
        assert_eq!(sim_device(&site, ip)["firmware"], HIK_TO, "{ip}");
    }
    assert_eq!(json(&run(&["--json", "status"]))["unsettled_upgrades"], 0);
    assert!(run(&["audit", "verify"]).status.success());
}
