//! Network placement against IT's plan: subnet for the device's role, gateway, DNS, addressing, and the
//! switch's layer-2 truth (which VLAN the device's port is really on).

use handover_model::{Addressing, Severity, Vlan};

use super::{Context, Evaluation};

fn describe(v: &Vlan) -> String {
    format!("VLAN {} ({}, {})", v.id, v.name, v.subnet)
}

pub(super) fn check(ctx: Context<'_>, ev: &mut Evaluation) {
    let (d, plan) = (ctx.device, ctx.plan);
    if plan.vlans.is_empty() {
        return;
    }
    ev.ran("network.outside-plan");
    let Some(here) = plan.vlan_for_address(d.address) else {
        ev.raise(
            "network.outside-plan",
            Severity::High,
            format!("Address {} is in no planned subnet", d.address),
            format!(
                "The plan's subnets are {}.",
                plan.vlans
                    .iter()
                    .map(|v| v.subnet.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None,
        );
        return;
    };
    let mut misplaced = false;
    if let Some(role) = &d.role {
        ev.ran("network.role-not-planned");
        ev.ran("network.wrong-subnet");
        let allowed: Vec<&Vlan> = plan.vlans_for_role(role).collect();
        if allowed.is_empty() {
            ev.raise(
                "network.role-not-planned",
                Severity::Medium,
                format!("The plan has no VLAN for role {role}"),
                format!(
                    "The device is a {role} at {} in {}; ask IT where {role} devices belong.",
                    d.address,
                    describe(here)
                ),
                None,
            );
        } else if !allowed.iter().any(|v| v.id == here.id) {
            misplaced = true;
            ev.raise(
                "network.wrong-subnet",
                Severity::High,
                format!("{role} device on the {} VLAN", here.name),
                format!(
                    "Address {} is in {}; {role} devices belong on {}.",
                    d.address,
                    describe(here),
                    allowed
                        .iter()
                        .map(|v| describe(v))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
                None,
            );
        }
    }
    if let Some(sw) = &d.facts.switch_port {
        ev.ran("network.wrong-port-vlan");
        if sw.vlan != here.id {
            let port_vlan = plan
                .vlan(sw.vlan)
                .map_or_else(|| format!("VLAN {}", sw.vlan), describe);
            ev.raise(
                "network.wrong-port-vlan",
                Severity::High,
                format!("Switch port is on VLAN {}, the address on VLAN {}", sw.vlan, here.id),
                format!(
                    "Switch {} learned MAC {} on port {} in {port_vlan}, but the device's address {} belongs to {}.",
                    sw.switch,
                    d.identity.mac.map(|m| m.to_string()).unwrap_or_default(),
                    sw.port,
                    d.address,
                    describe(here)
                ),
                None,
            );
        }
    }
    if misplaced {
        return; // gateway and DNS of the wrong subnet would only repeat the same finding
    }
    let f = &d.facts;
    if !f.gateways.is_empty() {
        ev.ran("network.gateway");
        if !f.gateways.contains(&here.gateway) {
            ev.raise(
                "network.gateway",
                Severity::Low,
                "Default gateway differs from the plan".into(),
                format!(
                    "The device uses {}; the plan says {} for {}.",
                    f.gateways
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                    here.gateway,
                    describe(here)
                ),
                None,
            );
        }
    }
    if !f.dns.is_empty() && !here.dns.is_empty() {
        ev.ran("network.dns");
        let mut have = f.dns.clone();
        let mut want = here.dns.clone();
        have.sort();
        want.sort();
        if have != want {
            ev.raise(
                "network.dns",
                Severity::Low,
                "DNS servers differ from the plan".into(),
                format!(
                    "The device uses {}; the plan says {}.",
                    f.dns
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                    here.dns
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None,
            );
        }
    }
    if let (Some(dhcp), want) = (f.dhcp, here.addressing) {
        ev.ran("network.addressing");
        let wrong = matches!(
            (want, dhcp),
            (Addressing::Static, true) | (Addressing::Dhcp, false)
        );
        if wrong {
            ev.raise(
                "network.addressing",
                Severity::Low,
                format!(
                    "Addressing is {} but the plan says {want}",
                    if dhcp { "DHCP" } else { "static" }
                ),
                format!("{} expects {want} addressing.", describe(here)),
                None,
            );
        }
    }
}
