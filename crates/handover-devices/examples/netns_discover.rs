//! The laptop side of the network-namespace test (tests/netns.rs runs it with `ip netns exec`): WS-
//! Discovery by multicast on every usable interface of the namespace at once, then a unicast sweep of
//! the planned subnets, and the "why not found" account; prints one JSON document. Usable by hand too:
//! `netns_discover [--no-multicast] [--no-sweep-follow-up] CIDR...` (the planned subnets).
//! `netns_discover --hello-ms N` instead listens for Hello/Bye on 0.0.0.0:3702, joined to the group on
//! every usable interface, for N milliseconds (printing "ready" on stderr once bound), then prints them.
//! Never run it in the root namespace: its multicast leaves through the real interfaces.

use std::time::Duration;

use handover_devices::discovery::hello::{Announcement, HelloListener, HelloOptions};
use handover_devices::discovery::multicast::probe_multicast;
use handover_devices::discovery::sweep::{self, SweepOptions};
use handover_devices::discovery::{ProbeOptions, why};
use handover_devices::{ClientOptions, DeviceClient, interfaces};
use tokio_util::sync::CancellationToken;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(ms) = args
        .iter()
        .position(|a| a == "--hello-ms")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
    {
        return hello(ms).await;
    }
    let multicast = !args.iter().any(|a| a == "--no-multicast");
    let plan = sweep::parse_ranges(
        &args
            .iter()
            .filter(|a| !a.starts_with("--"))
            .cloned()
            .collect::<Vec<_>>()
            .join(" "),
    )
    .expect("CIDRs");
    // The standard's APP_MAX_DELAY (500 ms), which the simulated devices use too.
    let probe = ProbeOptions::default();
    let cancel = CancellationToken::new();
    let ifaces = interfaces::usable().expect("interfaces");
    let mut sightings = Vec::new();
    let mut per_interface = serde_json::Map::new();
    if multicast {
        let round = probe_multicast(&ifaces, &probe, &cancel, |_| {})
            .await
            .expect("multicast round");
        for r in &round.interfaces {
            per_interface.insert(r.interface.clone(), serde_json::json!({"found": r.found, "error": r.error.as_ref().map(|e| e.to_string())}));
        }
        sightings.extend(round.found);
    }
    let client = DeviceClient::new(ClientOptions {
        request_timeout: Duration::from_secs(2),
        ..ClientOptions::default()
    });
    let opts = SweepOptions {
        probe,
        follow_up_ports: if args.iter().any(|a| a == "--no-sweep-follow-up") {
            Vec::new()
        } else {
            vec![8080]
        },
        follow_up_timeout: Duration::from_millis(300),
        follow_up_concurrency: 128,
        client: Some(client),
        ..SweepOptions::default()
    };
    let report = sweep::sweep(&plan, &opts, &cancel, |_| {})
        .await
        .expect("sweep");
    let accounts = why::explain(&plan, &sightings, Some(&report));
    let all: Vec<_> = sightings.iter().chain(report.found.iter()).collect();
    let doc = serde_json::json!({
        "interfaces": ifaces,
        "multicast": per_interface,
        "sightings": all,
        "accounts": accounts,
        "subnets": report.subnets,
        "send_failed": report.round.send_failed.iter().take(10).map(|(a, e)| format!("{a}: {e}")).collect::<Vec<_>>(),
        "probes_sent": report.round.probes_sent,
        "round_ms": report.round.elapsed.as_millis() as u64,
    });
    println!("{doc}");
}

async fn hello(ms: u64) {
    let ifaces = interfaces::usable().expect("interfaces");
    let opts = HelloOptions {
        bind: "0.0.0.0:3702".parse().expect("address"),
        join: ifaces.iter().map(|i| i.ipv4).collect(),
    };
    let listener = HelloListener::bind(&opts).expect("bind the Hello listener");
    eprintln!("ready");
    let cancel = CancellationToken::new();
    let stop = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        stop.cancel();
    });
    let mut heard = Vec::new();
    listener
        .run(&cancel, |a| match a {
            Announcement::Hello(s) => heard.push(
                serde_json::json!({"hello": s.endpoint, "address": s.address, "xaddrs": s.xaddrs}),
            ),
            Announcement::Bye { endpoint, from } => {
                heard.push(serde_json::json!({"bye": endpoint, "address": from.ip()}))
            }
        })
        .await;
    println!("{}", serde_json::Value::Array(heard));
}
