//! Multicast WS-Discovery inside network namespaces the test creates: the simulator binary runs in a
//! "site" namespace joined to 239.255.255.250 on its veth, a "laptop" namespace sends one multicast
//! Probe and collects the ProbeMatches. Needs root and iproute2; skips with a printed reason otherwise.
//! No multicast is ever sent from the root namespace.

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::Duration;

fn ip(args: &[&str]) -> bool {
    Command::new("ip")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

struct Netns {
    names: Vec<String>,
}

impl Drop for Netns {
    fn drop(&mut self) {
        for n in &self.names {
            ip(&["netns", "del", n]);
        }
    }
}

const PROBER: &str = r#"
import socket, sys, time
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(sys.argv[1]))
sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
sock.bind((sys.argv[1], 0))
probe = ('<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
  'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery">'
  '<s:Header><a:MessageID>urn:uuid:netns-probe</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>'
  '<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action></s:Header>'
  '<s:Body><d:Probe><d:Types xmlns:dn="http://www.onvif.org/ver10/network/wsdl">dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>')
sock.sendto(probe.encode(), ("239.255.255.250", 3702))
sock.settimeout(0.2)
end = time.time() + 2.0
while time.time() < end:
    try:
        data, src = sock.recvfrom(65535)
    except socket.timeout:
        continue
    text = data.decode(errors="replace")
    if "ProbeMatches" in text and "urn:uuid:netns-probe" in text:
        start = text.find("<d:XAddrs>") + len("<d:XAddrs>")
        print(src[0], text[start:text.find("</d:XAddrs>")])
"#;

#[test]
fn multicast_probe_inside_network_namespaces() {
    if !Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
    {
        println!("SKIP: needs root to create network namespaces");
        return;
    }
    let tag = std::process::id() % 100_000;
    let (site, laptop) = (format!("hsim-site-{tag}"), format!("hsim-lap-{tag}"));
    let (vs, vl) = (format!("hss{tag}"), format!("hsl{tag}"));
    if !ip(&["netns", "add", &site]) {
        println!("SKIP: `ip netns add` failed (no iproute2 or no namespace support)");
        return;
    }
    let _guard = Netns {
        names: vec![site.clone(), laptop.clone()],
    };
    assert!(ip(&["netns", "add", &laptop]));
    assert!(ip(&[
        "link", "add", &vs, "netns", &site, "type", "veth", "peer", "name", &vl, "netns", &laptop
    ]));
    for (ns, dev, addrs) in [
        (&site, &vs, vec!["10.77.0.10/24", "10.77.0.11/24"]),
        (&laptop, &vl, vec!["10.77.0.1/24"]),
    ] {
        for a in addrs {
            assert!(ip(&["-n", ns, "addr", "add", a, "dev", dev]));
        }
        assert!(ip(&["-n", ns, "link", "set", dev, "up"]));
        assert!(ip(&["-n", ns, "link", "set", "lo", "up"]));
        assert!(ip(&["-n", ns, "route", "add", "224.0.0.0/4", "dev", dev]));
    }

    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("site.toml");
    std::fs::File::create(&manifest)
        .unwrap()
        .write_all(
            br#"[site]
name = "netns site"
[[device]]
name = "cam-a"
vendor = "axis"
role = "camera"
address = "10.77.0.10"
[[device]]
name = "cam-b"
vendor = "hanwha"
role = "camera"
address = "10.77.0.11"
"#,
        )
        .unwrap();
    let mut sim = Command::new("ip")
        .args(["netns", "exec", &site, env!("CARGO_BIN_EXE_handover-sim")])
        .args([
            "--manifest",
            manifest.to_str().unwrap(),
            "--multicast-interface",
            &vs,
            "--status",
            "off",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    let probe = Command::new("ip")
        .args([
            "netns",
            "exec",
            &laptop,
            "python3",
            "-c",
            PROBER,
            "10.77.0.1",
        ])
        .output()
        .unwrap();
    let _ = sim.kill();
    let sim_out = sim.wait_with_output().unwrap();
    let got = String::from_utf8_lossy(&probe.stdout).into_owned();
    let mut lines: Vec<&str> = got.lines().collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            "10.77.0.10 http://10.77.0.10:8080/onvif/device_service",
            "10.77.0.11 http://10.77.0.11:8080/onvif/device_service"
        ],
        "prober stderr: {}\nsimulator: {}{}",
        String::from_utf8_lossy(&probe.stderr),
        String::from_utf8_lossy(&sim_out.stdout),
        String::from_utf8_lossy(&sim_out.stderr)
    );
}
