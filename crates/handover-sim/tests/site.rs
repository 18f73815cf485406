//! The demo site as a whole: every device on its own loopback address, the status endpoint, the
//! single-address mode, and the SNMP switch read by net-snmp's `snmpwalk` (v2c and v3 authPriv): each
//! device's MAC on its port in BRIDGE-MIB/Q-BRIDGE-MIB and each port's PVID, misplacements included.

use std::collections::{HashMap, HashSet};
use std::process::Command;

use bytes::Bytes;
use handover_sim::{SimSite, SiteManifest, SpawnOptions};
use http_body_util::{BodyExt as _, Full};
use hyper_util::rt::TokioIo;

async fn http(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    body: &str,
) -> (u16, serde_json::Value) {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut s, c) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(c);
    let req = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string())
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap();
    let resp = s.send_request(req).await.unwrap();
    let status = resp.status().as_u16();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test]
async fn demo_site_runs_every_device_on_its_own_address_with_a_status_endpoint() {
    let site = SimSite::spawn(SiteManifest::demo(), SpawnOptions::ephemeral())
        .await
        .unwrap();
    assert_eq!(site.devices().len(), 24);
    let ips: HashSet<_> = site.devices().iter().map(|d| d.http_addr().ip()).collect();
    assert_eq!(ips.len(), 24, "one address per device");
    for d in site.devices() {
        assert_eq!(d.http_addr().ip(), std::net::IpAddr::V4(d.ip()));
        // As commissioned, HTTP is off where HTTPS is on: ONVIF answers over HTTPS there.
        let scheme = if d.protocol_enabled("HTTP") {
            "http"
        } else {
            "https"
        };
        assert!(
            d.xaddr().starts_with(&format!("{scheme}://{}:", d.ip())),
            "{}",
            d.xaddr()
        );
        assert_eq!(d.https_addr().is_some(), d.protocol_enabled("HTTPS"));
    }
    assert!(site.tls_fingerprint().is_some());
    let status = site.status_addr().unwrap();
    let (code, json) = http(status, "GET", "/status", "").await;
    assert_eq!(code, 200);
    let devices = json["devices"].as_array().unwrap();
    assert_eq!(devices.len(), 24);
    let roof = devices.iter().find(|d| d["name"] == "cam-roof-08").unwrap();
    assert_eq!(
        roof["users"][0]["password_sha256"],
        handover_sim::password_hash("Roof-Cam-2024!")
    );
    assert!(
        !json.to_string().contains("Roof-Cam-2024!"),
        "passwords never leave as text"
    );
    let yard = devices.iter().find(|d| d["name"] == "cam-yard-04").unwrap();
    assert_eq!(yard["activated"], false);

    let (code, _) = http(
        status,
        "POST",
        "/devices/cam-lobby-02/faults",
        r#"{"latency_ms": 250}"#,
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(
        site.device("cam-lobby-02").unwrap().faults().latency_ms,
        250
    );
    let (code, _) = http(
        status,
        "POST",
        "/devices/cam-lobby-02/faults",
        r#"{"latency": 1}"#,
    )
    .await;
    assert_eq!(code, 400, "unknown fault fields are refused");
    let (code, _) = http(status, "GET", "/devices/nope", "").await;
    assert_eq!(code, 404);
}

#[tokio::test]
async fn single_address_mode_gives_each_device_its_own_ports_on_127_0_0_1() {
    let site = SimSite::spawn(SiteManifest::demo(), SpawnOptions::single_address())
        .await
        .unwrap();
    let http: HashSet<_> = site.devices().iter().map(|d| d.http_addr()).collect();
    let udp: HashSet<_> = site
        .devices()
        .iter()
        .map(|d| d.discovery_addr().unwrap())
        .collect();
    assert_eq!(http.len(), 24);
    assert_eq!(udp.len(), 24);
    assert!(
        http.iter()
            .chain(udp.iter())
            .all(|a| a.ip() == std::net::Ipv4Addr::LOCALHOST)
    );
    assert_eq!(
        site.switch_addr().unwrap().ip(),
        std::net::Ipv4Addr::LOCALHOST
    );
}

fn snmpwalk(args: &[&str]) -> Option<Vec<(String, String)>> {
    let out = Command::new("snmpwalk")
        .args(["-On", "-Oq", "-t", "2", "-r", "1"])
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "snmpwalk {args:?} failed: {}{}",
        text,
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        text.lines()
            .filter_map(|l| {
                l.split_once(' ')
                    .map(|(o, v)| (o.to_string(), v.trim().to_string()))
            })
            .collect(),
    )
}

fn mac_oid_suffix(mac: &str) -> String {
    mac.split(':')
        .map(|b| u8::from_str_radix(b, 16).unwrap().to_string())
        .collect::<Vec<_>>()
        .join(".")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snmpwalk_reads_fdb_and_pvid_tables_v2c_and_v3() {
    if Command::new("snmpwalk").arg("-V").output().is_err() {
        println!(
            "SKIP: snmpwalk not installed (Debian package `snmp`, listed in scripts/packages.txt)"
        );
        return;
    }
    let site = SimSite::spawn(SiteManifest::demo(), SpawnOptions::ephemeral())
        .await
        .unwrap();
    let agent = site.switch_addr().unwrap().to_string();
    let sw = site.switch_spec().unwrap().clone();
    let v3 = [
        "-v3",
        "-l",
        "authPriv",
        "-u",
        &sw.v3_user,
        "-a",
        "SHA-256",
        "-A",
        &sw.v3_auth_password,
        "-x",
        "AES",
        "-X",
        &sw.v3_priv_password,
    ];
    let (agent2, site2) = (agent.clone(), site.manifest().clone());
    let v3c: Vec<String> = v3.iter().map(|s| s.to_string()).collect();
    let comm = sw.community.clone();
    let (fdb, pvid, qfdb, names) = tokio::task::spawn_blocking(move || {
        let v3: Vec<&str> = v3c.iter().map(String::as_str).collect();
        let fdb = snmpwalk(&["-v2c", "-c", &comm, &agent2, "1.3.6.1.2.1.17.4.3.1.2"]).unwrap();
        let pvid = snmpwalk(&[&v3[..], &[agent2.as_str(), "1.3.6.1.2.1.17.7.1.4.5.1.1"]].concat())
            .unwrap();
        let qfdb = snmpwalk(&[&v3[..], &[agent2.as_str(), "1.3.6.1.2.1.17.7.1.2.2.1.2"]].concat())
            .unwrap();
        let names =
            snmpwalk(&["-v2c", "-c", &comm, &agent2, "1.3.6.1.2.1.17.7.1.4.3.1.1"]).unwrap();
        let _ = site2;
        (fdb, pvid, qfdb, names)
    })
    .await
    .unwrap();
    let fdb: HashMap<_, _> = fdb.into_iter().collect();
    let pvid: HashMap<_, _> = pvid.into_iter().collect();
    let qfdb: HashMap<_, _> = qfdb.into_iter().collect();
    assert_eq!(fdb.len(), 24, "{fdb:?}");
    for d in site.devices() {
        let (port, vlan) = d.switch_port();
        let m = mac_oid_suffix(&d.mac());
        assert_eq!(
            fdb.get(&format!(".1.3.6.1.2.1.17.4.3.1.2.{m}")),
            Some(&port.to_string()),
            "{}",
            d.name()
        );
        assert_eq!(
            pvid.get(&format!(".1.3.6.1.2.1.17.7.1.4.5.1.1.{port}")),
            Some(&vlan.unwrap().to_string()),
            "{}",
            d.name()
        );
        assert_eq!(
            qfdb.get(&format!(
                ".1.3.6.1.2.1.17.7.1.2.2.1.2.{}.{m}",
                vlan.unwrap()
            )),
            Some(&port.to_string())
        );
    }
    // The demo's misplacements as the switch reports them.
    let warehouse = site.device("cam-warehouse-11").unwrap();
    assert_eq!(
        warehouse.switch_port(),
        (12, Some(30)),
        "camera subnet, access-control port VLAN"
    );
    let server_room = site.device("cam-server-room-12").unwrap();
    assert_eq!(
        server_room.switch_port().1,
        Some(30),
        "camera on the access-control subnet and VLAN"
    );
    assert!(
        names.iter().any(|(_, v)| v.contains("Access control")),
        "{names:?}"
    );

    // Wrong v3 passphrase: refused.
    let agent3 = agent.clone();
    let user = sw.v3_user.clone();
    let bad = tokio::task::spawn_blocking(move || {
        Command::new("snmpwalk")
            .args([
                "-v3",
                "-l",
                "authPriv",
                "-u",
                &user,
                "-a",
                "SHA-256",
                "-A",
                "wrong-passphrase",
                "-x",
                "AES",
                "-X",
                "wrong-passphrase",
                "-t",
                "1",
                "-r",
                "0",
                &agent3,
                "1.3.6.1.2.1.17.7.1.4.5.1.1",
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        !bad.status.success() || bad.stdout.is_empty(),
        "wrong passphrase must not read the table"
    );
}
