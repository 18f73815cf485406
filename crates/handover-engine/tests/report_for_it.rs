//! The report model as IT reads it, built from a real project file: hosts the sweep followed up become
//! unidentified hosts with plain reasons (a device's own address and hosts with every camera port closed are
//! not listed), open findings get an owner and a due date, and a device Handover never logged into has its
//! checks marked "not checked" and a placement that says why.

use std::sync::Arc;

use handover_engine::{Env, NewProject, Session};
use handover_model::{DeviceFacts, DeviceIdentity, FixedClock, Plan, Role, Site};
use handover_policy::checks::Settings;
use handover_store::devices::Sighting;
use handover_store::discovery::Note;
use handover_store::{Actor, Project};
use time::macros::{date, datetime};

fn sighting(addr: &str, firmware: Option<&str>, mac: Option<&str>) -> Sighting {
    Sighting {
        identity: DeviceIdentity {
            endpoint_ref: Some(format!("urn:uuid:{addr}")),
            mac: mac.map(|m| m.parse().unwrap()),
            serial: Some(format!("SN-{addr}")),
        },
        address: Some(addr.parse().unwrap()),
        method: None,
        device: None,
        role: Some(Role::camera()),
        facts: DeviceFacts {
            manufacturer: Some("AXIS".into()),
            model: Some("P3265-LVE".into()),
            firmware: firmware.map(str::to_owned),
            discoverable: Some(true),
            ..DeviceFacts::default()
        },
    }
}

fn note(method: &str, outcome: &str, detail: &str) -> Note {
    Note {
        subnet: "127.20.0.0/24".into(),
        method: method.into(),
        outcome: outcome.into(),
        detail: detail.into(),
    }
}

#[test]
fn the_report_model_lists_unidentified_hosts_owners_and_what_was_not_checked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.handover");
    let clock = Arc::new(FixedClock(datetime!(2026-11-22 10:00 UTC)));
    let plan = Plan::from_csv(include_bytes!("../../../assets/demo/plan.csv")).unwrap();
    let site = Site {
        name: "S".into(),
        technician: "Ana".into(),
        ..Site::default()
    };
    let s = Session::create(
        NewProject {
            path: path.clone(),
            site,
            plan: Some((plan, "plan.csv".into())),
        },
        Env::for_tests().with_clock(clock.clone()),
    )
    .unwrap();
    s.record_sighting(sighting(
        "127.20.0.10",
        Some("12.5.56"),
        Some("00:40:8c:00:00:10"),
    ))
    .unwrap();
    // Identified over ONVIF before login, never logged into: no firmware, no MAC.
    s.record_sighting(sighting("127.20.0.11", None, None))
        .unwrap();
    let settings = Settings {
        max_clock_skew_secs: 10,
        today: date!(2026 - 11 - 22),
    };
    s.run_checks(&[], &settings).unwrap();
    drop(s);

    // What the sweep recorded about the other hosts on the subnet.
    let mut p = Project::open(&path, clock.clone()).unwrap();
    p.record_discovery(
        &[
            note(
                "unicast WS-Discovery sweep",
                "found",
                "254 hosts probed, 2 answered WS-Discovery",
            ),
            note(
                "follow-up 127.20.0.50",
                "not-found",
                "NotOnvif { port: 80, detail: \"HTTP 404\" }",
            ),
            note(
                "follow-up 127.20.0.51",
                "not-found",
                "OnvifRefusing { port: 80, detail: \"NotAuthorized\" }",
            ),
            note("follow-up 127.20.0.52", "not-found", "PortsClosed"),
            note("follow-up 127.20.0.53", "not-found", "PortsClosed"),
            // A device's own address is not an unidentified host.
            note(
                "follow-up 127.20.0.11",
                "not-found",
                "OnvifRefusing { port: 80, detail: \"x\" }",
            ),
        ],
        &Actor("Ana".into()),
    )
    .unwrap();
    drop(p);

    let s = Session::open(&path, None, Env::for_tests().with_clock(clock)).unwrap();
    let m = s.report_model(datetime!(2026-11-22 12:00 UTC)).unwrap();
    let sub = m
        .method
        .discovery
        .iter()
        .find(|d| d.subnet == "127.20.0.0/24")
        .unwrap();
    let hosts: Vec<&str> = sub
        .unidentified
        .iter()
        .map(|h| h.address.as_str())
        .collect();
    assert_eq!(hosts, ["127.20.0.50", "127.20.0.51"]);
    assert!(
        sub.unidentified[0].reason.contains("ONVIF switched off"),
        "{:?}",
        sub.unidentified
    );
    assert!(
        sub.unidentified[1].reason.contains("credentials"),
        "{:?}",
        sub.unidentified
    );
    assert_eq!(sub.no_camera_service, 2);
    assert!(
        sub.not_found.iter().all(|n| !n.contains("follow-up")),
        "internal verdicts stay out of the appendix: {:?}",
        sub.not_found
    );
    assert_eq!(m.summary().unidentified_hosts, 2);
    // The front ends' list is the same rule: the same hosts and reasons, each with what to do next.
    let listed = s.unidentified_hosts().unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|h| (h.address.as_str(), h.reason.as_str(), h.subnet.as_str()))
            .collect::<Vec<_>>(),
        sub.unidentified
            .iter()
            .map(|h| (h.address.as_str(), h.reason.as_str(), "127.20.0.0/24"))
            .collect::<Vec<_>>()
    );
    assert!(listed[0].next.contains("switch ONVIF on"), "{listed:?}");
    assert!(listed[1].next.contains("locked Handover out"), "{listed:?}");

    // Every open finding has an owner and a due date; technician commands are not in the evidence.
    let open: Vec<_> = m
        .findings
        .iter()
        .filter(|f| f.status == handover_report::FindingStatus::Open)
        .collect();
    assert!(!open.is_empty());
    for f in &open {
        assert!(f.owner.is_some() && f.due.is_some(), "{f:?}");
        assert!(!f.detail.contains("`handover"), "{f:?}");
    }

    // The device never logged into.
    let d = m
        .devices
        .iter()
        .find(|d| d.address == "127.20.0.11")
        .unwrap();
    let n = d.not_checked.as_ref().expect("not checked");
    for a in ["credentials", "services", "clock", "firmware", "placement"] {
        assert!(n.aspects.iter().any(|x| x == a), "{a}: {n:?}");
    }
    assert!(n.reason.contains("never logged in"), "{n:?}");
    assert!(
        d.placement.evidence.contains("MAC was not read"),
        "{:?}",
        d.placement
    );
    assert_eq!(d.role, "camera");
    let ok = m
        .devices
        .iter()
        .find(|d| d.address == "127.20.0.10")
        .unwrap();
    assert!(!ok.unchecked("firmware"));
}
