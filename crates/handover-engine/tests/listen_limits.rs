//! Announcement floods against an open project, through the same `Session::record_announcement` both front
//! ends use: one host sending 121 fake Hellos adds at most its share of devices and one summary audit entry,
//! not 121 of each; a flood spoofing many sources adds at most the shared new-device burst; a real device's
//! Hello after the flood still lands, and known devices rebooting all at once are never refused.

use handover_test_support::engine as common;

use std::net::IpAddr;
use std::time::{Duration, Instant};

use handover_devices::discovery::hello::Announcement;
use handover_devices::discovery::{Method, Sighting as Seen};
use handover_engine::listen::limit::{NEW_DEVICE_BURST, PER_SOURCE_BURST, SUMMARY_WINDOW};
use handover_engine::listen::{Heard, HelloChange};

fn hello(n: u32, from: IpAddr) -> Announcement {
    Announcement::Hello(Seen {
        endpoint: format!("urn:uuid:00000000-0000-4000-8000-{n:012}"),
        xaddrs: vec![format!("http://{from}/onvif/device_service")],
        scopes: vec!["onvif://www.onvif.org/name/Fake".into()],
        types: vec!["dn:NetworkVideoTransmitter".into()],
        address: from,
        method: Method::Hello,
    })
}

fn entries(s: &handover_engine::Session, action: &str) -> Vec<serde_json::Value> {
    s.audit_entries(0, 100_000)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == action)
        .map(|e| e.detail)
        .collect()
}

#[test]
fn one_host_flooding_hellos_gets_its_share_and_one_summary() {
    let dir = tempfile::tempdir().unwrap();
    let s = common::demo_project(dir.path(), "flood");
    let attacker: IpAddr = "192.0.2.66".parse().unwrap();
    let t0 = Instant::now();
    let mut shown = 0;
    for n in 0..121 {
        match s.record_announcement_at(&hello(n, attacker), t0).unwrap() {
            Heard::Limited { first: true, .. } => shown += 1,
            Heard::Limited { .. } | Heard::Hello { .. } => {}
            other => panic!("{other:?}"),
        }
    }
    let burst = PER_SOURCE_BURST as usize;
    assert_eq!(s.devices().unwrap().len(), burst);
    assert_eq!(entries(&s, "device.found").len(), burst);
    assert_eq!(shown, 1, "the front end is told once, not per datagram");
    // Nothing summarised before the window closes; then exactly one entry with the count.
    assert!(entries(&s, "announcements.limited").is_empty());
    let real: IpAddr = "192.0.2.10".parse().unwrap();
    let heard = s
        .record_announcement_at(&hello(9_999, real), t0 + SUMMARY_WINDOW)
        .unwrap();
    assert!(
        matches!(
            heard,
            Heard::Hello {
                change: HelloChange::New,
                ..
            }
        ),
        "a real device's Hello after the flood still lands: {heard:?}"
    );
    let limited = entries(&s, "announcements.limited");
    assert_eq!(limited.len(), 1, "{limited:?}");
    assert_eq!(limited[0]["ignored"], 121 - burst as u64);
    assert!(s.verify_audit().unwrap().is_intact());
}

#[test]
fn a_spoofed_flood_adds_at_most_the_shared_burst_and_known_devices_still_get_through() {
    let dir = tempfile::tempdir().unwrap();
    let s = common::demo_project(dir.path(), "spoofed");
    let t0 = Instant::now();
    let source = |n: u32| IpAddr::from([10, 66, (n / 250) as u8, (n % 250 + 1) as u8]);
    // Every Hello from a different (spoofed) source, each a new device.
    for n in 0..1_000 {
        let _ = s.record_announcement_at(&hello(n, source(n)), t0).unwrap();
    }
    let burst = NEW_DEVICE_BURST as usize;
    assert_eq!(s.devices().unwrap().len(), burst);
    // The devices already known announce again (a site-wide reboot): none refused.
    let later = t0 + Duration::from_millis(10);
    for n in 0..burst as u32 {
        let heard = s
            .record_announcement_at(&hello(n, source(n)), later)
            .unwrap();
        assert!(
            matches!(
                heard,
                Heard::Hello {
                    change: HelloChange::Seen,
                    ..
                }
            ),
            "{n}: {heard:?}"
        );
    }
    s.flush_announcements().unwrap();
    let limited = entries(&s, "announcements.limited");
    assert_eq!(limited.len(), 1, "one summary for the flood: {limited:?}");
    assert_eq!(limited[0]["ignored"], 1_000 - burst as u64);
}
