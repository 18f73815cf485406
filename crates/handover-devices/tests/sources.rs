//! Discovery sources besides sweeps: Hello and Bye heard while the app is open (unicast here; multicast
//! only inside network namespaces), manual add by address, and merging every source into one device.

use handover_test_support::devices as common;

use std::time::Duration;

use handover_devices::discovery::hello::{Announcement, HelloListener, HelloOptions};
use handover_devices::discovery::inventory::Inventory;
use handover_devices::discovery::probe::probe_unicast;
use handover_devices::discovery::{Method, ProbeOptions, Sighting};
use handover_devices::{Credentials, Depth};
use handover_sim::SimDevice;
use tokio_util::sync::CancellationToken;

#[tokio::test]
async fn hello_and_bye_are_heard_and_merged() {
    let listener = HelloListener::bind(&HelloOptions {
        bind: "127.0.0.1:0".parse().unwrap(),
        join: vec![],
    })
    .unwrap();
    let addr = listener.local_addr().unwrap();
    let cancel = CancellationToken::new();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let task = {
        let cancel = cancel.clone();
        tokio::spawn(async move { listener.run(&cancel, move |a| drop(tx.send(a))).await })
    };
    let dev = SimDevice::builder()
        .hello_target(addr)
        .reboot_duration(Duration::from_millis(200))
        .spawn()
        .await
        .unwrap();
    let mut next = async || {
        tokio::time::timeout(Duration::from_secs(3), rx.recv())
            .await
            .unwrap()
            .unwrap()
    };
    let Announcement::Hello(h) = next().await else {
        panic!("first a Hello")
    };
    assert_eq!(h.endpoint, dev.endpoint_reference());
    assert_eq!(h.method, Method::Hello);
    assert_eq!(h.xaddrs, vec![dev.xaddr()]);
    dev.reboot();
    let Announcement::Bye { endpoint, .. } = next().await else {
        panic!("then a Bye")
    };
    assert_eq!(endpoint, dev.endpoint_reference());
    let Announcement::Hello(back) = next().await else {
        panic!("and a Hello after the reboot")
    };
    assert_eq!(back.endpoint, h.endpoint);

    // The same device by unicast probe and by hand: one device in the inventory.
    let round = probe_unicast(
        &[dev.discovery_addr().unwrap()],
        &ProbeOptions {
            app_max_delay: Duration::from_millis(50),
            ..ProbeOptions::default()
        },
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .unwrap();
    let manual = Sighting::manual(&dev.http_addr().to_string()).unwrap();
    assert_eq!(manual.xaddrs, vec![dev.xaddr()]);
    let mut inv = Inventory::new();
    inv.add(&manual);
    inv.add(&h);
    inv.add(&round.found[0]);
    assert_eq!(inv.len(), 1, "{inv:?}");
    assert_eq!(inv.devices()[0].endpoint, dev.endpoint_reference());
    assert_eq!(
        inv.devices()[0].methods,
        vec![Method::Manual, Method::Hello, Method::Unicast]
    );

    // A manual add is enough to identify.
    let id = common::client()
        .session(&manual.xaddrs[0], Some(Credentials::new("admin", "admin")))
        .unwrap()
        .identify(Depth::Basic)
        .await;
    assert_eq!(id.credentials_accepted, Some(true), "{:?}", id.errors);
    cancel.cancel();
    task.await.unwrap();
}

#[tokio::test]
async fn identification_is_cancellable() {
    let dev = SimDevice::builder()
        .faults(handover_sim::FaultSpec {
            never_ending_response: true,
            ..Default::default()
        })
        .spawn()
        .await
        .unwrap();
    let cancel = CancellationToken::new();
    let c2 = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        c2.cancel();
    });
    let s = common::client()
        .session(&dev.xaddr(), Some(Credentials::new("admin", "admin")))
        .unwrap();
    let start = std::time::Instant::now();
    let r = s.identify_until(Depth::Full, &cancel).await;
    assert!(r.unwrap_err().is_cancelled());
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn discovery_is_cancellable() {
    // A silent /24 would take attempts x quiet; cancelling ends it at once.
    let cancel = CancellationToken::new();
    let c2 = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        c2.cancel();
    });
    let targets: Vec<std::net::SocketAddr> = (2..200u8)
        .map(|i| std::net::SocketAddr::from(([127, 72, 0, i], 3702)))
        .collect();
    let start = std::time::Instant::now();
    let r = probe_unicast(&targets, &ProbeOptions::default(), &cancel, |_| {}).await;
    assert!(r.unwrap_err().is_cancelled());
    assert!(
        start.elapsed() < Duration::from_millis(600),
        "{:?}",
        start.elapsed()
    );
}
