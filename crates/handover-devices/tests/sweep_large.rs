//! A unicast sweep of one large prefix finds every responder, with exact counts: 1,000 simulated devices on
//! 127.65.0.0/22 (loopback addresses: Linux routes all of 127.0.0.0/8 to lo, as the other sweep tests use),
//! swept as one /22 (issue #20 saw exactly the first 510 found and "510 hosts probed, 511 answered"); and the
//! two responder habits that make a client's counts and retries go wrong: answering from another port than the
//! one probed, and WS-Discovery duplicate detection, which discards a retry that re-sends the same MessageID.
//! Also twenty devices behind one address (issue #20: the sweep ended at the first answer): each answers the
//! one probe after its own random delay, and every answer in the window is collected.

use handover_test_support::devices as common;

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use handover_devices::discovery::ProbeOptions;
use handover_devices::discovery::probe::probe_unicast;
use handover_devices::discovery::sweep;
use handover_sim::{AnswerBudget, DiscoveryQuirk, FaultSpec, SimSite, SiteManifest};
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slash_22_with_1000_responders_is_found_whole_with_exact_counts() {
    let n = 1000;
    let manifest = SiteManifest::generated(n, Ipv4Addr::new(127, 65, 0, 2));
    let site = common::spawn(manifest, Duration::from_millis(500)).await;
    let net: ipnet::Ipv4Net = "127.65.0.0/22".parse().unwrap();
    assert!(
        site.devices().iter().all(|d| net.contains(&d.ip())),
        "the generated site fits the /22"
    );
    // No follow-up: the point is WS-Discovery itself (the follow-up of silent hosts is tested elsewhere).
    let mut opts = common::sweep_options(Duration::from_millis(500), None);
    opts.follow_up_ports.clear();
    let started = Instant::now();
    let mut streamed = 0usize;
    let report = sweep::sweep(&[net], &opts, &CancellationToken::new(), |_| streamed += 1)
        .await
        .unwrap();
    let took = started.elapsed();
    let want: HashSet<String> = site
        .devices()
        .iter()
        .map(|d| d.endpoint_reference().to_string())
        .collect();
    let got: HashSet<String> = report.found.iter().map(|s| s.endpoint.clone()).collect();
    let missing: Vec<IpAddr> = site
        .devices()
        .iter()
        .filter(|d| !got.contains(d.endpoint_reference()))
        .map(|d| IpAddr::V4(d.ip()))
        .take(5)
        .collect();
    assert_eq!(
        got.len(),
        n,
        "found {} of {n} in {took:?} (first missing: {missing:?}); sent {} probes",
        got.len(),
        report.round.probes_sent
    );
    assert_eq!(got, want);
    assert_eq!(streamed, n, "each endpoint streamed once");
    let sub = &report.subnets[0];
    assert_eq!(sub.hosts_probed, 1022, "{sub:?}");
    assert_eq!(sub.found.len(), n, "answered");
    assert_eq!(sub.silent, 1022 - n, "the rest stayed silent");
    assert_eq!(sub.send_failures, 0);
    println!(
        "1,000 responders on one /22: all found in {took:?}, {} probes sent",
        report.round.probes_sent
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sweep_of_one_address_hears_every_device_behind_it() {
    let ip = Ipv4Addr::new(127, 67, 0, 2);
    let mut manifest = SiteManifest::generated(20, ip);
    for (i, d) in manifest.devices.iter_mut().enumerate() {
        d.address = ip;
        d.port_offset = i as u16;
    }
    let site = common::spawn(manifest, Duration::from_millis(500)).await;
    let mut opts = common::sweep_options(Duration::from_millis(500), None);
    opts.follow_up_ports.clear();
    let net: ipnet::Ipv4Net = "127.67.0.2/32".parse().unwrap();
    let report = sweep::sweep(&[net], &opts, &CancellationToken::new(), |_| {})
        .await
        .unwrap();
    let want: HashSet<String> = site
        .devices()
        .iter()
        .map(|d| d.endpoint_reference().to_string())
        .collect();
    let got: HashSet<String> = report.found.iter().map(|s| s.endpoint.clone()).collect();
    assert_eq!(got, want, "found {} of 20", got.len());
    let xaddrs: HashSet<&str> = report
        .found
        .iter()
        .filter_map(|s| s.xaddrs.first().map(String::as_str))
        .collect();
    assert_eq!(xaddrs.len(), 20, "each on its own port");
    let sub = &report.subnets[0];
    assert_eq!((sub.hosts_probed, sub.silent), (1, 0), "{sub:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_from_another_port_are_credited_to_the_probed_host() {
    let mut manifest = SiteManifest::generated(30, Ipv4Addr::new(127, 66, 0, 2));
    for d in &mut manifest.devices {
        d.faults = FaultSpec {
            discovery_quirks: vec![DiscoveryQuirk::AnswerFromOtherPort],
            ..FaultSpec::default()
        };
    }
    let site = common::spawn(manifest, Duration::from_millis(50)).await;
    let net: ipnet::Ipv4Net = "127.66.0.0/26".parse().unwrap();
    let mut opts = common::sweep_options(Duration::from_millis(50), None);
    opts.follow_up_ports.clear();
    let report = sweep::sweep(&[net], &opts, &CancellationToken::new(), |_| {})
        .await
        .unwrap();
    assert_eq!(report.found.len(), 30);
    let sub = &report.subnets[0];
    assert_eq!(sub.hosts_probed, 62);
    assert_eq!(sub.found.len(), 30, "{sub:?}");
    assert_eq!(
        sub.silent, 32,
        "the devices that answered are not silent: {sub:?}"
    );
    assert_eq!(report.round.strays, 0);
    // Answered at once, so not probed again.
    assert_eq!(
        report.round.probes_sent,
        2 * 62 + 2 * 2 * 32,
        "only the silent hosts are probed again"
    );
    let _ = site;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_are_new_messages_that_duplicate_detection_does_not_discard() {
    let mut manifest = SiteManifest::generated(30, Ipv4Addr::new(127, 67, 0, 2));
    for d in &mut manifest.devices {
        d.faults = FaultSpec {
            discovery_quirks: vec![DiscoveryQuirk::DropsRepeatedMessageIds],
            udp_answer_drop_share: 0.5,
            ..FaultSpec::default()
        };
    }
    let site = common::spawn(manifest, Duration::from_millis(30)).await;
    let targets: Vec<_> = site
        .devices()
        .iter()
        .map(|d| d.discovery_addr().unwrap())
        .collect();
    let opts = ProbeOptions {
        app_max_delay: Duration::from_millis(30),
        margin: Duration::from_millis(50),
        attempts: 12,
        ..ProbeOptions::default()
    };
    let round = probe_unicast(&targets, &opts, &CancellationToken::new(), |_| {})
        .await
        .unwrap();
    assert_eq!(round.found.len(), 30, "silent: {:?}", round.silent);
    assert_eq!(round.answered.len(), 30);
    assert!(round.silent.is_empty());
    assert!(round.probes_sent > 60, "answers were lost and probed again");
}

/// The largest prefix a sweep takes: the 1,000 responders of the /22 above, swept as part of one /16.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slash_16_finds_every_responder_with_exact_counts() {
    let n = 1000;
    let manifest = SiteManifest::generated(n, Ipv4Addr::new(127, 68, 0, 2));
    let site = common::spawn(manifest, Duration::from_millis(500)).await;
    let net: ipnet::Ipv4Net = "127.68.0.0/16".parse().unwrap();
    let mut opts = common::sweep_options(Duration::from_millis(500), None);
    opts.follow_up_ports.clear();
    // One wave: nothing is lost on loopback, and three waves of 65,534 probes would only cost time here. The
    // first wave is never cut short by the round's ceiling, however long it takes to send.
    opts.probe.attempts = 1;
    opts.probe.max_round = Duration::from_secs(2);
    let started = Instant::now();
    let report = sweep::sweep(&[net], &opts, &CancellationToken::new(), |_| {})
        .await
        .unwrap();
    let took = started.elapsed();
    let got: HashSet<&str> = report.found.iter().map(|s| s.endpoint.as_str()).collect();
    assert!(
        site.devices()
            .iter()
            .all(|d| got.contains(d.endpoint_reference())),
        "found {} of {n} in {took:?}",
        got.len()
    );
    let sub = &report.subnets[0];
    assert_eq!(sub.hosts_probed + sub.send_failures, 65_534, "{took:?}");
    assert_eq!(sub.send_failures, 0);
    assert_eq!(sub.found.len(), n);
    assert_eq!(sub.silent, 65_534 - n);
    println!(
        "1,000 responders in one /16: all found in {took:?}, {} probes sent",
        report.round.probes_sent
    );
}

/// What issue #20 saw, reproduced: a fleet of 1,000 simulated devices served from one process that answers at
/// most 1,020 probes in a burst (its answer queue) and, as WS-Discovery's duplicate detection asks, ignores a
/// probe whose MessageID it has seen. One /22 probed with the same two MessageIDs for every host and every retry
/// found exactly the first 510 hosts (510 x 2 probe types = 1,020 answers), and the retries of the others were
/// discarded as duplicates; two /23s fit in the queue. Probes with a MessageID of their own per host and wave find
/// them all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleet_with_a_bounded_answer_queue_and_duplicate_detection_is_found_whole() {
    let n = 1000;
    let mut manifest = SiteManifest::generated(n, Ipv4Addr::new(127, 69, 0, 2));
    for d in &mut manifest.devices {
        d.faults = FaultSpec {
            discovery_quirks: vec![DiscoveryQuirk::DropsRepeatedMessageIds],
            ..FaultSpec::default()
        };
    }
    let mut spawn = common::spawn_options(Duration::ZERO);
    spawn.discovery_options.answer_budget =
        Some(AnswerBudget::new(1020, Duration::from_millis(300)));
    let site = SimSite::spawn(manifest, spawn).await.unwrap();
    let net: ipnet::Ipv4Net = "127.69.0.0/22".parse().unwrap();
    let mut opts = common::sweep_options(Duration::from_millis(100), None);
    opts.follow_up_ports.clear();
    let report = sweep::sweep(&[net], &opts, &CancellationToken::new(), |_| {})
        .await
        .unwrap();
    let got: HashSet<&str> = report.found.iter().map(|s| s.endpoint.as_str()).collect();
    let missing = site
        .devices()
        .iter()
        .filter(|d| !got.contains(d.endpoint_reference()))
        .count();
    assert_eq!(missing, 0, "{} of {n} found", got.len());
    let sub = &report.subnets[0];
    assert_eq!(
        (sub.hosts_probed, sub.found.len(), sub.silent),
        (1022, n, 22)
    );
}
