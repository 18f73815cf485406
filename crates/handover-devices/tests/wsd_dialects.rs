//! WS-Discovery answers in other devices' dialects (fixtures in tests/fixtures/wsd, one per tolerance) are
//! read, the dangerous ones still refused; simulated devices answering in those dialects are found by a sweep;
//! and a host that answered WS-Discovery with something that is no ProbeMatch for our probe is told as such in
//! the "why not found" account, never as "ports closed".

use handover_test_support::devices as common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use handover_devices::discovery::sweep::{self, HostVerdict};
use handover_devices::discovery::wsd::{self, Endpoint, Message, WsdError};
use handover_sim::{DeviceSpec, DiscoveryQuirk, FaultSpec, Role, SiteManifest, Vendor};
use tokio_util::sync::CancellationToken;

/// Our probe's MessageID the fixtures answer.
const OUR_ID: &str = "urn:uuid:2b6b2d9e-1111-4a2b-8c3d-4e5f60718293";

fn fixture(name: &str) -> Vec<u8> {
    let path = manifest_dir().join(format!("tests/fixtures/wsd/{name}"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The one endpoint of a fixture's ProbeMatches, with its RelatesTo.
fn one_match(name: &str) -> (Option<String>, Endpoint) {
    match wsd::parse(&fixture(name)) {
        Ok(Message::ProbeMatches {
            relates_to,
            mut matches,
        }) => {
            assert_eq!(matches.len(), 1, "{name}: {matches:?}");
            (relates_to, matches.remove(0))
        }
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn a_probe_match_without_its_wrapper_is_a_match() {
    let (rel, e) = one_match("unwrapped-probematch.xml");
    assert_eq!(rel.as_deref(), Some(OUR_ID));
    assert_eq!(e.reference, "urn:uuid:a1b2c3d4-0001-4000-8000-00000000c0de");
    assert_eq!(e.types, ["dn:NetworkVideoTransmitter", "tds:Device"]);
    assert_eq!(e.xaddrs, ["http://127.64.0.20:8000/onvif/device_service"]);
    assert_eq!(e.scopes.len(), 3);
    assert_eq!(e.metadata_version, Some(10));
}

#[test]
fn soap_1_1_and_other_prefixes_and_a_default_namespace_are_read_alike() {
    let (rel, e) = one_match("soap11-default-namespace.xml");
    assert_eq!(rel.as_deref(), Some(OUR_ID));
    assert_eq!(e.reference, "urn:uuid:0e7c4f58-9d3a-11ee-8c90-0242ac12c0de");
    assert_eq!(e.types, ["tdn:NetworkVideoTransmitter", "tds:Device"]);
    assert_eq!(e.xaddrs, ["http://127.64.0.21:2020/onvif/device_service"]);
    assert!(
        e.scopes
            .contains(&"onvif://www.onvif.org/name/IPCAM".to_owned())
    );
}

#[test]
fn a_scope_value_with_a_space_stays_one_scope() {
    let (_, e) = one_match("scopes-with-spaces.xml");
    assert_eq!(
        e.scopes,
        [
            "onvif://www.onvif.org/type/video_encoder",
            "onvif://www.onvif.org/name/Front Door Camera",
            "onvif://www.onvif.org/location/Building%20A loading bay",
            "onvif://www.onvif.org/hardware/IPC-HDW 2431T",
            "onvif://www.onvif.org/Profile/Streaming",
        ]
    );
    assert_eq!(e.xaddrs, ["http://127.64.0.22/onvif/device_service"]);
}

#[test]
fn a_relates_to_without_urn_still_answers_our_probe() {
    let (rel, _) = one_match("relates-to-without-urn.xml");
    let rel = rel.unwrap();
    assert!(wsd::relates_to_ours(&rel, OUR_ID), "{rel}");
    assert!(!wsd::relates_to_ours(
        &rel,
        "urn:uuid:2b6b2d9e-1111-4a2b-8c3d-4e5f60718294"
    ));
    assert!(!wsd::relates_to_ours("", OUR_ID));
}

#[test]
fn an_unusable_xaddr_beside_a_usable_one_is_dropped() {
    let (_, e) = one_match("zoned-xaddr.xml");
    assert!(
        e.xaddrs
            .contains(&"http://127.64.0.24/onvif/device_service".to_owned()),
        "{e:?}"
    );
    // Alone, an unusable XAddr is still refused.
    let only_bad = String::from_utf8(fixture("zoned-xaddr.xml"))
        .unwrap()
        .replace(" http://127.64.0.24/onvif/device_service", "")
        .replace("[fe80::2c0:ffff:fe00:1%eth0]", "[::not-an-address");
    assert!(matches!(
        wsd::parse(only_bad.as_bytes()),
        Err(WsdError::Invalid(_))
    ));
}

#[test]
fn what_is_dangerous_stays_refused() {
    assert!(matches!(
        wsd::parse(&fixture("doctype.xml")),
        Err(WsdError::Doctype)
    ));
    // Too many scopes, and one scope grown past the field limit by raw-space words, are refused.
    let base = String::from_utf8(fixture("scopes-with-spaces.xml")).unwrap();
    let many: String = (0..300)
        .map(|i| format!(" onvif://www.onvif.org/x/{i}"))
        .collect();
    let too_many = base.replace("</d:Scopes>", &format!("{many}</d:Scopes>"));
    assert!(matches!(
        wsd::parse(too_many.as_bytes()),
        Err(WsdError::TooLarge(_))
    ));
    let words: String = (0..3000).map(|i| format!(" w{i}")).collect();
    let long = base.replace("Front Door Camera", &format!("Front{words}"));
    assert!(matches!(
        wsd::parse(long.as_bytes()),
        Err(WsdError::TooLarge(_))
    ));
    // Still no more than MAX_ADDRS matches in one datagram, wrapper or not.
    let one = String::from_utf8(fixture("unwrapped-probematch.xml")).unwrap();
    let start = one.find("<wsd:ProbeMatch>").unwrap();
    let end = one.find("</wsd:ProbeMatch>").unwrap() + "</wsd:ProbeMatch>".len();
    let many = one.replace(
        &one[start..end],
        &one[start..end].repeat(wsd::MAX_ADDRS + 1),
    );
    assert!(matches!(
        wsd::parse(many.as_bytes()),
        Err(WsdError::TooLarge(_))
    ));
}

/// Simulated devices answering in each dialect, and in all of them at once, are found by a unicast sweep, with
/// their scopes whole; a host answering only with a Hello is "an unreadable answer", not "ports closed".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_answering_in_other_dialects_are_found_and_no_answer_is_called_ports_closed() {
    use DiscoveryQuirk::*;
    let quirks: Vec<Vec<DiscoveryQuirk>> = vec![
        vec![Unwrapped],
        vec![Soap11],
        vec![RawSpaces],
        vec![RelatesToWithoutUrn],
        vec![Unwrapped, Soap11, RawSpaces, RelatesToWithoutUrn],
    ];
    let mut manifest = SiteManifest::generated(0, Ipv4Addr::new(127, 64, 0, 10));
    for (i, q) in quirks.iter().enumerate() {
        let mut d = DeviceSpec::new(
            format!("Dialect Cam {i}"),
            Vendor::Generic,
            Role::Camera,
            Ipv4Addr::new(127, 64, 0, 10 + i as u8),
        );
        d.location = Some("Loading bay".into());
        d.faults = FaultSpec {
            discovery_quirks: q.clone(),
            ..FaultSpec::default()
        };
        manifest.devices.push(d);
    }
    let site = common::spawn(manifest, Duration::from_millis(100)).await;

    // A host at .40 that answers every probe with a Hello (well-formed WS-Discovery, no ProbeMatch).
    let odd = tokio::net::UdpSocket::bind("127.64.0.40:3702")
        .await
        .unwrap();
    let hello = String::from_utf8(fixture("unwrapped-probematch.xml"))
        .unwrap()
        .replace("wsd:ProbeMatch>", "wsd:Hello>");
    let responder = tokio::spawn(async move {
        let mut buf = vec![0u8; 65_536];
        while let Ok((_, from)) = odd.recv_from(&mut buf).await {
            let _ = odd.send_to(hello.as_bytes(), from).await;
        }
    });

    let net: ipnet::Ipv4Net = "127.64.0.0/26".parse().unwrap();
    let opts = common::sweep_options(Duration::from_millis(100), Some(common::client()));
    let report = sweep::sweep(&[net], &opts, &CancellationToken::new(), |_| {})
        .await
        .unwrap();
    responder.abort();
    for (i, dev) in site.devices().iter().enumerate() {
        let s = report
            .found
            .iter()
            .find(|s| s.endpoint == dev.endpoint_reference())
            .unwrap_or_else(|| panic!("device {i} ({:?}) not found: {report:#?}", quirks[i]));
        assert!(
            s.scopes
                .iter()
                .any(|x| x.ends_with(&format!("name/Dialect Cam {i}"))
                    || x.ends_with(&format!("name/Dialect%20Cam%20{i}"))),
            "device {i}: {:?}",
            s.scopes
        );
        assert_eq!(s.xaddrs.len(), 1, "device {i}");
    }
    let sub = &report.subnets[0];
    assert_eq!(sub.found.len(), quirks.len(), "{sub:?}");
    assert_eq!(sub.hosts_probed, 62);
    let odd_ip = IpAddr::V4(Ipv4Addr::new(127, 64, 0, 40));
    let v = sub
        .others
        .iter()
        .find(|(ip, _)| *ip == odd_ip)
        .map(|(_, v)| v);
    assert!(
        matches!(v, Some(HostVerdict::UnreadableAnswer { detail }) if detail.contains("Hello")),
        "{v:?}"
    );
    // No host that answered WS-Discovery is among the "ports closed" ones.
    for (ip, v) in &sub.others {
        if *v == HostVerdict::PortsClosed {
            assert!(!report.round.answered.iter().any(|a| a.ip() == *ip), "{ip}");
            assert_ne!(*ip, odd_ip);
        }
    }
}

/// The package folder, read when the test runs (not baked in at build time), so a test binary built
/// from another checkout of the same commit still finds this checkout's files.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
}
