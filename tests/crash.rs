//! Crash safety of credential rotation, with real processes, as a campaign: a simulated site runs as its own
//! process (`handover-sim`); in each trial a few devices get a random fault (a change applied and then answered
//! with a fault or a 401, applied late, a reboot in the middle of SetUser, a slow device), `handover credentials
//! rotate` is killed with SIGKILL at a random moment, `handover credentials recover` runs until every device has
//! answered, and every device must then accept the password Handover holds for it (opened from the sealed vault
//! with the key in the real OS keyring, compared through the simulator's status endpoint, which shows only
//! SHA-256 hashes). Runs under scripts/with-keyring.sh. `HANDOVER_CRASH_TRIALS` (default 30),
//! `HANDOVER_CRASH_SEED` and `HANDOVER_CRASH_DEVICES` (default: the demo site's 24; more are copies of the demo's
//! devices, every vendor among them, on free addresses of the same VLANs) set the campaign; the long one is
//! `HANDOVER_CRASH_TRIALS=200 HANDOVER_CRASH_DEVICES=50` (BENCHMARKS.md).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use handover_engine::model::DeviceId;

use handover_system_tests::{
    Rng, Sim, handover, handover_bin, keyring_or_skip, repo_root, setting,
};
/// The simulator's status endpoint for this test (the demo site's fixed device addresses, a status port of
/// its own).
const STATUS: &str = "127.0.0.1:18093";

fn http(request: &str) -> Option<String> {
    handover_system_tests::http(STATUS, request)
}

fn status() -> Option<serde_json::Value> {
    handover_system_tests::status(STATUS)
}

fn set_faults(device: &str, faults: &serde_json::Value) {
    let body = faults.to_string();
    let r = http(&format!(
        "POST /devices/{device}/faults HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    ));
    assert!(r.is_some(), "the simulator took the faults of {device}");
}

fn random_fault(rng: &mut Rng) -> serde_json::Value {
    match rng.below(5) {
        0 => serde_json::json!({"set_user_applies_then_faults": true}),
        1 => serde_json::json!({"set_user_applies_then_401": true}),
        2 => serde_json::json!({"set_user_applies_late_ms": 300 + rng.below(900)}),
        3 => serde_json::json!({"reboot_during_set_user": true}),
        _ => serde_json::json!({"latency_ms": 50 + rng.below(200)}),
    }
}

/// The demo site, grown to `devices` by copying its devices (every vendor, every condition) onto free addresses
/// of the same VLANs, as TOML for `handover-sim --manifest`.
fn site_manifest(devices: usize) -> String {
    let mut m = handover_sim::SiteManifest::demo();
    let originals = m.devices.clone();
    let mut used: std::collections::HashSet<std::net::Ipv4Addr> =
        originals.iter().map(|d| d.address).collect();
    if let Some(sw) = &m.switch {
        used.insert(sw.address);
    }
    for v in &m.vlans {
        used.extend([v.gateway, v.dns, v.ntp]);
    }
    let mut i = 0;
    while m.devices.len() < devices {
        let mut d = originals[i % originals.len()].clone();
        i += 1;
        let Some(subnet) = m.vlan_of(d.address).map(|v| v.subnet) else {
            continue;
        };
        let Some(free) = subnet.hosts().find(|a| !used.contains(a)) else {
            continue;
        };
        used.insert(free);
        d.name = format!("{}-copy{i}", d.name);
        d.address = free;
        d.mac = None;
        // Ports above the demo's own (it uses fewer than 50).
        d.switch_port = Some(200 + i as u16);
        d.planted = None;
        m.devices.push(d);
    }
    toml::to_string(&m).unwrap()
}

#[test]
fn rotation_killed_at_any_point_never_loses_a_working_password() {
    if !keyring_or_skip("rotation_killed_at_any_point_never_loses_a_working_password") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let devices_wanted = setting("HANDOVER_CRASH_DEVICES", 0) as usize;
    let manifest = dir.path().join("site.toml");
    std::fs::write(&manifest, site_manifest(devices_wanted)).unwrap();
    let sim = Sim::start(&manifest, STATUS);
    let (p, data) = (dir.path().join("crash.handover"), dir.path().join("data"));
    let plan = repo_root().join("assets/demo/plan.csv");
    let plan = plan.to_str().unwrap();
    assert!(
        handover(
            &p,
            &data,
            &[
                "init",
                "--name",
                "Crash",
                "--technician",
                "Ana",
                "--plan",
                plan
            ]
        )
        .status
        .success()
    );
    assert!(
        handover(&p, &data, &["discover", "--no-multicast"])
            .status
            .success()
    );
    let o = handover(&p, &data, &["credentials", "find-defaults"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let o = handover(&p, &data, &["--json", "credentials", "list"]);
    let held: Vec<(DeviceId, String)> = serde_json::from_slice::<serde_json::Value>(&o.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["state"] != "unknown")
        .map(|c| {
            (
                c["device"].as_str().unwrap().parse::<DeviceId>().unwrap(),
                c["username"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        held.len() >= devices_wanted.max(24) * 5 / 6,
        "only {} accounts held: {held:?}",
        held.len()
    );
    let devices: serde_json::Value =
        serde_json::from_slice(&handover(&p, &data, &["--json", "devices"]).stdout).unwrap();
    let address = |id: DeviceId| {
        devices
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id.to_string())
            .unwrap()["address"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let device_args: Vec<String> = held
        .iter()
        .flat_map(|(d, _)| ["--device".to_owned(), d.to_string()])
        .collect();

    let trials = setting("HANDOVER_CRASH_TRIALS", 30);
    let mut rng = Rng::campaign(
        "HANDOVER_CRASH_SEED",
        &format!("crash campaign: {trials} trials"),
    );
    let seed = rng.seed;
    let names: Vec<(String, String)> = status().unwrap()["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["name"].as_str().unwrap().to_owned(),
                d["ip"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let (mut interrupted, mut settled_new, mut settled_old, mut waited) = (0u64, 0u64, 0u64, 0u64);
    let campaign = Instant::now();
    for trial in 0..trials {
        // A few devices misbehave in this trial.
        let mut faulty = Vec::new();
        for _ in 0..1 + rng.below(3) {
            let (name, _) = &names[rng.below(names.len() as u64) as usize];
            set_faults(name, &random_fault(&mut rng));
            faulty.push(name.clone());
        }
        let kill_after_ms = rng.below(1_500);
        let mut child = Command::new(handover_bin())
            .arg("--project")
            .arg(&p)
            .args(["credentials", "rotate", "--allow-plain-http"])
            .args(&device_args)
            .env("HANDOVER_DATA_DIR", &data)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(kill_after_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        for name in &faulty {
            set_faults(name, &serde_json::json!({}));
        }
        // Recover until every device has said which password it takes (a rebooting one answers later).
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let o = handover(&p, &data, &["--json", "credentials", "recover"]);
            assert!(
                o.status.success(),
                "trial {trial} (seed {seed}), recover after a kill at {kill_after_ms} ms: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            let n = |k: &str| r[k].as_u64().unwrap_or(0);
            settled_new += n("on_new");
            settled_old += n("on_old");
            if n("on_new") + n("on_old") > 0 {
                interrupted += 1;
            }
            if n("still_unsettled") == 0 {
                break;
            }
            waited += 1;
            assert!(
                Instant::now() < deadline,
                "trial {trial} (seed {seed}): still unsettled after 60 s: {r}"
            );
            std::thread::sleep(Duration::from_millis(500));
        }
        // Every device takes the password Handover holds, opened from the sealed vault.
        let site = status().expect("the simulator answers");
        let session = handover_engine::Session::open(&p, None, handover_engine::Env::os()).unwrap();
        for (device, user) in &held {
            let (_, stored) = session
                .reveal_password(*device, Some(user))
                .unwrap_or_else(|e| panic!("trial {trial} (seed {seed}): {device}: {e}"));
            let addr = address(*device);
            let sim_dev = site["devices"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["ip"] == addr.as_str())
                .unwrap();
            let users = sim_dev["users"].as_array().unwrap();
            if users.is_empty() {
                // A factory-new device with no users takes any login until the rotation creates the account.
                continue;
            }
            let hash = users
                .iter()
                .find(|u| u["username"] == user.as_str())
                .unwrap_or_else(|| panic!("{device}: no account {user} on the device: {users:?}"))
                ["password_sha256"]
                .clone();
            assert_eq!(
                hash.as_str().unwrap(),
                handover_sim::password_hash(stored.expose()),
                "trial {trial} (seed {seed}): {device} ({addr}) after a kill at {kill_after_ms} ms with faults on {faulty:?}"
            );
        }
        assert_eq!(
            session.unsettled_rotations().unwrap(),
            0,
            "trial {trial} (seed {seed}): a rotation left open"
        );
        drop(session);
    }
    let o = handover(&p, &data, &["audit", "verify"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    println!(
        "crash campaign: {trials} trials in {:.0} s; {interrupted} recoveries settled an interrupted rotation \
         ({settled_new} accounts on the new password, {settled_old} on the old); {waited} waits for a rebooting \
         device; every device took the held password after every trial",
        campaign.elapsed().as_secs_f64()
    );
    assert!(
        interrupted > 0,
        "no kill landed inside a rotation: the test proved nothing"
    );
    let o = handover(&p, &data, &["--json", "status"]);
    let st: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(st["unsettled_rotations"], 0);
    drop(sim);
}
