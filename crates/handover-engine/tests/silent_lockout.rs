//! A Digest-only device (Hikvision-like) that somebody already locked out before Handover arrived answers
//! every login — the right factory default included — with the same bare HTTP 401 as a wrong password. Finding
//! defaults must not claim "the password was changed" then: it says both readings and what to do for each, and
//! it never tries more than the vendor's budget.

use handover_test_support::engine as common;

use std::net::{IpAddr, Ipv4Addr};

use handover_devices::{ClientOptions, Credentials, DeviceClient, LoginCheck};
use handover_engine::credentials::Custody;
use handover_engine::progress::silent;
use handover_sim::Vendor;
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silently_locked_digest_device_is_explained_not_called_changed() {
    let (site, wsd) = common::demo_site().await;
    let dir = tempfile::tempdir().unwrap();
    let s = common::demo_project(dir.path(), "silent-lockout");
    let cancel = CancellationToken::new();
    let progress = silent();
    s.discover(&common::unicast(wsd), &cancel, &progress)
        .await
        .unwrap();

    // A Hikvision-like camera still on its factory default.
    let devices = s.devices().unwrap();
    let (h, d) = site
        .devices()
        .iter()
        .filter(|h| h.vendor() == Vendor::Hikvision)
        .filter(|h| h.check_password("admin", h.vendor().personality().default_password))
        .find_map(|h| {
            let d = devices
                .iter()
                .find(|d| d.address == IpAddr::V4(h.ip()) && d.facts.xaddr.is_some())?;
            Some((h.clone(), d.clone()))
        })
        .expect("the demo site has a Hikvision-like camera on its default");
    let xaddr = d.facts.xaddr.clone().unwrap();

    // Someone (a browser, an earlier tool) fails five logins from this laptop: the address is blocked.
    let client = DeviceClient::new(ClientOptions::default());
    for _ in 0..5 {
        let session = client
            .session(&xaddr, Some(Credentials::new("admin", "guess-1234")))
            .unwrap();
        assert!(matches!(
            session.check_login().await,
            LoginCheck::NotAuthorized(_)
        ));
    }
    let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
    assert!(h.is_address_blocked(localhost), "the device blocked us");
    let refused_before = h.counters().refused_while_locked;

    let cx = Custody {
        concurrency: 4,
        plain_http: true,
        cancel: &cancel,
        progress: &progress,
    };
    let found = s.find_defaults(&cx, &[d.id]).await.unwrap();
    assert_eq!(found.defaults_found, 0, "{found:#?}");
    let outcome = &found.devices[0];
    assert_eq!(outcome.outcome, "unknown", "{outcome:?}");
    assert!(
        outcome
            .detail
            .contains("locked out by earlier failed logins")
            && outcome.detail.contains("wait")
            && outcome.detail.contains("credentials set"),
        "{outcome:?}"
    );
    assert!(
        !outcome.detail.contains("the password was changed;"),
        "{outcome:?}"
    );
    // The refusals came from the lock (the right default was among the attempts), and no more logins were
    // tried than the vendor's budget allows (5 failures lock: at most 4).
    assert!(h.counters().refused_while_locked > refused_before);
    assert!(
        (1..5).contains(&found.failed_attempts),
        "{} attempts",
        found.failed_attempts
    );
}
