//! Several devices behind one address (an encoder's channels, an NVR, a NAT'd site): eight cameras on one IP,
//! each on its own ports, answering one WS-Discovery socket with a ProbeMatch each. The sweep of the address
//! hears every one, identification keeps them apart, custody gives each its own password (proven on that
//! device and no other), the checks and the report list all eight, and adding them by hand (`host:port`)
//! gives eight devices too.

use handover_test_support::engine as common;

use handover_sim::{DeviceSpec, Role, SiteManifest, Vendor};
use handover_vault::PasswordPolicy;
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};

const N: u16 = 8;

fn channels(ip: Ipv4Addr) -> SiteManifest {
    let mut manifest = SiteManifest::generated(0, ip);
    manifest.devices = (0..N)
        .map(|i| {
            let mut d = DeviceSpec::new(format!("channel-{i}"), Vendor::Generic, Role::Camera, ip);
            d.port_offset = i;
            d
        })
        .collect();
    manifest
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_behind_one_address_stay_distinct_through_the_whole_job() {
    let ip = Ipv4Addr::new(127, 20, 0, 90);
    let (site, s, _dir, kit) = common::discovered_site(channels(ip), "one-address").await;
    let devices = s.devices().unwrap();
    assert_eq!(devices.len(), usize::from(N), "{devices:#?}");
    let want: BTreeSet<String> = site.devices().iter().map(|h| h.xaddr()).collect();
    let have: BTreeSet<String> = devices
        .iter()
        .filter_map(|d| d.facts.xaddr.clone())
        .collect();
    assert_eq!(have, want, "each device keeps its own service address");
    assert!(devices.iter().all(|d| d.address == IpAddr::V4(ip)));

    // Custody: a default found on each, then a password of its own, proven on that device and no other.
    let cx = kit.custody();
    let f = s.find_defaults(&cx, &[]).await.unwrap();
    assert_eq!(f.defaults_found, usize::from(N), "{f:#?}");
    // Identified again with the password just found: each as itself (the device guards its serial).
    let devices = s.devices().unwrap();
    assert_eq!(devices.len(), usize::from(N), "{devices:#?}");
    let serials: BTreeSet<_> = devices
        .iter()
        .filter_map(|d| d.identity.serial.clone())
        .collect();
    assert_eq!(
        serials.len(),
        usize::from(N),
        "each identified as itself: {devices:#?}"
    );
    let r = s
        .rotate(&cx, &PasswordPolicy::default(), &[])
        .await
        .unwrap();
    assert_eq!(r.rotated, usize::from(N), "{r:#?}");
    let user = Vendor::Generic.personality().default_user;
    let mut passwords = BTreeSet::new();
    for h in site.devices() {
        let d = s
            .devices()
            .unwrap()
            .into_iter()
            .find(|d| {
                d.facts.xaddr.as_deref() == Some(&h.xaddr())
                    || d.identity.serial.as_deref() == Some(h.serial())
            })
            .unwrap();
        assert_eq!(d.identity.serial.as_deref(), Some(h.serial()), "{d:#?}");
        let (_, pw) = s.reveal_password(d.id, None).unwrap();
        assert!(
            h.check_password(user, pw.expose()),
            "{} takes its own password",
            h.name()
        );
        for other in site.devices().iter().filter(|o| o.name() != h.name()) {
            assert!(
                !other.check_password(user, pw.expose()),
                "{} got {}'s password",
                other.name(),
                h.name()
            );
        }
        passwords.insert(pw.expose().clone());
    }
    assert_eq!(passwords.len(), usize::from(N));

    // Checks and report: all eight, each with its own row.
    s.run_checks(&[], &common::settings(&s)).unwrap();
    let model = s.report_model(time::OffsetDateTime::now_utc()).unwrap();
    assert_eq!(model.devices.len(), usize::from(N));
    let rows: BTreeSet<&str> = model.devices.iter().map(|d| d.address.as_str()).collect();
    let http: BTreeSet<String> = site
        .devices()
        .iter()
        .map(|h| h.http_addr().to_string())
        .collect();
    let https: BTreeSet<String> = site
        .devices()
        .iter()
        .filter_map(|h| h.https_addr().map(|a| a.to_string()))
        .collect();
    assert_eq!(
        rows.len(),
        usize::from(N),
        "each row names its own service: {rows:?}"
    );
    assert!(
        rows.iter().all(|a| http.contains(*a) || https.contains(*a)),
        "{rows:?}"
    );
    assert!(
        model
            .devices
            .iter()
            .all(|d| d.credential.state == handover_report::model::CredentialState::Rotated),
        "{:#?}",
        model.devices
    );

    // By hand: `host:port` of each channel adds a device of its own, and adding one again finds it.
    let dir2 = tempfile::tempdir().unwrap();
    let manual = common::demo_project(dir2.path(), "one-address-manual");
    let mut ids = BTreeSet::new();
    for h in site.devices() {
        let id = manual
            .add_manual(&h.http_addr().to_string(), &kit.progress)
            .await
            .unwrap();
        ids.insert(id);
    }
    assert_eq!(ids.len(), usize::from(N), "{ids:?}");
    let again = manual
        .add_manual(&site.devices()[3].http_addr().to_string(), &kit.progress)
        .await
        .unwrap();
    assert!(ids.contains(&again));
    assert_eq!(manual.devices().unwrap().len(), usize::from(N));
}
