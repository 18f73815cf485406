//! Hello and Bye heard while a project is open, for real, inside network namespaces this test creates
//! (never from the root namespace): a "laptop" namespace runs the engine's listener (the `netns_listen`
//! example, joined to 239.255.255.250 on its veth), a "site" namespace runs three simulated devices that
//! announce themselves by multicast. Every Hello lands in the project under the same merge rules as
//! discovery (the device the project already knew by its endpoint reference is moved, not added again);
//! a reboot's Bye is noted in the audit log against the device and its Hello that follows is a sighting of
//! the same device. Needs root and iproute2; skips with a printed reason otherwise. Namespaces and
//! processes are removed even when an assertion fails.

use std::io::{BufRead as _, BufReader};
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use handover_engine::{Env, NewProject, Session};
use handover_model::{DeviceIdentity, DiscoveryMethod, Site};
use handover_sim::SiteManifest;
use handover_sim::device::DeviceConfig;
use handover_store::devices::Sighting;

/// Runs `ip` with these arguments; the error output when it fails.
fn ip_try(args: &str) -> Result<(), String> {
    match Command::new("ip").args(args.split_whitespace()).output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(String::from_utf8_lossy(&o.stderr).trim().to_owned()),
        Err(e) => Err(format!("the `ip` tool (iproute2) cannot run: {e}")),
    }
}

fn ip(args: &str) {
    if let Err(e) = ip_try(args) {
        panic!("ip {args}: {e}");
    }
}

/// The namespaces and processes of one run; all of them are gone after drop, even when an assertion fails.
#[derive(Default)]
struct Lab {
    netns: Vec<String>,
    procs: Vec<Child>,
}

impl Drop for Lab {
    fn drop(&mut self) {
        self.procs.iter_mut().for_each(|p| {
            let _ = p.kill().and_then(|()| p.wait().map(drop));
        });
        self.netns.iter().for_each(|n| {
            let _ = ip_try(&format!("netns del {n}"));
        });
    }
}

/// A binary of this workspace (`kind` is `--bin` or `--example`), built when stale; a no-op when fresh.
fn built(package: &str, kind: &str, name: &str) -> PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "-q", "-p", package, kind, name])
        .status()
        .expect("run cargo");
    assert!(
        status.success(),
        "cargo build -p {package} {kind} {name} failed"
    );
    // target/debug/deps/listen-xxxx -> target/debug
    let exe = std::env::current_exe().expect("test binary path");
    let debug = exe.ancestors().nth(2).expect("the target folder");
    let path = match kind {
        "--example" => debug.join("examples").join(name),
        _ => debug.join(name),
    };
    assert!(
        path.exists(),
        "{} is missing after the build",
        path.display()
    );
    path
}

/// Lines a child prints, readable with a deadline.
fn lines(out: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(l).is_err() {
                return;
            }
        }
    });
    rx
}

/// Waits until `want` holds for a JSON line; returns every line read on the way.
fn wait_for(
    rx: &mpsc::Receiver<String>,
    secs: u64,
    what: &str,
    want: impl Fn(&serde_json::Value) -> bool,
) -> Vec<serde_json::Value> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("never heard {what}; heard {seen:#?}"));
        let v: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let done = want(&v);
        seen.push(v);
        if done {
            return seen;
        }
    }
}

fn is_hello_from(v: &serde_json::Value, addr: &str) -> bool {
    v["kind"] == "hello" && v["address"] == addr
}

#[test]
fn hello_and_bye_heard_while_the_project_is_open() {
    let id = std::process::id() % 100_000;
    let (lap, site) = (format!("hl{id}lap"), format!("hl{id}site"));
    let mut lab = Lab::default();
    if let Err(why) = ip_try(&format!("netns add {lap}")) {
        println!(
            "SKIPPED hello_and_bye_heard_while_the_project_is_open: it needs root and iproute2 for network \
             namespaces (CI runs as root); `ip netns add` said: {why}"
        );
        return;
    }
    lab.netns.push(lap.clone());
    ip(&format!("netns add {site}"));
    lab.netns.push(site.clone());
    for ns in [&lap, &site] {
        ip(&format!("-n {ns} link set lo up"));
    }
    let sim = built("handover-sim", "--bin", "handover-sim");
    let listen_bin = built("handover-engine", "--example", "netns_listen");
    let tmp = tempfile::tempdir().expect("tmp");
    let (a, b) = (format!("hla{id}"), format!("hlb{id}"));
    ip(&format!("link add {a} type veth peer name {b}"));
    ip(&format!("link set {a} netns {lap}"));
    ip(&format!("link set {b} netns {site}"));
    ip(&format!("-n {lap} link set {a} name eth0"));
    ip(&format!("-n {site} link set {b} name eth0"));
    ip(&format!("-n {lap} addr add 10.231.0.1/24 dev eth0"));
    for host in 10..=12 {
        ip(&format!("-n {site} addr add 10.231.0.{host}/24 dev eth0"));
    }
    for ns in [&lap, &site] {
        ip(&format!("-n {ns} link set eth0 up"));
        ip(&format!("-n {ns} route add 224.0.0.0/4 dev eth0"));
    }

    // Three devices that reboot quickly; the project already knows the first one, at an older address.
    let mut manifest = SiteManifest::generated(3, Ipv4Addr::new(10, 231, 0, 10));
    for d in &mut manifest.devices {
        d.reboot_ms = Some(1_500);
    }
    let endpoints: Vec<String> = (0..3)
        .map(|i| DeviceConfig::resolve(&manifest, i).endpoint)
        .collect();
    let manifest_path = tmp.path().join("site.toml");
    std::fs::write(
        &manifest_path,
        toml::to_string(&manifest).expect("manifest"),
    )
    .expect("write manifest");
    let project = tmp.path().join("listen.handover");
    let known = {
        let s = Session::create(
            NewProject {
                path: project.clone(),
                site: Site {
                    name: "listen".into(),
                    technician: "Ana".into(),
                    ..Site::default()
                },
                plan: None,
            },
            Env::for_tests(),
        )
        .expect("create the project");
        let (d, _) = s
            .record_sighting(Sighting {
                identity: DeviceIdentity {
                    endpoint_ref: Some(endpoints[0].clone()),
                    ..DeviceIdentity::default()
                },
                address: Some("10.231.0.99".parse().unwrap()),
                method: Some(DiscoveryMethod::Manual),
                ..Sighting::default()
            })
            .expect("record the known device");
        d.id
    };

    // The listener first (in the laptop namespace), then the devices, whose start-up Hello it must hear.
    let mut listener = Command::new("ip")
        .args(["netns", "exec", &lap])
        .arg(&listen_bin)
        .arg(&project)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the listener");
    let heard = lines(listener.stdout.take().expect("stdout"));
    let said = lines(listener.stderr.take().expect("stderr"));
    let stdin = listener.stdin.take().expect("stdin");
    lab.procs.push(listener);
    let ready = said
        .recv_timeout(Duration::from_secs(20))
        .expect("the listener said nothing");
    assert_eq!(ready, "listening on eth0", "the listener's first line");

    let device_side = Command::new("ip")
        .args(["netns", "exec", &site])
        .arg(&sim)
        .args(["--manifest", manifest_path.to_str().expect("utf-8 path")])
        .args([
            "--status",
            "10.231.0.10:18080",
            "--multicast-interface",
            "eth0",
        ])
        .stdout(Stdio::null())
        .spawn()
        .expect("start handover-sim");
    lab.procs.push(device_side);

    let mut all = Vec::new();
    for host in ["10.231.0.10", "10.231.0.11", "10.231.0.12"] {
        if all.iter().any(|v| is_hello_from(v, host)) {
            continue;
        }
        all.extend(wait_for(&heard, 20, &format!("Hello from {host}"), |v| {
            is_hello_from(v, host)
        }));
    }
    assert!(all.iter().all(|v| v.get("error").is_none()), "{all:#?}");
    let first = all
        .iter()
        .find(|v| is_hello_from(v, "10.231.0.10"))
        .expect("first device");
    assert_eq!(
        first["change"], "moved",
        "the known device is moved, not added: {first}"
    );
    assert_eq!(first["moved_from"], "10.231.0.99", "{first}");
    assert_eq!(first["device"], known.to_string(), "{first}");
    let new: Vec<_> = all
        .iter()
        .filter(|v| v["kind"] == "hello" && v["change"] == "new")
        .collect();
    assert_eq!(new.len(), 2, "the two others are new: {all:#?}");

    // A reboot: Bye, then Hello again from the same device.
    let rebooted = all
        .iter()
        .find(|v| is_hello_from(v, "10.231.0.11"))
        .expect("second device")["device"]
        .clone();
    let status = Command::new("ip")
        .args(["netns", "exec", &lap, "bash", "-c"])
        .arg("exec 3<>/dev/tcp/10.231.0.10/18080 && printf 'POST /devices/dev-00002/reboot HTTP/1.1\\r\\nHost: sim\\r\\nContent-Length: 0\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -c 12 <&3")
        .output()
        .expect("ask the simulator to reboot a device");
    assert!(
        String::from_utf8_lossy(&status.stdout).contains("200"),
        "{status:?}"
    );
    let after = wait_for(&heard, 20, "the Bye of the rebooting device", |v| {
        v["kind"] == "bye"
    });
    let bye = after.last().expect("bye");
    assert_eq!(
        (&bye["address"], &bye["device"], &bye["endpoint"]),
        (
            &serde_json::json!("10.231.0.11"),
            &rebooted,
            &serde_json::json!(endpoints[1])
        ),
        "{bye}"
    );
    let back = wait_for(&heard, 20, "Hello after the reboot", |v| {
        is_hello_from(v, "10.231.0.11")
    });
    let back = back.last().expect("hello");
    assert_eq!(
        (&back["device"], &back["change"]),
        (&rebooted, &serde_json::json!("seen")),
        "{back}"
    );

    // Closing its input stops the listener and releases the project.
    drop(stdin);
    let mut listener = lab.procs.remove(0);
    let deadline = Instant::now() + Duration::from_secs(10);
    while listener.try_wait().expect("wait").is_none() {
        assert!(
            Instant::now() < deadline,
            "the listener did not stop when its input closed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let s = Session::open(&project, None, Env::for_tests()).expect("reopen the project");
    let devices = s.devices().expect("devices");
    assert_eq!(devices.len(), 3, "{devices:#?}");
    for (i, e) in endpoints.iter().enumerate() {
        let d = devices
            .iter()
            .find(|d| d.identity.endpoint_ref.as_ref() == Some(e))
            .unwrap_or_else(|| panic!("device {i} missing: {devices:#?}"));
        assert_eq!(d.address, IpAddr::from([10, 231, 0, 10 + i as u8]));
        assert!(d.found_by.contains(&DiscoveryMethod::Hello), "{d:#?}");
        assert!(
            d.facts
                .xaddr
                .as_deref()
                .is_some_and(|x| x.contains(&format!("10.231.0.{}", 10 + i))),
            "{d:#?}"
        );
    }
    let audit = s.audit_entries(0, 10_000).expect("audit");
    let byes: Vec<_> = audit.iter().filter(|e| e.action == "device.bye").collect();
    assert_eq!(byes.len(), 1, "{byes:#?}");
    assert_eq!(byes[0].subject, rebooted, "{byes:#?}");
    assert!(s.verify_audit().expect("verify").is_intact());
}
