//! The checks workflow on a real project file: findings raised, refreshed, fixed when the check passes, and
//! waivers kept across runs and reopening.

use std::sync::Arc;

use handover_engine::{Env, NewProject, Session, WaiverTerms};
use handover_model::{DeviceFacts, DeviceIdentity, FindingStatus, FixedClock, Plan, Role, Site};
use handover_policy::checks::Settings;
use handover_store::devices::Sighting;
use time::macros::{date, datetime};

fn settings() -> Settings {
    Settings {
        max_clock_skew_secs: 10,
        today: date!(2026 - 11 - 22),
    }
}

fn sighting(addr: &str, firmware: &str, discoverable: bool) -> Sighting {
    Sighting {
        identity: DeviceIdentity {
            endpoint_ref: Some(format!("urn:uuid:{addr}")),
            mac: None,
            serial: Some(format!("SN-{addr}")),
        },
        address: Some(addr.parse().unwrap()),
        method: None,
        device: None,
        role: Some(Role::camera()),
        facts: DeviceFacts {
            manufacturer: Some("AXIS".into()),
            model: Some("P3265-LVE".into()),
            firmware: Some(firmware.into()),
            discoverable: Some(discoverable),
            ..DeviceFacts::default()
        },
    }
}

#[test]
fn findings_follow_the_devices_and_waivers_persist() {
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

    // Three cameras: one outdated, one on the access-control subnet, one fine but discoverable.
    for (addr, fw, disc) in [
        ("127.20.0.10", "11.11.73", false),
        ("127.30.0.20", "12.5.56", false),
        ("127.20.0.11", "12.5.56", true),
    ] {
        s.record_sighting(sighting(addr, fw, disc)).unwrap();
    }
    let sum = s.run_checks(&[], &settings()).unwrap();
    assert_eq!((sum.devices, sum.new, sum.fixed), (3, 3, 0));
    let checks: Vec<_> = s
        .findings()
        .unwrap()
        .into_iter()
        .map(|f| (f.device.to_string(), f.check))
        .collect();
    assert_eq!(
        checks,
        [
            ("D1".into(), "firmware.outdated".to_owned()),
            ("D2".into(), "network.wrong-subnet".to_owned()),
            ("D3".into(), "services.discovery-on".to_owned()),
        ]
    );

    // Running again raises nothing new.
    let sum = s.run_checks(&[], &settings()).unwrap();
    assert_eq!((sum.new, sum.fixed), (0, 0));

    // Waive one; the firmware gets updated: that one is fixed, the waiver stays.
    let f2 = s.findings().unwrap()[1].id;
    s.waive(
        &[f2],
        &WaiverTerms::because("Temporary: camera moves to VLAN 20 in phase 2"),
    )
    .unwrap();
    s.record_sighting(sighting("127.20.0.10", "12.5.56", false))
        .unwrap();
    let sum = s.run_checks(&[], &settings()).unwrap();
    assert_eq!((sum.new, sum.fixed), (0, 1));
    drop(s);

    let s = Session::open(&path, None, Env::for_tests().with_clock(clock.clone())).unwrap();
    let statuses: Vec<_> = s
        .findings()
        .unwrap()
        .into_iter()
        .map(|f| f.status)
        .collect();
    assert_eq!(
        statuses,
        [
            FindingStatus::Fixed,
            FindingStatus::Waived,
            FindingStatus::Open
        ]
    );
    let w = &s.waivers().unwrap()[0];
    assert_eq!((w.finding, w.by.as_str()), (f2, "Ana"));
    assert!(s.verify_audit().unwrap().is_intact());
    assert_eq!((w.approver.as_deref(), w.expires.as_deref()), (None, None));
    let s = s;
    let e = s.waive(&[f2], &WaiverTerms::because("  ")).unwrap_err();
    assert!(e.to_string().contains("reason"), "{e}");
    // The reason rule is the engine's, so the CLI and the app refuse the same words.
    let e = s.waive(&[f2], &WaiverTerms::because(" ok  ")).unwrap_err();
    assert_eq!(e.code(), handover_engine::ErrorCode::InvalidInput, "{e}");
    assert!(e.to_string().contains("at least 5 characters"), "{e}");
    // Several at once: one unknown id and nothing is waived.
    let before = s.waivers().unwrap().len();
    let e = s
        .waive(
            &[f2, handover_model::FindingId(9_999)],
            &WaiverTerms::because("Phase 2 work"),
        )
        .unwrap_err();
    assert_eq!(e.code(), handover_engine::ErrorCode::NotFound, "{e}");
    assert_eq!(
        s.waivers().unwrap().len(),
        before,
        "a refusal changes nothing"
    );

    // The customer's approver and an expiry date: kept across reopening, in the audit log, and in the report.
    let terms = |approver: Option<&str>, expires: Option<&str>| WaiverTerms {
        reason: "Temporary: camera moves to VLAN 20 in phase 2".into(),
        approver: approver.map(str::to_owned),
        expires: expires.map(str::to_owned),
    };
    let open = s
        .findings()
        .unwrap()
        .into_iter()
        .find(|f| f.status == FindingStatus::Open)
        .unwrap()
        .id;
    // A bad date refuses the whole batch, including the finding not waived yet.
    let e = s
        .waive(
            &[open, f2],
            &terms(Some("M. Lindqvist (IT)"), Some("next spring")),
        )
        .unwrap_err();
    assert!(e.to_string().contains("YYYY-MM-DD"), "{e}");
    assert_eq!(
        s.finding(open).unwrap().status,
        FindingStatus::Open,
        "a refused batch waives nothing"
    );
    // An expiry before the project's today is refused by the engine, for the CLI and the app alike.
    let e = s
        .waive(
            &[open],
            &terms(Some("M. Lindqvist (IT)"), Some("2020-01-01")),
        )
        .unwrap_err();
    assert_eq!(e.code(), handover_engine::ErrorCode::InvalidInput, "{e}");
    assert!(e.to_string().contains("in the past"), "{e}");
    let e = s.waive(&[f2], &terms(Some("  "), None)).unwrap_err();
    assert!(e.to_string().contains("approver"), "{e}");
    assert_eq!(
        s.waivers().unwrap()[0].approver,
        None,
        "a refusal changes nothing"
    );
    let done = s
        .waive(&[f2], &terms(Some("M. Lindqvist (IT)"), Some("2027-03-31")))
        .unwrap();
    assert_eq!(done[0].approver.as_deref(), Some("M. Lindqvist (IT)"));
    drop(s);
    let s = Session::open(&path, None, Env::for_tests().with_clock(clock)).unwrap();
    let w = &s.waivers().unwrap()[0];
    assert_eq!(
        (w.by.as_str(), w.approver.as_deref(), w.expires.as_deref()),
        ("Ana", Some("M. Lindqvist (IT)"), Some("2027-03-31"))
    );
    let audit = s
        .store_for_tests()
        .audit_latest("finding.waive", &f2.to_string())
        .unwrap()
        .unwrap();
    assert_eq!(audit.detail["approver"], "M. Lindqvist (IT)");
    assert_eq!(audit.detail["expires"], "2027-03-31");
    let model = s
        .report_model(time::macros::datetime!(2026-12-07 12:00 UTC))
        .unwrap();
    assert_eq!(model.waivers[0].approved_by, "M. Lindqvist (IT)");
    assert_eq!(model.waivers[0].recorded_by, "Ana");
    assert_eq!(
        model.waivers[0].expires_at,
        Some(time::macros::datetime!(2027-03-31 00:00 UTC))
    );
}
