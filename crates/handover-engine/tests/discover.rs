//! Discovery on the simulated demo site over real sockets on loopback: every device found once, identified
//! where ONVIF allows without credentials, and every planned subnet accounted for.

use handover_test_support::engine as common;

use handover_engine::progress::silent;
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_site_is_found_whole_and_identified_where_onvif_allows() {
    let (site, wsd_port) = common::demo_site().await;
    let dir = tempfile::tempdir().unwrap();
    let s = common::demo_project(dir.path(), "discover");
    let opts = common::unicast(wsd_port);
    let sum = s
        .discover(&opts, &CancellationToken::new(), &silent())
        .await
        .unwrap();
    let expected = site.devices().len();
    assert_eq!(sum.found, expected, "{sum:#?}");
    assert_eq!(sum.new, expected);
    let devices = s.devices().unwrap();
    assert_eq!(devices.len(), expected);
    // Every device got its role from its scopes, and its address matches the simulator's.
    for d in &devices {
        assert!(d.role.is_some(), "{} has no role", d.id);
        assert!(
            site.devices()
                .iter()
                .any(|h| std::net::IpAddr::V4(h.ip()) == d.address),
            "{} at an unknown address",
            d.address
        );
    }
    // Each planned subnet has its line.
    assert_eq!(sum.subnets.len(), 3);
    assert!(
        sum.subnets.iter().all(|l| l.outcome == "found"),
        "{:?}",
        sum.subnets
    );
    assert!(sum.identified > 0);
    // Discovery again finds the same devices, not new ones.
    let again = s
        .discover(&opts, &CancellationToken::new(), &silent())
        .await
        .unwrap();
    assert_eq!((again.found, again.new), (expected, 0));
    assert_eq!(s.devices().unwrap().len(), expected);
    site.shutdown();
}
