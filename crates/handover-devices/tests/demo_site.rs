//! The simulated demo site end to end on loopback: a unicast sweep of the three planned subnets finds
//! every device (and says why nothing else answered), then every device is identified with the
//! credentials the manifest gives it: the Axis-like ones that guard even their clock, the Hikvision-like
//! ones that take only HTTP Digest, the skewed clocks, the factory-new ones without a password.

use handover_test_support::devices as common;

use std::collections::HashSet;
use std::time::Duration;

use handover_devices::discovery::inventory::Inventory;
use handover_devices::discovery::sweep::{self, HostVerdict, Summary};
use handover_devices::{AuthScheme, ClockSource, Depth};
use handover_sim::Vendor;
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_demo_device_is_found_and_identified() {
    let site = common::spawn(common::demo_at(120), Duration::from_millis(300)).await;
    let client = common::client();
    let plan: Vec<ipnet::Ipv4Net> = site.manifest().vlans.iter().map(|v| v.subnet).collect();
    assert_eq!(plan.len(), 3);

    // Discovery: unicast sweep of the planned subnets.
    let mut streamed = Vec::new();
    let opts = common::sweep_options(Duration::from_millis(300), Some(client.clone()));
    let report = sweep::sweep(&plan, &opts, &CancellationToken::new(), |s| {
        streamed.push(s.endpoint.clone())
    })
    .await
    .unwrap();
    let want: HashSet<String> = site
        .devices()
        .iter()
        .map(|d| d.endpoint_reference().to_string())
        .collect();
    let got: HashSet<String> = report.found.iter().map(|s| s.endpoint.clone()).collect();
    assert_eq!(got, want, "every device found, nothing else");
    assert_eq!(
        streamed.len(),
        site.devices().len(),
        "each endpoint streamed once"
    );
    let mut inv = Inventory::new();
    for s in &report.found {
        inv.add(s);
    }
    assert_eq!(inv.len(), 24);
    for sub in &report.subnets {
        assert_eq!(sub.summary, Summary::Found, "{sub:?}");
        assert_eq!(sub.hosts_probed, 254);
        let devices_here = site
            .devices()
            .iter()
            .filter(|d| sub.subnet.contains(&d.ip()))
            .count();
        assert_eq!(sub.found.len(), devices_here, "{}", sub.subnet);
        // On loopback every other address refuses TCP at once: "host up, nothing on the ONVIF port".
        assert_eq!(sub.others.len() + sub.silent, 254 - devices_here);
        assert!(
            sub.others
                .iter()
                .all(|(_, v)| *v == HostVerdict::PortsClosed),
            "{:?}",
            sub.others
        );
    }

    // Identification with the manifest's credentials.
    for (i, dev) in site.devices().iter().enumerate() {
        let creds = common::creds_of(&site, i);
        let sighting = report
            .found
            .iter()
            .find(|s| s.endpoint == dev.endpoint_reference())
            .unwrap();
        let session = client.session(&sighting.xaddrs[0], creds.clone()).unwrap();
        let id = session.identify(Depth::Full).await;
        let name = dev.name();
        let clock = id
            .clock
            .unwrap_or_else(|| panic!("{name}: no clock: {:?}", id.errors));
        let want_skew = dev.clock_skew().whole_seconds();
        assert!(
            (clock.skew_secs - want_skew).abs() <= 2,
            "{name}: skew {} want {want_skew}",
            clock.skew_secs
        );
        let vendor = dev.vendor();
        if vendor == Vendor::Axis {
            assert!(
                id.needs_auth_for.contains(&"GetSystemDateAndTime"),
                "{name}: {:?}",
                id.needs_auth_for
            );
            assert_eq!(
                clock.source,
                ClockSource::Onvif,
                "{name}: read with credentials once the Date header gave the skew"
            );
        }
        let activated = dev.is_activated();
        match &creds {
            Some(_) if activated => {
                assert_eq!(
                    id.credentials_accepted,
                    Some(true),
                    "{name}: {:?}",
                    id.errors
                );
                assert!(id.errors.is_empty(), "{name}: {:?}", id.errors);
                let info = id.facts.info.as_ref().unwrap();
                assert_eq!(
                    info.manufacturer,
                    vendor.personality().manufacturer,
                    "{name}"
                );
                assert_eq!(info.model, dev.model(), "{name}");
                assert_eq!(info.firmware_version, dev.firmware(), "{name}");
                assert_eq!(info.serial_number, dev.serial(), "{name}");
                let ifs = id.facts.interfaces.as_ref().unwrap();
                assert_eq!(
                    ifs[0].mac.to_ascii_lowercase(),
                    dev.mac().to_ascii_lowercase(),
                    "{name}"
                );
                assert_eq!(
                    ifs[0].ipv4.as_deref(),
                    Some(dev.ip().to_string().as_str()),
                    "{name}"
                );
                assert!(!ifs[0].dhcp);
                assert!(
                    id.facts
                        .scopes
                        .as_ref()
                        .unwrap()
                        .iter()
                        .any(|s| s.ends_with(&format!("/name/{name}"))),
                    "{name}"
                );
                assert!(
                    id.facts.gateway.as_ref().is_some_and(|g| !g.is_empty()),
                    "{name}"
                );
                assert!(
                    id.facts.dns.is_some()
                        && id.facts.ntp.is_some()
                        && id.facts.protocols.is_some(),
                    "{name}"
                );
                assert!(
                    id.facts.discovery_mode.is_some() && id.facts.password_limits.is_some(),
                    "{name}"
                );
                let scheme = id.auth_scheme.unwrap();
                if vendor == Vendor::Hikvision {
                    assert_eq!(
                        scheme,
                        AuthScheme::HttpDigest,
                        "{name}: Hikvision-like devices take Digest only"
                    );
                } else {
                    assert_eq!(scheme, AuthScheme::WsUsernameToken, "{name}");
                }
            }
            _ => {
                // Factory-new: unactivated (Hikvision-like) or without users (Generic).
                if activated {
                    assert!(
                        id.needs_auth_for.is_empty(),
                        "{name}: a device without users is open: {:?}",
                        id.needs_auth_for
                    );
                    assert!(id.facts.info.is_some(), "{name}");
                } else {
                    assert!(id.facts.info.is_none(), "{name}");
                    assert!(
                        id.errors
                            .iter()
                            .any(|(op, e)| *op == "GetDeviceInformation" && e.is_auth_required()),
                        "{name}: {:?}",
                        id.errors
                    );
                }
            }
        }
        assert_eq!(
            dev.counters().failed_logins,
            0,
            "{name}: identification never guessed"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_credentials_identification_records_what_needs_them() {
    let site = common::spawn(common::demo_at(150), Duration::from_millis(50)).await;
    let client = common::client();
    let axis = site.device("cam-office-10").unwrap();
    let s = client.session(&axis.xaddr(), None).unwrap();
    let id = s.identify(Depth::Full).await;
    assert!(
        id.needs_auth_for.contains(&"GetSystemDateAndTime")
            && id.needs_auth_for.contains(&"GetDeviceInformation"),
        "{:?}",
        id.needs_auth_for
    );
    let clock = id.clock.unwrap();
    assert_eq!(clock.source, ClockSource::HttpDate);
    assert!(
        (clock.skew_secs - 5400).abs() <= 2,
        "skew from the Date header: {}",
        clock.skew_secs
    );
    assert_eq!(id.credentials_accepted, None);
    assert_eq!(axis.counters().failed_logins, 0);

    let hik = site.device("cam-parking-03").unwrap();
    let id = client
        .session(&hik.xaddr(), None)
        .unwrap()
        .identify(Depth::Basic)
        .await;
    assert_eq!(
        id.clock.unwrap().source,
        ClockSource::Onvif,
        "pre-auth clock"
    );
    assert_eq!(id.needs_auth_for, vec!["GetDeviceInformation"]);
    assert_eq!(
        id.auth_scheme,
        Some(AuthScheme::HttpDigest),
        "it challenged with Digest"
    );
}
