//! Hostile and lossy devices: malformed, gigantic and entity-bomb answers over WS-Discovery and over
//! HTTP, and an HTTP answer that never ends, each become an error (or a verdict) for that device while
//! discovery and identification of the others go on; a share of probes dropped is made up for by
//! re-probing the silent targets.

use handover_test_support::devices as common;

use std::net::Ipv4Addr;
use std::time::Duration;

use handover_devices::discovery::ProbeOptions;
use handover_devices::discovery::probe::probe_unicast;
use handover_devices::discovery::sweep::{self, HostVerdict};
use handover_devices::{Credentials, Depth, Error};
use handover_sim::{FaultSpec, Hostile, SiteManifest};
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_devices_fail_alone() {
    let site = common::spawn(
        SiteManifest::generated(10, Ipv4Addr::new(127, 70, 0, 2)),
        Duration::from_millis(100),
    )
    .await;
    let d = site.devices();
    let http = |h| FaultSpec {
        hostile_http: Some(h),
        ..FaultSpec::default()
    };
    let wsd = |h| FaultSpec {
        hostile_discovery: Some(h),
        ..FaultSpec::default()
    };
    d[0].set_faults(http(Hostile::Malformed));
    d[1].set_faults(http(Hostile::Gigantic));
    d[2].set_faults(http(Hostile::EntityBomb));
    d[3].set_faults(FaultSpec {
        never_ending_response: true,
        ..FaultSpec::default()
    });
    d[4].set_faults(wsd(Hostile::Malformed));
    d[5].set_faults(wsd(Hostile::Gigantic));
    d[6].set_faults(wsd(Hostile::EntityBomb));

    let client = common::client();
    let net: ipnet::Ipv4Net = "127.70.0.0/28".parse().unwrap();
    let report = sweep::sweep(
        &[net],
        &common::sweep_options(Duration::from_millis(100), Some(client.clone())),
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .unwrap();
    let found: Vec<&str> = report.found.iter().map(|s| s.endpoint.as_str()).collect();
    for (i, dev) in d.iter().enumerate() {
        let want = !(4..=6).contains(&i);
        assert_eq!(
            found.contains(&dev.endpoint_reference()),
            want,
            "device {i}"
        );
    }
    assert_eq!(report.round.hostile.len(), 3, "{:?}", report.round.hostile);
    let sub = &report.subnets[0];
    for dev in &d[4..=6] {
        let v = sub
            .others
            .iter()
            .find(|(ip, _)| *ip == std::net::IpAddr::V4(dev.ip()))
            .map(|(_, v)| v);
        assert!(
            matches!(v, Some(HostVerdict::HostileAnswer { .. })),
            "{v:?}"
        );
    }

    // Identification of all ten at once: the four hostile HTTP devices fail alone.
    let jobs = d.iter().map(|dev| {
        let s = client
            .session(&dev.xaddr(), Some(Credentials::new("admin", "admin")))
            .unwrap();
        async move { s.identify(Depth::Full).await }
    });
    let ids = futures::future::join_all(jobs).await;
    let first_err = |i: usize| -> &Error {
        &ids[i]
            .errors
            .first()
            .unwrap_or_else(|| panic!("device {i} has no error"))
            .1
    };
    assert!(first_err(0).is_malformed(), "{:?}", first_err(0));
    assert!(
        matches!(first_err(1), Error::BodyTooLarge { .. }),
        "{:?}",
        first_err(1)
    );
    assert!(first_err(2).is_malformed(), "{:?}", first_err(2));
    assert!(first_err(3).is_timeout(), "{:?}", first_err(3));
    for (i, id) in ids.iter().enumerate().take(4) {
        assert!(id.is_empty(), "device {i}");
    }
    for (i, id) in ids.iter().enumerate().skip(4) {
        assert!(id.errors.is_empty(), "device {i}: {:?}", id.errors);
        assert_eq!(id.credentials_accepted, Some(true));
        assert_eq!(id.facts.info.as_ref().unwrap().serial_number, d[i].serial());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lossy_links_are_made_up_for_by_repeated_probes() {
    let site = common::spawn(
        SiteManifest::generated(30, Ipv4Addr::new(127, 71, 0, 2)),
        Duration::from_millis(50),
    )
    .await;
    for dev in site.devices() {
        dev.set_faults(FaultSpec {
            udp_drop_share: 0.4,
            ..FaultSpec::default()
        });
    }
    let targets: Vec<_> = site
        .devices()
        .iter()
        .map(|d| d.discovery_addr().unwrap())
        .collect();
    let opts = ProbeOptions {
        app_max_delay: Duration::from_millis(50),
        margin: Duration::from_millis(50),
        attempts: 12,
        ..ProbeOptions::default()
    };
    let round = probe_unicast(&targets, &opts, &CancellationToken::new(), |_| {})
        .await
        .unwrap();
    assert_eq!(round.found.len(), 30, "silent: {:?}", round.silent);
    let dropped: u64 = site
        .devices()
        .iter()
        .map(|d| d.counters().datagrams_dropped)
        .sum();
    assert!(dropped > 0, "the link really was lossy");
    assert!(
        round.probes_sent > 60,
        "silent targets were probed again ({} probes)",
        round.probes_sent
    );
}
