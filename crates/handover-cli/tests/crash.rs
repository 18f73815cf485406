//! Crash safety of credential rotation, with real processes: a simulated site runs as its own process
//! (`handover sim`), `handover credentials rotate` is killed with SIGKILL at many points, `handover credentials
//! recover` runs, and every device must then accept the password the OS keyring holds for it (compared through
//! the simulator's status endpoint, which shows only SHA-256 hashes). Runs under scripts/with-keyring.sh.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use handover_engine::model::DeviceId;
use handover_engine::vault::{CredentialStore, EntryKey, OsKeyring, Slot};

const BIN: &str = env!("CARGO_BIN_EXE_handover");
/// The simulator's status endpoint for this test (the demo site's fixed device addresses, a status port of
/// its own).
const STATUS: &str = "127.0.0.1:18093";

fn handover(project: &Path, data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--project")
        .arg(project)
        .args(args)
        .env("HANDOVER_DATA_DIR", data)
        .output()
        .unwrap()
}

struct Sim(Child);

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn status() -> Option<serde_json::Value> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(STATUS).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    s.write_all(b"GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut body = String::new();
    s.read_to_string(&mut body).ok()?;
    let json = body.split_once("\r\n\r\n")?.1;
    serde_json::from_str(json).ok()
}

#[test]
fn rotation_killed_at_any_point_never_loses_a_working_password() {
    if std::env::var("HANDOVER_KEYRING_TEST").as_deref() != Ok("1") {
        println!(
            "SKIP rotation_killed_at_any_point_never_loses_a_working_password: no unlocked test keyring (run under scripts/with-keyring.sh)"
        );
        return;
    }
    let sim = Sim(Command::new(BIN)
        .args(["sim", "--status", STATUS])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap());
    let started = Instant::now();
    while status().is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the simulator did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let dir = tempfile::tempdir().unwrap();
    let (p, data) = (dir.path().join("crash.handover"), dir.path().join("data"));
    let plan = concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/demo/plan.csv");
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

    let keyring = OsKeyring::open().unwrap();
    let o = handover(&p, &data, &["--json", "credentials", "list"]);
    let held: Vec<(DeviceId, String)> = serde_json::from_slice::<serde_json::Value>(&o.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["state"] != "unknown")
        .map(|c| {
            (
                DeviceId(c["device"].as_i64().unwrap()),
                c["username"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(held.len() >= 20, "{held:?}");
    let o = handover(&p, &data, &["--json", "status"]);
    let project_id =
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["meta"]["project_id"]
            .as_str()
            .unwrap()
            .to_owned();
    let devices: serde_json::Value =
        serde_json::from_slice(&handover(&p, &data, &["--json", "devices"]).stdout).unwrap();
    let address = |id: DeviceId| {
        devices
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id.0)
            .unwrap()["address"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let device_args: Vec<String> = held
        .iter()
        .flat_map(|(d, _)| ["--device".to_owned(), d.to_string()])
        .collect();

    let mut interrupted = 0;
    // Kill the rotation at many points (each round rotates every held device again), recover, check.
    for kill_after_ms in [0u64, 40, 90, 160, 250, 400, 650, 1000] {
        let mut child = Command::new(BIN)
            .arg("--project")
            .arg(&p)
            .args(["credentials", "rotate"])
            .args(&device_args)
            .env("HANDOVER_DATA_DIR", &data)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(kill_after_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let o = handover(&p, &data, &["--json", "credentials", "recover"]);
        if let Ok(r) = serde_json::from_slice::<serde_json::Value>(&o.stdout) {
            interrupted += r["on_new"].as_u64().unwrap_or(0)
                + r["on_old"].as_u64().unwrap_or(0)
                + r["journal_closed"].as_u64().unwrap_or(0);
        }
        assert!(
            o.status.success(),
            "recover after a kill at {kill_after_ms} ms: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let site = status().expect("the simulator answers");
        for (device, user) in &held {
            let key =
                EntryKey::device(&project_id, &device.to_string(), user, Slot::Current).unwrap();
            let stored = keyring.get(&key).unwrap_or_else(|e| {
                panic!("{device}: no current password after a kill at {kill_after_ms} ms: {e}")
            });
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
                "{device} ({addr}) after a kill at {kill_after_ms} ms"
            );
            for slot in [Slot::Pending, Slot::Previous] {
                let k = EntryKey::device(&project_id, &device.to_string(), user, slot).unwrap();
                assert!(
                    keyring.find(&k).unwrap().is_none(),
                    "{device}: {slot:?} left after recover"
                );
            }
        }
        let o = handover(&p, &data, &["audit", "verify"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    }
    assert!(
        interrupted > 0,
        "no kill landed inside a rotation: the test proved nothing"
    );
    let o = handover(&p, &data, &["--json", "status"]);
    let st: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(st["unsettled_rotations"], 0);
    drop(sim);
}
