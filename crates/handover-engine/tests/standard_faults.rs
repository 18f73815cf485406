//! Devices nobody here wrote refuse a wrong password in the standard ways other than ONVIF's own
//! ter:NotAuthorized: the OASIS WS-Security fault codes (wsse:FailedAuthentication, wsse:InvalidSecurity,
//! wsse:InvalidSecurityToken) in SOAP 1.2 and 1.1, or a bare HTTP 401 with a Basic challenge. Find-defaults and
//! `credentials set` must read each as a refusal (never "unreachable"), count every one against the vendor's
//! lockout budget across runs, and tell a lockout apart from a refusal.

use handover_test_support::engine as common;

use std::net::Ipv4Addr;

use handover_devices::{ClientOptions, Credentials, DeviceClient, LoginCheck};
use handover_engine::Session;
use handover_engine::credentials::Custody;
use handover_engine::progress::silent;
use handover_model::{CredentialState, DeviceId};
use handover_sim::{AuthRefusal, DeviceSpec, FaultSpec, Role, SimSite, SiteManifest, Vendor};
use handover_vault::SecretString;
use tokio_util::sync::CancellationToken;

const STYLES: [AuthRefusal; 5] = [
    AuthRefusal::WsseFailedAuthentication,
    AuthRefusal::WsseInvalidSecurity,
    AuthRefusal::WsseInvalidSecurityToken,
    AuthRefusal::Soap11FailedAuthentication,
    AuthRefusal::Http401Basic,
];

/// A Hanwha-like device (WS-UsernameToken, locks the account after 5 failures) at 127.20.0.`last`, refusing in
/// `style`, with `password` (None: the factory default).
fn hanwha(name: &str, last: u8, style: AuthRefusal, password: Option<&str>) -> DeviceSpec {
    let mut d = DeviceSpec::new(
        name,
        Vendor::Hanwha,
        Role::Camera,
        Ipv4Addr::new(127, 20, 0, last),
    );
    d.password = password.map(str::to_owned);
    d.lockout_ms = Some(60_000);
    d.faults = FaultSpec {
        auth_refusal: Some(style),
        ..FaultSpec::default()
    };
    d
}

async fn world(devices: Vec<DeviceSpec>, name: &str) -> (SimSite, Session, tempfile::TempDir) {
    let mut manifest = SiteManifest::generated(0, Ipv4Addr::new(127, 20, 0, 10));
    manifest.devices = devices;
    let (site, wsd) = common::site(manifest).await;
    let dir = tempfile::tempdir().unwrap();
    let s = common::demo_project(dir.path(), name);
    s.discover(&common::unicast(wsd), &CancellationToken::new(), &silent())
        .await
        .unwrap();
    assert_eq!(s.devices().unwrap().len(), site.devices().len());
    (site, s, dir)
}

fn id_of(s: &Session, site: &SimSite, name: &str) -> DeviceId {
    let ip = std::net::IpAddr::V4(site.device(name).unwrap().ip());
    s.devices()
        .unwrap()
        .into_iter()
        .find(|d| d.address == ip)
        .unwrap()
        .id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn find_defaults_reads_every_standard_refusal_as_one_and_keeps_within_the_lockout_budget() {
    // Per refusal style: one device on its factory default, one whose password was changed.
    let mut devices = Vec::new();
    for (i, style) in STYLES.iter().enumerate() {
        let i = i as u8;
        devices.push(hanwha(&format!("default-{i}"), 10 + i, *style, None));
        devices.push(hanwha(
            &format!("changed-{i}"),
            30 + i,
            *style,
            Some("Changed-On-Site-9"),
        ));
    }
    let (site, s, _dir) = world(devices, "standard-refusals").await;
    let (cancel, progress) = (CancellationToken::new(), silent());
    let cx = Custody {
        concurrency: 8,
        plain_http: true,
        cancel: &cancel,
        progress: &progress,
    };
    let found = s.find_defaults(&cx, &[]).await.unwrap();
    println!("{found:#?}");
    assert_eq!(found.defaults_found, STYLES.len(), "{found:#?}");
    for o in &found.devices {
        assert!(
            !["unreachable", "failed", "unsupported"].contains(&o.outcome.as_str()),
            "a refusal was read as no answer: {o:?}"
        );
    }
    let budget = 4; // Hanwha locks after 5 failures: the catalog allows one less
    for (i, _) in STYLES.iter().enumerate() {
        let changed = format!("changed-{i}");
        let id = id_of(&s, &site, &changed);
        let o = found.devices.iter().find(|o| o.device == id).unwrap();
        assert_eq!(o.outcome, "unknown", "{o:?}");
        assert!(o.detail.contains("the password was changed"), "{o:?}");
        let h = site.device(&changed).unwrap();
        assert_eq!(h.counters().lockouts, 0, "{changed} was locked out: {o:?}");
        assert_eq!(h.counters().failed_logins, budget, "{changed}: {o:?}");
        assert_eq!(
            s.store_for_tests()
                .recent_failures(id, time::Duration::hours(1))
                .unwrap(),
            budget as u32,
            "{changed}: every refusal is counted"
        );
    }
    assert!(found.failed_attempts >= (budget as u32) * STYLES.len() as u32);

    // A second run right after: the budget is spent, so nothing more is tried on the changed devices.
    let before: Vec<u64> = (0..STYLES.len())
        .map(|i| {
            site.device(&format!("changed-{i}"))
                .unwrap()
                .counters()
                .failed_logins
        })
        .collect();
    let again = s.find_defaults(&cx, &[]).await.unwrap();
    for (i, b) in before.iter().enumerate() {
        let h = site.device(&format!("changed-{i}")).unwrap();
        assert_eq!(h.counters().failed_logins, *b, "a second run tried again");
        assert_eq!(h.counters().lockouts, 0);
    }
    assert!(
        again
            .devices
            .iter()
            .filter(|o| o.outcome == "unknown")
            .all(|o| o
                .detail
                .contains("no attempt left below the lockout threshold")),
        "{again:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_set_says_refused_or_locked_out_never_could_not_ask() {
    let mut devices = Vec::new();
    for (i, style) in STYLES.iter().enumerate() {
        devices.push(hanwha(
            &format!("cam-{i}"),
            50 + i as u8,
            *style,
            Some("Right-Pass-77"),
        ));
    }
    let (site, s, _dir) = world(devices, "set-refusals").await;
    // Someone else's client, for the logins that lock the account.
    let client = DeviceClient::new(ClientOptions::default());
    for (i, style) in STYLES.iter().enumerate() {
        let name = format!("cam-{i}");
        let id = id_of(&s, &site, &name);
        let h = site.device(&name).unwrap();
        let e = s
            .set_credential(id, "admin", SecretString::new("Wrong-Pass-00".into()))
            .await
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("refused that password") && !e.contains("could not"),
            "{style:?}: {e}"
        );
        assert_eq!(
            s.store_for_tests()
                .recent_failures(id, time::Duration::hours(1))
                .unwrap(),
            1,
            "{style:?}: the refused attempt counts against the lockout"
        );
        // Someone else fails the rest of the vendor's five logins: the account locks.
        for _ in 0..4 {
            let r = client
                .session(
                    &h.xaddr(),
                    Some(Credentials::new("admin", "someone-else-9")),
                )
                .unwrap()
                .check_login()
                .await;
            assert!(
                matches!(r, LoginCheck::NotAuthorized(_)),
                "{style:?}: {r:?}"
            );
        }
        assert_eq!(h.counters().lockouts, 1, "{style:?}");
        let e = s
            .set_credential(id, "admin", SecretString::new("Right-Pass-77".into()))
            .await
            .unwrap_err()
            .to_string();
        if *style == AuthRefusal::Http401Basic {
            // A bare 401 cannot say "locked": it reads as refused, and says what to check.
            assert!(e.contains("refused that password"), "{style:?}: {e}");
        } else {
            assert!(e.contains("reports a lockout"), "{style:?}: {e}");
        }
        assert!(!e.contains("could not"), "{style:?}: {e}");
        assert!(
            s.credentials()
                .unwrap()
                .iter()
                .all(|c| c.device != id || c.state != CredentialState::TechnicianSupplied)
        );
    }
}
