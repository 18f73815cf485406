//! Asking a switch whose SNMP agent nobody here wrote: net-snmp's `snmpd` on loopback, serving the forwarding
//! table of the simulated demo site's MACs (Q-BRIDGE-MIB, or BRIDGE-MIB alone for the fallback) through its
//! `override` directives. v2c and v3 authPriv (SHA-256/AES-128) locate every device with a known MAC on the
//! port and VLAN the agent serves; a wrong community, wrong v3 passwords and a switch that does not answer are
//! each reported and record nothing. Skips, saying so, where `snmpd` is not installed (scripts/setup.sh
//! installs it).

use handover_test_support::engine as common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use handover_engine::Session;
use handover_engine::switch::{SwitchCredentials, SwitchSummary};
use handover_sim::SimSite;
use handover_vault::SecretString;

const COMMUNITY: &str = "handover-ro-7731";
const V3_USER: &str = "handover-audit";
const V3_AUTH: &str = "auth-Pass-2026";
const V3_PRIV: &str = "priv-Pass-2026";

const DOT1Q_TP_FDB_PORT: &str = ".1.3.6.1.2.1.17.7.1.2.2.1.2";
const DOT1Q_PVID: &str = ".1.3.6.1.2.1.17.7.1.4.5.1.1";
const DOT1D_TP_FDB_PORT: &str = ".1.3.6.1.2.1.17.4.3.1.2";

fn snmpd_path() -> Option<PathBuf> {
    ["/usr/sbin/snmpd", "/usr/local/sbin/snmpd"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// A running `snmpd`, stopped when dropped.
struct Snmpd {
    child: Child,
    addr: String,
    _dir: tempfile::TempDir,
}

impl Drop for Snmpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where each simulated device is wired: (MAC bytes, port, VLAN).
fn wiring(site: &SimSite) -> Vec<([u8; 6], u16, u16)> {
    site.devices()
        .iter()
        .map(|h| {
            let mac: Vec<u8> = h
                .mac()
                .split(':')
                .map(|b| u8::from_str_radix(b, 16).unwrap())
                .collect();
            let (port, vlan) = h.switch_port();
            (mac.try_into().unwrap(), port, vlan.unwrap_or(1))
        })
        .collect()
}

/// The agent's configuration: access for the v2c community and the v3 user, and the forwarding table.
fn config(site: &SimSite, qbridge: bool) -> String {
    let mut c = format!(
        "rocommunity {COMMUNITY} 127.0.0.1\n\
         createUser {V3_USER} SHA-256 \"{V3_AUTH}\" AES \"{V3_PRIV}\"\n\
         rouser {V3_USER} priv\n"
    );
    let mut pvids = std::collections::BTreeMap::new();
    for (mac, port, vlan) in wiring(site) {
        let m = mac.map(|b| b.to_string()).join(".");
        if qbridge {
            writeln!(c, "override {DOT1Q_TP_FDB_PORT}.{vlan}.{m} integer {port}").unwrap();
        } else {
            writeln!(c, "override {DOT1D_TP_FDB_PORT}.{m} integer {port}").unwrap();
        }
        pvids.insert(port, vlan);
    }
    for (port, vlan) in pvids {
        writeln!(c, "override {DOT1Q_PVID}.{port} unsigned {vlan}").unwrap();
    }
    c
}

fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `snmpd` in the foreground on a free loopback port with only `conf` (no system configuration), its
/// persistent state in a temporary folder, and waits until it has read its configuration.
fn start_snmpd(bin: &Path, conf: &str) -> Snmpd {
    let dir = tempfile::tempdir().unwrap();
    let conf_path = dir.path().join("snmpd.conf");
    std::fs::write(&conf_path, conf).unwrap();
    let log = dir.path().join("snmpd.log");
    let port = free_udp_port();
    let addr = format!("127.0.0.1:{port}");
    let child = Command::new(bin)
        .args(["-f", "-C", "-c"])
        .arg(&conf_path)
        .arg("-Lf")
        .arg(&log)
        .arg(format!("udp:{addr}"))
        .env("SNMP_PERSISTENT_DIR", dir.path().join("persist"))
        .env("MIBS", "")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("snmpd starts");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.contains("NET-SNMP version") {
            assert!(
                !text.contains("Error:"),
                "snmpd refused part of its configuration:\n{text}"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "snmpd did not start within 10 s:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Snmpd {
        child,
        addr,
        _dir: dir,
    }
}

fn s(v: &str) -> SecretString {
    SecretString::new(v.to_owned())
}

fn v3(auth: &str) -> SwitchCredentials {
    SwitchCredentials::V3 {
        user: V3_USER.into(),
        auth: s(auth),
        privacy: s(V3_PRIV),
    }
}

/// Every recorded location is the one the agent serves for that device (VLAN 1 where the port has none).
fn assert_locations_match(sess: &Session, site: &SimSite) {
    for (name, port, vlan, wired_port, wired_vlan) in common::located_vs_wiring(sess, site) {
        assert_eq!(port, wired_port.to_string(), "{name}");
        assert_eq!(vlan, wired_vlan.unwrap_or(1), "{name}");
    }
}

/// The demo site, `snmpd` serving its forwarding table (Q-BRIDGE-MIB or BRIDGE-MIB), and a project that has
/// discovered the site; `None` (with a printed reason) when snmpd is not installed.
async fn set_up(qbridge: bool, dir: &Path) -> Option<(SimSite, Snmpd, Session, usize)> {
    let Some(bin) = snmpd_path() else {
        println!("SKIP: snmpd (net-snmp) is not installed: run scripts/setup.sh");
        return None;
    };
    let (site, wsd) = common::demo_site().await;
    let agent = start_snmpd(&bin, &config(&site, qbridge));
    let (sess, with_mac) = common::discovered_demo(wsd, dir, "snmpd").await;
    Some((site, agent, sess, with_mac))
}

/// Lists the switch (credentials sealed under the session's test keyring) and asks it.
async fn ask(sess: &mut Session, addr: &str, creds: &SwitchCredentials) -> SwitchSummary {
    sess.add_switch("access-sw", addr, creds).unwrap();
    sess.query_switches().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn net_snmp_agent_qbridge_v2c_and_v3_and_bad_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let Some((site, agent, mut sess, with_mac)) = set_up(true, dir.path()).await else {
        return;
    };
    // A test double stands in for the keyring: this test is about SNMP against a third-party agent; the
    // keyring is exercised for real by the custody and CLI tests.

    // Wrong community: net-snmp drops the request silently; reported, nothing located.
    let r = ask(&mut sess, &agent.addr, &SwitchCredentials::V2c(s("public"))).await;
    assert_eq!((r.answered, r.located), (0, 0), "{r:?}");
    assert!(r.failed[0].1.contains("community"), "{r:?}");

    // Wrong v3 authentication password: net-snmp answers with a report (wrong digest); reported.
    let r = ask(&mut sess, &agent.addr, &v3("not-the-auth-pass")).await;
    assert_eq!((r.answered, r.located), (0, 0), "{r:?}");
    assert!(r.failed[0].1.contains("did not answer SNMP"), "{r:?}");
    assert!(
        sess.devices()
            .unwrap()
            .iter()
            .all(|d| d.facts.switch_port.is_none()),
        "nothing is recorded from a switch that refused us"
    );

    // The right community, then v3 authPriv: every device with a known MAC is located where the agent says.
    let r = ask(
        &mut sess,
        &agent.addr,
        &SwitchCredentials::V2c(s(COMMUNITY)),
    )
    .await;
    assert_eq!(
        (r.answered, r.located, r.not_seen),
        (1, with_mac, 0),
        "{r:?}"
    );
    assert_locations_match(&sess, &site);
    let r = ask(&mut sess, &agent.addr, &v3(V3_AUTH)).await;
    assert_eq!((r.answered, r.located), (1, with_mac), "{r:?}");
    assert_locations_match(&sess, &site);

    // The agent stops: the switch no longer answers, and that is reported with what to check.
    drop(agent);
    let r = sess.query_switches().await.unwrap();
    assert_eq!(r.answered, 0, "{r:?}");
    assert!(r.failed[0].1.contains("check its address"), "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn net_snmp_agent_bridge_mib_fallback() {
    // No Q-BRIDGE forwarding table: only BRIDGE-MIB's dot1dTpFdbPort, with the ports' PVIDs.
    let dir = tempfile::tempdir().unwrap();
    let Some((site, agent, mut sess, with_mac)) = set_up(false, dir.path()).await else {
        return;
    };
    let r = ask(&mut sess, &agent.addr, &v3(V3_AUTH)).await;
    assert_eq!(
        (r.answered, r.located, r.not_seen),
        (1, with_mac, 0),
        "{r:?}"
    );
    assert_locations_match(&sess, &site);
}
