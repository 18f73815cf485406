//! WS-Discovery on loopback: unicast Probe to a device's own UDP socket, ProbeMatch with the XAddr and
//! role scopes after the random APP_MAX_DELAY wait, discovery mode, dropped datagrams, hostile answers,
//! Hello and Bye around a reboot (to a unicast target: multicast never leaves a test's namespace).

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use handover_sim::soap::parse;
use handover_sim::{FaultSpec, Hostile, Role, SimDevice, Vendor};
use tokio::net::UdpSocket;

fn probe(msg_id: &str, types: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><s:Header><a:MessageID>{msg_id}</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action></s:Header><s:Body><d:Probe><d:Types>{types}</d:Types></d:Probe></s:Body></s:Envelope>"#
    )
}

async fn ask(target: SocketAddr, types: &str, wait: Duration) -> Vec<(Vec<u8>, Duration)> {
    let sock = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
    let start = Instant::now();
    sock.send_to(probe("urn:uuid:test-probe-1", types).as_bytes(), target)
        .await
        .unwrap();
    let mut out = Vec::new();
    let mut buf = vec![0u8; 70_000];
    while let Ok(Ok((n, _))) = tokio::time::timeout(
        wait.saturating_sub(start.elapsed()),
        sock.recv_from(&mut buf),
    )
    .await
    {
        out.push((buf[..n].to_vec(), start.elapsed()));
    }
    out
}

#[tokio::test]
async fn unicast_probe_gets_a_probe_match_within_app_max_delay() {
    let dev = SimDevice::builder()
        .vendor(Vendor::Axis)
        .role(Role::Intercom)
        .name("icom-1")
        .spawn()
        .await
        .unwrap();
    let got = ask(
        dev.discovery_addr().unwrap(),
        "dn:NetworkVideoTransmitter",
        Duration::from_millis(1200),
    )
    .await;
    assert_eq!(got.len(), 1);
    let (msg, after) = &got[0];
    assert!(*after <= Duration::from_millis(700), "{after:?}");
    let root = parse(msg).unwrap();
    assert_eq!(
        root.text_at(&["Header", "RelatesTo"]),
        Some("urn:uuid:test-probe-1")
    );
    let m = root.path(&["Body", "ProbeMatches", "ProbeMatch"]).unwrap();
    assert_eq!(m.text_at(&["XAddrs"]), Some(dev.xaddr().as_str()));
    assert_eq!(
        m.text_at(&["EndpointReference", "Address"]),
        Some(dev.endpoint_reference())
    );
    let scopes = m.text_at(&["Scopes"]).unwrap();
    assert!(
        scopes.contains("onvif://www.onvif.org/type/intercom"),
        "{scopes}"
    );
    assert!(
        scopes.contains("onvif://www.onvif.org/name/icom-1"),
        "{scopes}"
    );
    assert!(
        scopes.contains("onvif://www.onvif.org/hardware/"),
        "{scopes}"
    );
    assert_eq!(dev.counters().probes_answered, 1);
}

#[tokio::test]
async fn delays_spread_over_app_max_delay() {
    let dev = SimDevice::builder().spawn().await.unwrap();
    let mut delays = Vec::new();
    for _ in 0..12 {
        let got = ask(
            dev.discovery_addr().unwrap(),
            "",
            Duration::from_millis(800),
        )
        .await;
        delays.push(got[0].1);
    }
    let min = delays.iter().min().unwrap();
    let max = delays.iter().max().unwrap();
    assert!(
        *max - *min > Duration::from_millis(50),
        "random, not constant: {delays:?}"
    );
    assert!(*max <= Duration::from_millis(700), "{delays:?}");
}

#[tokio::test]
async fn non_discoverable_wrong_types_and_dropped_datagrams_get_no_answer() {
    let dev = SimDevice::builder()
        .discoverable(false)
        .app_max_delay(Duration::ZERO)
        .spawn()
        .await
        .unwrap();
    assert!(
        ask(
            dev.discovery_addr().unwrap(),
            "",
            Duration::from_millis(400)
        )
        .await
        .is_empty()
    );
    let dev = SimDevice::builder()
        .role(Role::AccessControl)
        .app_max_delay(Duration::ZERO)
        .spawn()
        .await
        .unwrap();
    assert!(
        ask(
            dev.discovery_addr().unwrap(),
            "dn:NetworkVideoTransmitter",
            Duration::from_millis(400)
        )
        .await
        .is_empty()
    );
    assert_eq!(
        ask(
            dev.discovery_addr().unwrap(),
            "tds:Device",
            Duration::from_millis(400)
        )
        .await
        .len(),
        1
    );
    dev.set_faults(FaultSpec {
        udp_drop_share: 1.0,
        ..FaultSpec::default()
    });
    assert!(
        ask(
            dev.discovery_addr().unwrap(),
            "",
            Duration::from_millis(400)
        )
        .await
        .is_empty()
    );
    assert_eq!(dev.counters().datagrams_dropped, 1);
}

#[tokio::test]
async fn hostile_probe_matches() {
    let dev = SimDevice::builder()
        .app_max_delay(Duration::ZERO)
        .spawn()
        .await
        .unwrap();
    for (h, check) in [
        (
            Hostile::Malformed,
            (|m: &[u8]| parse(m).is_err()) as fn(&[u8]) -> bool,
        ),
        (Hostile::Gigantic, |m: &[u8]| m.len() > 55_000),
        (Hostile::EntityBomb, |m: &[u8]| {
            String::from_utf8_lossy(m).contains("<!ENTITY")
        }),
    ] {
        dev.set_faults(FaultSpec {
            hostile_discovery: Some(h),
            ..FaultSpec::default()
        });
        let got = ask(
            dev.discovery_addr().unwrap(),
            "",
            Duration::from_millis(500),
        )
        .await;
        assert_eq!(got.len(), 1, "{h:?}");
        assert!(check(&got[0].0), "{h:?}");
    }
}

#[tokio::test]
async fn hello_and_bye_around_a_reboot() {
    let listener = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
    let dev = SimDevice::builder()
        .hello_target(listener.local_addr().unwrap())
        .reboot_duration(Duration::from_millis(500))
        .spawn()
        .await
        .unwrap();
    assert_eq!(next_announcement(&listener).await, "Hello");
    dev.reboot();
    assert_eq!(next_announcement(&listener).await, "Bye");
    assert!(
        ask(
            dev.discovery_addr().unwrap(),
            "",
            Duration::from_millis(300)
        )
        .await
        .is_empty(),
        "silent while rebooting"
    );
    assert_eq!(next_announcement(&listener).await, "Hello");
}

async fn next_announcement(listener: &UdpSocket) -> String {
    let mut buf = vec![0u8; 16 * 1024];
    let (n, _) = tokio::time::timeout(Duration::from_secs(3), listener.recv_from(&mut buf))
        .await
        .unwrap()
        .unwrap();
    let root = parse(&buf[..n]).unwrap();
    root.child("Body").unwrap().children[0].name.clone()
}
