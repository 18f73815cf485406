//! What every screen and command shows about a device, derived once from what the project holds: where each
//! of the five steps stands (identified, credentials, firmware, placement, services) and the evidence behind
//! them. The desktop grid and details, and the CLI's `devices --json`, show these; no front end derives them.
//!
//! A step's state comes from the device's facts, its credential references and its findings by check family:
//! `credentials.*`/`accounts.*`, `firmware.*`, `network.*`, `services.*` and `time.*`.

use serde::Serialize;

use handover_model::{CredentialRef, CredentialState, Device, DeviceUser, Finding, FindingStatus};

/// Where one step stands for one device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum StepState {
    /// Not done yet (or nothing known).
    Pending,
    /// Done, nothing open.
    Done,
    /// Open findings need a fix or a waiver.
    Attention,
    /// Open findings were waived.
    Waived,
}

/// The five steps.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Steps {
    /// Maker and model known.
    pub identified: StepState,
    /// Credentials in custody.
    pub credentials: StepState,
    /// Firmware checked.
    pub firmware: StepState,
    /// On the planned VLAN.
    pub placement: StepState,
    /// Services and time.
    pub services: StepState,
}

/// One fact shown in the detail panel.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Fact {
    /// Which step it is evidence for.
    pub step: String,
    /// What it is.
    pub name: String,
    /// The value as read.
    pub value: String,
}

fn family_state(findings: &[&Finding], prefixes: &[&str], evidence: bool) -> StepState {
    let mine: Vec<_> = findings
        .iter()
        .filter(|f| prefixes.iter().any(|p| f.check.starts_with(p)))
        .collect();
    if mine.iter().any(|f| f.status == FindingStatus::Open) {
        StepState::Attention
    } else if mine.iter().any(|f| f.status == FindingStatus::Waived) {
        StepState::Waived
    } else if evidence {
        StepState::Done
    } else {
        StepState::Pending
    }
}

/// The step states of one device.
pub fn steps(d: &Device, findings: &[&Finding], creds: &[&CredentialRef]) -> Steps {
    let f = &d.facts;
    let identified = if f.manufacturer.is_some() && f.model.is_some() {
        StepState::Done
    } else {
        StepState::Pending
    };
    let in_custody = !creds.is_empty()
        && creds.iter().all(|c| {
            matches!(
                c.state,
                CredentialState::Rotated | CredentialState::TechnicianSupplied
            )
        });
    Steps {
        identified,
        credentials: family_state(findings, &["credentials.", "accounts."], in_custody),
        firmware: family_state(findings, &["firmware."], f.firmware.is_some()),
        placement: family_state(
            findings,
            &["network."],
            f.switch_port.is_some() || !f.gateways.is_empty(),
        ),
        services: family_state(
            findings,
            &["services.", "time."],
            !f.protocols.is_empty() || f.ntp_enabled.is_some(),
        ),
    }
}

/// The step states of `d` among all of a project's findings and credential references.
pub fn steps_in(d: &Device, findings: &[Finding], creds: &[CredentialRef]) -> Steps {
    let mine: Vec<&Finding> = findings.iter().filter(|f| f.device == d.id).collect();
    let my_creds: Vec<&CredentialRef> = creds.iter().filter(|c| c.device == d.id).collect();
    steps(d, &mine, &my_creds)
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "not read".into())
}

fn list<T: ToString>(v: &[T]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The evidence rows of the detail panel.
pub fn facts(d: &Device) -> Vec<Fact> {
    let f = &d.facts;
    let fact = |step: &str, name: &str, value: String| Fact {
        step: step.into(),
        name: name.into(),
        value,
    };
    let mut out = vec![
        fact("identified", "Manufacturer", opt(&f.manufacturer)),
        fact("identified", "Model", opt(&f.model)),
        fact("identified", "Serial", opt(&d.identity.serial)),
        fact(
            "identified",
            "MAC",
            d.identity
                .mac
                .map_or_else(|| "not read".into(), |m| m.to_string()),
        ),
        fact(
            "identified",
            "Found by",
            list(&d.found_by.iter().collect::<Vec<_>>()),
        ),
        fact("firmware", "Firmware", opt(&f.firmware)),
        fact("placement", "Address", d.address.to_string()),
        fact(
            "placement",
            "DHCP",
            f.dhcp.map_or("not read".into(), |b| b.to_string()),
        ),
        fact("placement", "Gateways", list(&f.gateways)),
        fact("placement", "DNS", list(&f.dns)),
    ];
    if let Some(p) = &f.switch_port {
        out.push(fact(
            "placement",
            "Switch port",
            format!("{} port {}, VLAN {}", p.switch, p.port, p.vlan),
        ));
    }
    out.push(fact("services", "Protocols", list(&f.protocols)));
    if let Some(fp) = &f.tls_fingerprint {
        out.push(fact(
            "services",
            "TLS certificate (pinned)",
            format!("SHA-256 {fp}"),
        ));
    }
    out.push(fact(
        "services",
        "NTP",
        match f.ntp_enabled {
            Some(true) => format!("on: {}", list(&f.ntp)),
            Some(false) => "off".into(),
            None => "not read".into(),
        },
    ));
    if let Some(ms) = f.clock_skew_ms {
        out.push(fact("services", "Clock skew", format!("{ms} ms")));
    }
    out.push(fact(
        "credentials",
        "Accounts on device",
        list(
            &f.users
                .iter()
                .map(|u| format!("{} ({})", u.username, u.level))
                .collect::<Vec<_>>(),
        ),
    ));
    out
}

/// One account on a device as every front end shows it, flagged against what Handover holds and the vendor's
/// factory-default names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    /// User name.
    pub username: String,
    /// ONVIF level: Administrator, Operator, User, ...
    pub level: String,
    /// Handover holds its password.
    pub held: bool,
    /// An administrator Handover does not hold (the checks raise it).
    pub extra_admin: bool,
    /// A name from the vendor's factory defaults that Handover does not hold.
    pub factory_name: bool,
}

/// The accounts `users`, flagged: `held` names the accounts Handover holds a password for, `factory` the
/// vendor's default user names.
pub fn accounts(users: &[DeviceUser], held: &[String], factory: &[String]) -> Vec<Account> {
    users
        .iter()
        .map(|u| {
            let is_held = held.contains(&u.username);
            Account {
                username: u.username.clone(),
                level: u.level.clone(),
                held: is_held,
                extra_admin: !is_held && u.level.eq_ignore_ascii_case("Administrator"),
                factory_name: !is_held && factory.contains(&u.username),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use handover_model::{DeviceFacts, DeviceId, DeviceIdentity, DeviceLabel, FindingId, Severity};
    use time::OffsetDateTime;

    use super::*;

    fn device() -> Device {
        Device {
            id: DeviceId(3),
            identity: DeviceIdentity::default(),
            address: "10.20.0.13".parse().unwrap(),
            previous_addresses: Vec::new(),
            role: None,
            found_by: BTreeSet::new(),
            facts: DeviceFacts {
                manufacturer: Some("Axis".into()),
                model: Some("P3245".into()),
                firmware: Some("10.12.1".into()),
                ..DeviceFacts::default()
            },
            label: DeviceLabel::default(),
            first_seen: OffsetDateTime::UNIX_EPOCH,
            last_seen: OffsetDateTime::UNIX_EPOCH,
        }
    }

    fn finding(id: i64, device: i64, check: &str, status: FindingStatus) -> Finding {
        Finding {
            id: FindingId(id),
            device: DeviceId(device),
            check: check.into(),
            severity: Severity::High,
            title: "t".into(),
            evidence: "e".into(),
            clauses: vec![],
            status,
        }
    }

    #[test]
    fn a_step_needs_attention_while_a_finding_of_its_family_is_open_and_shows_waived_once_waived() {
        let d = device();
        let other_device = finding(1, 9, "firmware.outdated", FindingStatus::Open);
        let s = steps_in(&d, std::slice::from_ref(&other_device), &[]);
        assert_eq!(s.identified, StepState::Done);
        assert_eq!(
            s.firmware,
            StepState::Done,
            "another device's finding is not this one's"
        );
        assert_eq!(s.credentials, StepState::Pending, "nothing in custody yet");
        let open = finding(2, 3, "firmware.outdated", FindingStatus::Open);
        assert_eq!(
            steps_in(&d, &[other_device, open.clone()], &[]).firmware,
            StepState::Attention
        );
        let waived = Finding {
            status: FindingStatus::Waived,
            ..open
        };
        assert_eq!(steps_in(&d, &[waived], &[]).firmware, StepState::Waived);
        let time = finding(4, 3, "time.skew", FindingStatus::Open);
        assert_eq!(steps_in(&d, &[time], &[]).services, StepState::Attention);
    }

    #[test]
    fn facts_say_not_read_for_what_the_device_did_not_tell() {
        let f = facts(&device());
        let get = |name: &str| f.iter().find(|x| x.name == name).map(|x| x.value.clone());
        assert_eq!(get("Manufacturer").as_deref(), Some("Axis"));
        assert_eq!(get("Serial").as_deref(), Some("not read"));
        assert_eq!(get("NTP").as_deref(), Some("not read"));
        assert_eq!(
            get("Switch port"),
            None,
            "only when a switch told where it is"
        );
    }

    #[test]
    fn an_account_is_flagged_only_when_handover_does_not_hold_it() {
        let u = |name: &str, level: &str| DeviceUser {
            username: name.into(),
            level: level.into(),
        };
        let users = [
            u("handover", "Administrator"),
            u("admin", "Administrator"),
            u("root", "Operator"),
            u("vms", "Operator"),
        ];
        let got = accounts(
            &users,
            &["handover".into()],
            &["admin".into(), "root".into()],
        );
        let flags: Vec<_> = got
            .iter()
            .map(|a| (a.username.as_str(), a.held, a.extra_admin, a.factory_name))
            .collect();
        assert_eq!(
            flags,
            [
                ("handover", true, false, false),
                ("admin", false, true, true),
                ("root", false, false, true),
                ("vms", false, false, false),
            ]
        );
        // The account Handover holds is never flagged, even under a factory name.
        let held_default = accounts(&users[1..2], &["admin".into()], &["admin".into()]);
        assert!(
            held_default[0].held && !held_default[0].extra_admin && !held_default[0].factory_name
        );
    }
}
