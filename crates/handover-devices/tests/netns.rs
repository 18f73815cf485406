//! Multicast for real, inside network namespaces this test creates (never from the root namespace):
//! two VLANs as two bridges in a switch namespace, three simulated devices on each (a `handover-sim`
//! process per device namespace, joined to 239.255.255.250 there), a router between the VLANs, and two
//! laptops. The laptop with a leg on each VLAN finds all six by multicast on both interfaces at once;
//! the laptop with a leg on VLAN 20 only hears VLAN 20 by multicast, finds VLAN 30 only by the unicast
//! sweep (routed), and the "why not found" data says so, and says there is no route to a third subnet.
//! Needs root (CI runs as root); skips with a printed reason otherwise. Namespaces and processes are
//! removed even when an assertion fails.

use std::io::{BufRead as _, BufReader};
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use handover_sim::SiteManifest;

fn ip(args: &str) {
    let out = Command::new("ip")
        .args(args.split_whitespace())
        .output()
        .expect("run ip");
    assert!(
        out.status.success(),
        "ip {args}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

struct Lab {
    id: u32,
    prefix: String,
    namespaces: Vec<String>,
    children: Vec<Child>,
    _dir: tempfile::TempDir,
}

impl Drop for Lab {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        for ns in &self.namespaces {
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
    }
}

impl Lab {
    fn ns(&mut self, name: &str) -> String {
        let full = format!("{}{name}", self.prefix);
        ip(&format!("netns add {full}"));
        self.namespaces.push(full.clone());
        ip(&format!("-n {full} link set lo up"));
        full
    }

    /// A veth from namespace `ns` (named `ifname` there) to bridge `br` in the switch namespace.
    fn plug(&self, sw: &str, br: &str, ns: &str, ifname: &str, addrs: &[&str]) {
        let idx = self.namespaces.iter().position(|n| n == ns).unwrap_or(0);
        let tag = format!("{}{idx}{}", self.id, ifname.trim_start_matches("eth"));
        let (a, b) = (format!("a{tag}"), format!("b{tag}"));
        ip(&format!("link add {a} type veth peer name {b}"));
        ip(&format!("link set {a} netns {ns}"));
        ip(&format!("-n {ns} link set {a} name {ifname}"));
        ip(&format!("link set {b} netns {sw}"));
        ip(&format!("-n {sw} link set {b} master {br} up"));
        for addr in addrs {
            ip(&format!("-n {ns} addr add {addr} dev {ifname}"));
        }
        ip(&format!("-n {ns} link set {ifname} up"));
    }
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

fn bins() -> (PathBuf, PathBuf) {
    // target/debug/deps/netns-xxxx -> target/debug. `cargo test` builds examples under hashed names
    // only, so both binaries are (re)built here; a no-op when they are fresh.
    let exe = std::env::current_exe().expect("test binary path");
    let debug = exe
        .parent()
        .and_then(Path::parent)
        .expect("target dir")
        .to_path_buf();
    let st = Command::new(env!("CARGO"))
        .args(["build", "-p", "handover-sim", "--bin", "handover-sim"])
        .args(["-p", "handover-devices", "--example", "netns_discover"])
        .status()
        .expect("cargo build");
    assert!(
        st.success(),
        "building handover-sim and netns_discover failed"
    );
    let sim = std::env::var("HANDOVER_SIM_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|_| debug.join("handover-sim"));
    let laptop = debug.join("examples/netns_discover");
    assert!(
        sim.exists() && laptop.exists(),
        "{} or {} missing",
        sim.display(),
        laptop.display()
    );
    (sim, laptop)
}

fn start_sim(lab: &mut Lab, sim: &Path, ns: &str, iface: &str, first: Ipv4Addr, file: &str) {
    let mut manifest = SiteManifest::generated(3, first);
    // Endpoint references derive from name and MAC: two generated sites would share them.
    for d in &mut manifest.devices {
        d.name = format!("{}-{}", file.trim_end_matches(".toml"), d.name);
    }
    let path = lab._dir.path().join(file);
    std::fs::write(&path, toml::to_string(&manifest).expect("manifest")).expect("write manifest");
    let mut child = Command::new("ip")
        .args(["netns", "exec", ns])
        .arg(sim)
        .args([
            "--manifest",
            path.to_str().expect("utf-8 path"),
            "--status",
            "off",
            "--multicast-interface",
            iface,
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start handover-sim");
    let out = child.stdout.take().expect("stdout");
    lab.children.push(child);
    let mut lines = BufReader::new(out).lines();
    let mut ready = false;
    for line in lines.by_ref() {
        if line.expect("sim output").contains("Press Ctrl-C") {
            ready = true;
            break;
        }
    }
    assert!(ready, "handover-sim in {ns} did not come up");
    std::thread::spawn(move || for _ in lines {});
}

fn laptop(laptop: &Path, ns: &str, plan: &[&str]) -> serde_json::Value {
    let out = Command::new("ip")
        .args(["netns", "exec", ns])
        .arg(laptop)
        .args(plan)
        .output()
        .expect("run laptop side");
    assert!(
        out.status.success(),
        "laptop side failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("laptop JSON")
}

fn endpoints(doc: &serde_json::Value, method: &str) -> Vec<String> {
    let mut v: Vec<String> = doc["sightings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| {
            let m = &s["method"];
            if method == "Multicast" {
                m.get("Multicast").is_some()
            } else {
                m == method
            }
        })
        .filter_map(|s| s["address"].as_str().map(str::to_string))
        .collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn multicast_per_interface_and_sweep_across_routed_vlans() {
    if !is_root() {
        println!(
            "SKIPPED multicast_per_interface_and_sweep_across_routed_vlans: needs root for network namespaces (CI runs as root)"
        );
        return;
    }
    if Command::new("ip").arg("-V").output().is_err() {
        println!(
            "SKIPPED multicast_per_interface_and_sweep_across_routed_vlans: the `ip` tool (iproute2) is missing"
        );
        return;
    }
    let (sim, laptop_bin) = bins();
    let id = std::process::id() % 100_000;
    let mut lab = Lab {
        id,
        prefix: format!("hd{id}"),
        namespaces: vec![],
        children: vec![],
        _dir: tempfile::tempdir().expect("tmp"),
    };
    let sw = lab.ns("sw");
    for br in ["br20", "br30"] {
        ip(&format!("-n {sw} link add {br} type bridge"));
        ip(&format!("-n {sw} link set {br} up"));
    }
    let d20 = lab.ns("d20");
    let d30 = lab.ns("d30");
    let rtr = lab.ns("rt");
    let lap2 = lab.ns("l2");
    let lap1 = lab.ns("l1");
    lab.plug(
        &sw,
        "br20",
        &d20,
        "eth20",
        &["10.20.0.10/24", "10.20.0.11/24", "10.20.0.12/24"],
    );
    lab.plug(
        &sw,
        "br30",
        &d30,
        "eth30",
        &["10.30.0.10/24", "10.30.0.11/24", "10.30.0.12/24"],
    );
    lab.plug(&sw, "br20", &rtr, "eth20", &["10.20.0.1/24"]);
    lab.plug(&sw, "br30", &rtr, "eth30", &["10.30.0.1/24"]);
    lab.plug(&sw, "br20", &lap2, "eth20", &["10.20.0.100/24"]);
    lab.plug(&sw, "br30", &lap2, "eth30", &["10.30.0.100/24"]);
    lab.plug(&sw, "br20", &lap1, "eth20", &["10.20.0.101/24"]);
    ip(&format!(
        "netns exec {rtr} sysctl -qw net.ipv4.ip_forward=1"
    ));
    for (ns, dev, gw) in [(&d20, "eth20", "10.20.0.1"), (&d30, "eth30", "10.30.0.1")] {
        ip(&format!("-n {ns} route add default via {gw}"));
        ip(&format!("-n {ns} route add 224.0.0.0/4 dev {dev}"));
    }
    ip(&format!("-n {lap2} route add 224.0.0.0/4 dev eth20"));
    ip(&format!("-n {lap1} route add 224.0.0.0/4 dev eth20"));
    ip(&format!("-n {lap1} route add 10.30.0.0/24 via 10.20.0.1"));
    // A laptop listening for Hello before the devices come up.
    let mut hello = Command::new("ip")
        .args(["netns", "exec", &lap2])
        .arg(&laptop_bin)
        .args(["--hello-ms", "4000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the Hello listener");
    let err = hello.stderr.take().expect("stderr");
    let hello_out = hello.stdout.take().expect("stdout");
    lab.children.push(hello);
    let ready = BufReader::new(err)
        .lines()
        .map_while(Result::ok)
        .any(|l| l.contains("ready"));
    assert!(ready, "the Hello listener did not come up");
    start_sim(
        &mut lab,
        &sim,
        &d20,
        "eth20",
        Ipv4Addr::new(10, 20, 0, 10),
        "v20.toml",
    );
    start_sim(
        &mut lab,
        &sim,
        &d30,
        "eth30",
        Ipv4Addr::new(10, 30, 0, 10),
        "v30.toml",
    );
    let v20: Vec<String> = (10..=12).map(|i| format!("10.20.0.{i}")).collect();
    let v30: Vec<String> = (10..=12).map(|i| format!("10.30.0.{i}")).collect();

    // Hello by multicast from all six, heard on both legs.
    let mut text = String::new();
    std::io::Read::read_to_string(&mut BufReader::new(hello_out), &mut text).expect("Hello output");
    let heard: serde_json::Value =
        serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("{e}: {text}"));
    let mut hello_from: Vec<String> = heard
        .as_array()
        .into_iter()
        .flatten()
        .filter(|h| h.get("hello").is_some())
        .filter_map(|h| h["address"].as_str().map(str::to_string))
        .collect();
    hello_from.sort();
    hello_from.dedup();
    assert_eq!(hello_from, [v20.clone(), v30.clone()].concat(), "{heard:#}");

    // Two legs: multicast on both interfaces at once finds both VLANs.
    let doc = laptop(&laptop_bin, &lap2, &["10.20.0.0/24", "10.30.0.0/24"]);
    let mc = endpoints(&doc, "Multicast");
    assert_eq!(mc, [v20.clone(), v30.clone()].concat(), "{doc:#}");
    assert_eq!(doc["multicast"]["eth20"]["found"], 3, "{doc:#}");
    assert_eq!(doc["multicast"]["eth30"]["found"], 3, "{doc:#}");

    // One leg: multicast hears VLAN 20 only; the routed sweep finds VLAN 30; no route to 10.99.
    let doc = laptop(
        &laptop_bin,
        &lap1,
        &["10.20.0.0/24", "10.30.0.0/24", "10.99.0.0/24"],
    );
    assert_eq!(endpoints(&doc, "Multicast"), v20, "{doc:#}");
    assert_eq!(endpoints(&doc, "Unicast"), [v20, v30].concat(), "{doc:#}");
    let acc = doc["accounts"].as_array().expect("accounts");
    assert_eq!(
        (
            acc[0]["by_multicast"].as_u64(),
            acc[0]["by_unicast"].as_u64()
        ),
        (Some(3), Some(3)),
        "{doc:#}"
    );
    assert_eq!(
        (
            acc[1]["by_multicast"].as_u64(),
            acc[1]["by_unicast"].as_u64()
        ),
        (Some(0), Some(3)),
        "{doc:#}"
    );
    assert_eq!(acc[1]["sweep"], "Found");
    assert!(
        acc[1]["explanation"]
            .as_str()
            .unwrap_or_default()
            .starts_with("multicast heard nothing here"),
        "{doc:#}"
    );
    assert_eq!(acc[2]["sweep"], "NoRoute", "{doc:#}");
    assert!(acc[2]["route"].get("NoRoute").is_some(), "{doc:#}");
}
