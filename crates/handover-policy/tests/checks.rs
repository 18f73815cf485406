//! The checks, one scenario each: a device's facts against the demo plan, and exactly which findings come out.

use std::collections::BTreeSet;

use handover_model::{
    CredentialRef, CredentialState, Device, DeviceFacts, DeviceId, DeviceIdentity, DeviceUser,
    Plan, Role, SwitchPort,
};
use handover_policy::Catalogs;
use handover_policy::checks::{Context, Fix, Settings, evaluate};
use time::macros::{date, datetime};

fn plan() -> Plan {
    Plan::from_csv(include_bytes!("../../../assets/demo/plan.csv")).unwrap()
}

/// A well-configured, current Axis camera on the camera VLAN: raises nothing.
fn good_camera() -> Device {
    Device {
        id: DeviceId(1),
        identity: DeviceIdentity {
            endpoint_ref: None,
            mac: Some("ac:cc:8e:00:00:01".parse().unwrap()),
            serial: Some("S1".into()),
        },
        address: "127.20.0.10".parse().unwrap(),
        previous_addresses: vec![],
        role: Some(Role::camera()),
        found_by: BTreeSet::new(),
        facts: DeviceFacts {
            manufacturer: Some("AXIS".into()),
            model: Some("P3265-LVE".into()),
            firmware: Some("12.5.56".into()),
            dhcp: Some(false),
            gateways: vec!["127.20.0.1".parse().unwrap()],
            dns: vec!["127.20.0.2".parse().unwrap()],
            ntp: vec!["127.20.0.3".into()],
            ntp_enabled: Some(true),
            clock_skew_ms: Some(300),
            protocols: vec!["HTTPS:443".into(), "RTSP:554".into()],
            discoverable: Some(false),
            users: vec![DeviceUser {
                username: "root".into(),
                level: "Administrator".into(),
            }],
            switch_port: Some(SwitchPort {
                switch: "sw1".into(),
                port: "1".into(),
                vlan: 20,
            }),
            ..DeviceFacts::default()
        },
        label: Default::default(),
        first_seen: datetime!(2026-11-22 10:00 UTC),
        last_seen: datetime!(2026-11-22 10:00 UTC),
    }
}

fn rotated(user: &str) -> Vec<CredentialRef> {
    vec![CredentialRef {
        device: DeviceId(1),
        username: user.into(),
        state: CredentialState::Rotated,
        matched_default: None,
        rotated_at: None,
        rotated_by: None,
    }]
}

/// Changes the good camera with `edit`, evaluates, and expects exactly the `want` checks raised.
fn check(
    edit: impl FnOnce(&mut Device, &mut Vec<CredentialRef>),
    want: &[&str],
) -> Vec<handover_policy::checks::Raised> {
    let mut d = good_camera();
    let mut creds = rotated("root");
    edit(&mut d, &mut creds);
    let plan = plan();
    let settings = Settings {
        max_clock_skew_secs: 10,
        today: date!(2026 - 11 - 22),
    };
    let ev = evaluate(
        Context {
            device: &d,
            plan: &plan,
            credentials: &creds,
        },
        &Catalogs::built_in(),
        &settings,
    );
    let got: Vec<&str> = ev.raised.iter().map(|r| r.check).collect();
    assert_eq!(got, want, "raised: {:#?}", ev.raised);
    for r in &ev.raised {
        assert!(ev.evaluated.contains(&r.check));
        assert!(!r.clauses.is_empty() && !r.evidence.is_empty());
    }
    ev.raised
}

#[test]
fn a_good_device_raises_nothing_and_every_check_ran() {
    check(|_, _| {}, &[]);
    let plan = plan();
    let settings = Settings {
        max_clock_skew_secs: 10,
        today: date!(2026 - 11 - 22),
    };
    let ev = evaluate(
        Context {
            device: &good_camera(),
            plan: &plan,
            credentials: &rotated("root"),
        },
        &Catalogs::built_in(),
        &settings,
    );
    assert!(ev.evaluated.len() >= 15, "{:?}", ev.evaluated);
}

#[test]
fn credentials_findings() {
    let r = check(
        |_, c| {
            c[0].state = CredentialState::FactoryDefault;
            c[0].matched_default = Some("axis root".into())
        },
        &["credentials.default"],
    );
    assert!(r[0].evidence.contains("axis root"));
    check(
        |_, c| c[0].state = CredentialState::Unknown,
        &["credentials.unknown"],
    );
    check(
        |d, _| {
            d.facts.users.push(DeviceUser {
                username: "installer".into(),
                level: "Administrator".into(),
            })
        },
        &["accounts.extra-admin"],
    );
    check(
        |d, _| {
            d.facts.users.push(DeviceUser {
                username: "vms".into(),
                level: "Operator".into(),
            })
        },
        &[],
    );
}

#[test]
fn firmware_findings() {
    let r = check(
        |d, _| {
            d.facts.manufacturer = Some("HIKVISION".into());
            d.facts.model = Some("DS-2CD2143G2-I".into());
            d.facts.firmware = Some("V5.5.0 build 170725".into());
        },
        &["firmware.known-exploited"],
    );
    assert!(r[0].title.contains("CVE-2021-36260"));
    assert_eq!(r[0].severity, handover_model::Severity::Critical);
    check(
        |d, _| d.facts.firmware = Some("11.11.73".into()),
        &["firmware.outdated"],
    );
    check(
        |d, _| d.facts.firmware = Some("eleven".into()),
        &["firmware.not-in-baseline"],
    );
    check(
        |d, _| d.facts.model = Some("M1065-L".into()),
        &["firmware.not-in-baseline"],
    );
    // A device that reported nothing at all (it wants a password even for GetDeviceInformation) is a finding,
    // never a pass.
    let r = check(
        |d, _| {
            d.facts.manufacturer = None;
            d.facts.model = None;
            d.facts.firmware = None;
        },
        &["firmware.not-identified"],
    );
    assert!(r[0].evidence.contains("credentials find-defaults"), "{r:?}");
}

#[test]
fn placement_findings() {
    let moved = |d: &mut Device, _: &mut Vec<CredentialRef>| {
        d.address = "127.30.0.20".parse().unwrap();
        d.facts.switch_port.as_mut().unwrap().vlan = 30;
    };
    let r = check(moved, &["network.wrong-subnet"]);
    assert!(r[0].evidence.contains("VLAN 30") && r[0].evidence.contains("VLAN 20"));
    let r = check(
        |d, _| d.facts.switch_port.as_mut().unwrap().vlan = 30,
        &["network.wrong-port-vlan"],
    );
    assert!(
        r[0].evidence.contains("port 1") && r[0].evidence.contains("ac:cc:8e:00:00:01"),
        "{}",
        r[0].evidence
    );
    check(
        |d, _| d.address = "10.1.1.1".parse().unwrap(),
        &["network.outside-plan"],
    );
    // A misplaced address on a port of its own subnet's VLAN, yet the plan wants it elsewhere: both facts show.
    check(
        |d, _| d.address = "127.30.0.20".parse().unwrap(),
        &["network.wrong-subnet", "network.wrong-port-vlan"],
    );
    check(
        |d, _| d.role = Some(Role::parse("lpr-camera").unwrap()),
        &["network.role-not-planned"],
    );
    check(
        |d, _| d.facts.gateways = vec!["127.20.0.254".parse().unwrap()],
        &["network.gateway"],
    );
    check(
        |d, _| d.facts.dns = vec!["8.8.8.8".parse().unwrap()],
        &["network.dns"],
    );
    check(|d, _| d.facts.dhcp = Some(true), &["network.addressing"]);
}

#[test]
fn service_and_time_findings_offer_fixes() {
    check(
        |d, _| d.facts.protocols = vec!["HTTP:80".into(), "RTSP:554".into()],
        &["services.http-only"],
    );
    let r = check(
        |d, _| d.facts.protocols = vec!["HTTP:80".into(), "HTTPS:443".into(), "RTSP:554".into()],
        &["services.http-beside-https"],
    );
    assert_eq!(r[0].fix, Some(Fix::DisableHttp));
    assert!(r[0].clauses.iter().any(|c| c.clause == "5.5-1"));
    let r = check(
        |d, _| d.facts.discoverable = Some(true),
        &["services.discovery-on"],
    );
    assert_eq!(r[0].fix, Some(Fix::DisableDiscovery));
    let r = check(
        |d, _| {
            d.facts.ntp.clear();
            d.facts.ntp_enabled = Some(false)
        },
        &["time.ntp-not-set"],
    );
    assert_eq!(
        r[0].fix,
        Some(Fix::SetNtp {
            servers: vec!["127.20.0.3".into()]
        })
    );
    let r = check(
        |d, _| d.facts.clock_skew_ms = Some(-5_400_000),
        &["time.clock-skew"],
    );
    assert!(r[0].title.contains("5400s behind"));
    check(|d, _| d.facts.clock_skew_ms = Some(9_000), &[]);
}

#[test]
fn checks_without_their_facts_are_not_evaluated_but_firmware_says_not_identified() {
    let mut d = good_camera();
    d.facts = DeviceFacts::default();
    d.role = None;
    let plan = plan();
    let settings = Settings {
        max_clock_skew_secs: 10,
        today: date!(2026 - 11 - 22),
    };
    let ev = evaluate(
        Context {
            device: &d,
            plan: &plan,
            credentials: &[],
        },
        &Catalogs::built_in(),
        &settings,
    );
    // Except firmware: a device that reported nothing is "not identified", a finding, never a silent pass.
    let raised: Vec<_> = ev.raised.iter().map(|r| r.check).collect();
    assert_eq!(raised, ["firmware.not-identified"]);
    assert_eq!(
        ev.evaluated,
        [
            "firmware.not-identified",
            "firmware.known-exploited",
            "firmware.outdated",
            "firmware.not-in-baseline",
            "firmware.end-of-support",
            "network.outside-plan"
        ]
    );
}
