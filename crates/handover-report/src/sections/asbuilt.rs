//! The as-built network: per planned VLAN, each device with its MAC, the switch and port it was
//! seen on and that port's VLAN against the planned one; then, per subnet, the hosts that answered
//! but could not be identified, with plain reasons. Cells wrap (switch names and ports are never
//! cut); nothing here is judged that the device tables have not judged already.

use super::{col, heading, paragraph};
use crate::layout::page::{Composer, palette};
use crate::layout::table::{Span, Table, Tone};
use crate::model::{Device, FindingStatus, ReportModel};

fn vlan_label(m: &ReportModel, id: u16) -> String {
    match m.vlans.iter().find(|v| v.id == id) {
        Some(v) => format!("{} {}", v.id, v.name),
        None => id.to_string(),
    }
}

fn row(m: &ReportModel, d: &Device) -> Vec<Vec<Span>> {
    let mut planned = vec![if d.vlan_id == 0 {
        Span::toned("no planned subnet", Tone::Bad)
    } else {
        Span::plain(vlan_label(m, d.vlan_id))
    }];
    // The plan puts the device's role on another VLAN than its address: say so beside the planned one.
    for f in m.findings.iter().filter(|f| {
        f.status == FindingStatus::Open
            && f.device_id.as_deref() == Some(d.id.as_str())
            && matches!(
                f.check.as_str(),
                "network.role-not-planned" | "network.wrong-subnet" | "network.outside-plan"
            )
    }) {
        planned.push(Span::toned(format!("{} ({})", f.title, f.id), Tone::Bad));
    }
    let (switch, port, port_vlan) = match &d.switch_port {
        Some(p) => {
            let matches = p.vlan == d.vlan_id;
            (
                Span::plain(p.switch.clone()),
                Span::bold(p.port.clone()),
                Span {
                    text: if matches {
                        format!("{} \u{2713}", vlan_label(m, p.vlan))
                    } else {
                        format!("{} \u{2260} planned", vlan_label(m, p.vlan))
                    },
                    tone: if matches { Tone::Good } else { Tone::Bad },
                    bold: !matches,
                },
            )
        }
        None => {
            let why = if d.mac.is_empty() {
                "not checked: MAC not read"
            } else {
                "not seen by a switch"
            };
            (
                Span::toned(why, Tone::Warn),
                Span::toned("\u{2014}", Tone::Muted),
                Span::toned("\u{2014}", Tone::Muted),
            )
        }
    };
    vec![
        vec![
            Span::bold(d.name.clone()),
            Span::toned(d.id.clone(), Tone::Muted),
        ],
        vec![Span::plain(d.address.clone())],
        vec![Span::plain(if d.mac.is_empty() {
            "not read".to_owned()
        } else {
            d.mac.clone()
        })],
        vec![switch],
        vec![port],
        vec![port_vlan],
        planned,
    ]
}

pub(super) fn as_built(c: &mut Composer, m: &ReportModel) {
    heading(c, "As-built network");
    paragraph(
        c,
        "Where each device is plugged in, as the switch reports it: the port's VLAN against the VLAN its address is \
         planned on (\u{2713} when they agree). Hosts that answered on a planned subnet but are not in this inventory \
         follow.",
        8.0,
        palette::MUTED,
    );
    let table = Table {
        columns: vec![
            col("Device", 1.3),
            col("Address", 0.8),
            col("MAC", 1.0),
            col("Switch", 1.05),
            col("Port", 0.6),
            col("Port VLAN", 1.0),
            col("Planned VLAN", 1.2),
        ],
        font_size: 6.8,
        max_lines: 4,
    };
    let mut ids: Vec<u16> = m.vlans.iter().map(|v| v.id).collect();
    ids.extend(m.devices.iter().map(|d| d.vlan_id));
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        let mut on: Vec<&Device> = m.devices.iter().filter(|d| d.vlan_id == id).collect();
        if on.is_empty() {
            continue;
        }
        on.sort_by(|a, b| {
            let key = |d: &Device| {
                d.switch_port
                    .as_ref()
                    .map(|p| (p.switch.clone(), p.port.clone()))
            };
            key(a).cmp(&key(b)).then(a.name.cmp(&b.name))
        });
        let caption = match m.vlans.iter().find(|v| v.id == id) {
            Some(v) => format!(
                "VLAN {} {} \u{00B7} {} \u{00B7} {} device(s)",
                v.id,
                v.name,
                v.subnet,
                on.len()
            ),
            None if id == 0 => format!(
                "Outside every planned subnet \u{00B7} {} device(s)",
                on.len()
            ),
            None => format!(
                "VLAN {id} (not in the plan) \u{00B7} {} device(s)",
                on.len()
            ),
        };
        let caption = c.fonts().bold.sanitize(&caption);
        table.draw(c, Some(&caption), on.into_iter().map(|d| row(m, d)));
    }

    let total: usize = m
        .method
        .discovery
        .iter()
        .map(|d| d.unidentified.len())
        .sum();
    let quiet: u32 = m.method.discovery.iter().map(|d| d.no_camera_service).sum();
    let title = format!("Unidentified hosts on planned subnets ({total})");
    if total == 0 {
        c.ensure(40.0);
        c.text(
            c.margin_x,
            c.y + 9.0,
            crate::layout::text::Weight::Bold,
            8.3,
            palette::ACCENT,
            &title,
        );
        c.y += 14.0;
        paragraph(
            c,
            "None: every host that answered with a camera service on a planned subnet is in the inventory.",
            8.0,
            palette::MUTED,
        );
    } else {
        let hosts = Table {
            columns: vec![
                col("Subnet", 1.0),
                col("Address", 0.9),
                col("Why it is not in the inventory", 4.5),
            ],
            font_size: 7.2,
            max_lines: 4,
        };
        let rows = m.method.discovery.iter().flat_map(|d| {
            d.unidentified.iter().map(move |h| {
                vec![
                    vec![Span::plain(d.subnet.clone())],
                    vec![Span::bold(h.address.clone())],
                    vec![Span::plain(h.reason.clone())],
                ]
            })
        });
        hosts.draw(c, Some(&title), rows);
    }
    if quiet > 0 {
        paragraph(
            c,
            &format!(
                "{quiet} further address(es) on the planned subnets answered with every camera port closed: not \
                 cameras, or cameras with ONVIF switched off. They are counted per subnet in the method appendix."
            ),
            8.0,
            palette::MUTED,
        );
    }
}
