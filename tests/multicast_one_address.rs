//! Twenty devices behind one address, found by multicast WS-Discovery (issue #20: all twenty answered, then
//! `discover` failed with "device D8 not found", exit 6, storing nothing). Inside network namespaces the test
//! creates: `handover-sim` runs in a "site" namespace (twenty cameras on 10.78.0.10, each on its own ports,
//! answering the group on its veth), `handover discover --interface` in a "laptop" namespace. Discovery and
//! the checks run through; the project holds twenty devices, each with its own service address (shown with its port). Needs root and
//! iproute2; skips with a printed reason otherwise. No multicast is ever sent from the root namespace.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use handover_system_tests::{handover_bin, sim_bin, text};

const N: u16 = 20;

fn ip(args: &[&str]) -> bool {
    Command::new("ip")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The namespaces and the simulator, removed and stopped however the test ends.
struct Lab {
    names: Vec<String>,
    sim: Option<Child>,
}

impl Drop for Lab {
    fn drop(&mut self) {
        if let Some(mut c) = self.sim.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        for n in &self.names {
            ip(&["netns", "del", n]);
        }
    }
}

fn in_ns(ns: &str, project: &Path, args: &[&str]) -> Output {
    Command::new("ip")
        .args(["netns", "exec", ns])
        .arg(handover_bin())
        .arg("--project")
        .arg(project)
        .args(args)
        .env_remove("HANDOVER_PROJECT")
        .env_remove("HANDOVER_TECHNICIAN")
        .output()
        .expect("run handover in the namespace")
}

#[test]
fn twenty_devices_behind_one_address_found_by_multicast_stay_twenty() {
    if !Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
    {
        println!("SKIP twenty_devices_behind_one_address: needs root to create network namespaces");
        return;
    }
    let tag = std::process::id() % 100_000;
    let (site, laptop) = (format!("hoa-site-{tag}"), format!("hoa-lap-{tag}"));
    let (vs, vl) = (format!("hoas{tag}"), format!("hoal{tag}"));
    if !ip(&["netns", "add", &site]) {
        println!(
            "SKIP twenty_devices_behind_one_address: `ip netns add` failed (no iproute2 or namespaces)"
        );
        return;
    }
    let mut lab = Lab {
        names: vec![site.clone()],
        sim: None,
    };
    assert!(ip(&["netns", "add", &laptop]));
    lab.names.push(laptop.clone());
    assert!(ip(&[
        "link", "add", &vs, "netns", &site, "type", "veth", "peer", "name", &vl, "netns", &laptop
    ]));
    for (ns, dev, addr) in [
        (&site, &vs, "10.78.0.10/24"),
        (&laptop, &vl, "10.78.0.1/24"),
    ] {
        assert!(ip(&["-n", ns, "addr", "add", addr, "dev", dev]));
        assert!(ip(&["-n", ns, "link", "set", dev, "up"]));
        assert!(ip(&["-n", ns, "link", "set", "lo", "up"]));
        assert!(ip(&["-n", ns, "route", "add", "224.0.0.0/4", "dev", dev]));
    }

    let dir = tempfile::tempdir().unwrap();
    let mut manifest = String::from("[site]\nname = \"One address\"\n");
    for i in 0..N {
        write!(
            manifest,
            "[[device]]\nname = \"channel-{i}\"\nvendor = \"generic\"\nrole = \"camera\"\n\
             address = \"10.78.0.10\"\nport_offset = {i}\n"
        )
        .unwrap();
    }
    let manifest_path = dir.path().join("site.toml");
    std::fs::write(&manifest_path, manifest).unwrap();
    lab.sim = Some(
        Command::new("ip")
            .args(["netns", "exec", &site])
            .arg(sim_bin())
            .arg("--manifest")
            .arg(&manifest_path)
            .args(["--multicast-interface", &vs])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    // Up once the last channel's web server answers.
    let last = format!("10.78.0.10:{}", 8080 + N - 1);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !Command::new("ip")
        .args(["netns", "exec", &laptop, "bash", "-c"])
        .arg(format!(
            "exec 3<>/dev/tcp/{}/{}",
            "10.78.0.10",
            8080 + N - 1
        ))
        .status()
        .is_ok_and(|s| s.success())
    {
        assert!(
            Instant::now() < deadline,
            "the simulator never answered on {last}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    let project = dir.path().join("site.handover");
    let init = in_ns(
        &laptop,
        &project,
        &["init", "--name", "One address", "--technician", "Ana"],
    );
    assert!(init.status.success(), "{}", text(&init));
    let found = in_ns(&laptop, &project, &["discover", "--interface", &vl]);
    assert!(found.status.success(), "{}", text(&found));
    let list = in_ns(&laptop, &project, &["--json", "devices"]);
    assert!(list.status.success(), "{}", text(&list));
    let devices: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let devices = devices.as_array().unwrap();
    let mut xaddrs: Vec<String> = devices
        .iter()
        .map(|d| d["facts"]["xaddr"].as_str().unwrap_or_default().to_owned())
        .collect();
    xaddrs.sort();
    xaddrs.dedup();
    assert_eq!(
        (devices.len(), xaddrs.len()),
        (usize::from(N), usize::from(N)),
        "{}\n{xaddrs:#?}",
        text(&found)
    );
    assert!(devices.iter().all(|d| d["address"] == "10.78.0.10"));
    // The table names each by its service: the address with its port.
    let table = in_ns(&laptop, &project, &["devices"]);
    let shown: std::collections::BTreeSet<String> = String::from_utf8_lossy(&table.stdout)
        .split_whitespace()
        .filter(|w| w.starts_with("10.78.0.10:"))
        .map(str::to_owned)
        .collect();
    assert_eq!(shown.len(), usize::from(N), "{}", text(&table));
    let check = in_ns(&laptop, &project, &["check"]);
    assert!(check.status.success(), "{}", text(&check));
    let found_again = in_ns(&laptop, &project, &["discover", "--interface", &vl]);
    assert!(found_again.status.success(), "{}", text(&found_again));
    let list = in_ns(&laptop, &project, &["--json", "devices"]);
    let again: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(
        again.as_array().unwrap().len(),
        usize::from(N),
        "the same twenty"
    );
}
