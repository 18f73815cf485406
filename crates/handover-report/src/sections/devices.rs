//! Device tables, one per VLAN (devices on VLANs outside the plan get their own table):
//! address, MAC, maker and model, serial, firmware against baseline, credential custody,
//! placement evidence, exposed services and clock.

use super::{col, heading, paragraph};
use crate::layout::page::{Composer, palette};
use crate::layout::table::{Cell, Span, Table, Tone};
use crate::layout::text::{Weight, format_date};
use crate::model::{CredentialState, Device, FindingStatus, FirmwareStatus, ReportModel};

fn device_row(m: &ReportModel, d: &Device) -> Vec<Cell> {
    let fw = &d.firmware;
    let fw_tone = match fw.status {
        FirmwareStatus::Compliant => Tone::Good,
        FirmwareStatus::Outdated => Tone::Bad,
        FirmwareStatus::Unknown => Tone::Warn,
    };
    let baseline = match &fw.baseline {
        _ if d.unchecked("firmware") => "not checked: version not reported".to_owned(),
        Some(b) => format!("baseline {b} \u{00B7} {}", fw.status.label()),
        None => fw.status.label().to_owned(),
    };
    let cred = &d.credential;
    let cred_tone = match cred.state {
        CredentialState::Rotated => Tone::Good,
        CredentialState::DefaultActive => Tone::Bad,
        _ => Tone::Warn,
    };
    let not_checked = || Span {
        text: "not checked".into(),
        tone: Tone::Warn,
        bold: true,
    };
    let mut cred_cell = if d.unchecked("credentials") {
        // The reason sits under the first "not checked" of the row.
        let why = d
            .not_checked
            .as_ref()
            .map(|n| n.reason.clone())
            .unwrap_or_default();
        vec![not_checked(), Span::toned(why, Tone::Warn)]
    } else {
        vec![Span {
            text: cred.state.label().to_owned(),
            tone: cred_tone,
            bold: true,
        }]
    };
    if let Some(t) = cred.rotated_at {
        // The date only: the exact time is in the credential handover section.
        cred_cell.push(Span::toned(format_date(t), Tone::Muted));
    }
    if let Some(by) = &cred.rotated_by {
        cred_cell.push(Span::toned(format!("by {by}"), Tone::Muted));
    }
    if cred.over_plain_http {
        cred_cell.push(Span {
            text: "set over plain HTTP (no HTTPS on the device)".into(),
            tone: Tone::Warn,
            bold: false,
        });
    }
    let place = if d.unchecked("placement") {
        not_checked()
    } else if d.placement.verified {
        Span {
            text: "verified".into(),
            tone: Tone::Good,
            bold: true,
        }
    } else {
        Span {
            text: "NOT verified".into(),
            tone: Tone::Bad,
            bold: true,
        }
    };
    let services = if d.unchecked("services") {
        "not checked".to_owned()
    } else if d.services.is_empty() {
        "none".to_owned()
    } else {
        d.services
            .iter()
            .map(|s| format!("{}/{} {}", s.port, s.transport, s.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let clock = match d.clock.skew_seconds {
        _ if d.unchecked("clock") => not_checked(),
        Some(s) if s.abs() <= 2 => Span::toned(format!("{s:+} s"), Tone::Good),
        Some(s) => Span::toned(format!("{s:+} s"), Tone::Bad),
        None => Span::toned("unread", Tone::Warn),
    };
    let ntp = Span::toned(
        match &d.clock.ntp_server {
            _ if d.unchecked("clock") => String::new(),
            Some(n) => format!("NTP {n}"),
            None => "no NTP".into(),
        },
        Tone::Muted,
    );
    let open: Vec<&str> = m
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::Open && f.device_id.as_deref() == Some(&d.id))
        .map(|f| f.id.as_str())
        .collect();
    // The address before the location: when a long name wraps, the cell's last line is the one cut.
    let mut name_cell = vec![Span::bold(d.name.clone()), Span::plain(d.address.clone())];
    if let Some(l) = &d.location {
        name_cell.push(Span::toned(l.clone(), Tone::Muted));
    }
    if !open.is_empty() {
        name_cell.push(Span::toned(format!("open: {}", open.join(" ")), Tone::Bad));
    }
    if let Some(n) = d
        .not_checked
        .as_ref()
        .filter(|_| !d.unchecked("credentials"))
    {
        name_cell.push(Span::toned(n.reason.clone(), Tone::Warn));
    }
    vec![
        name_cell,
        vec![
            Span::plain(d.mac.clone()),
            Span::toned(d.serial.clone(), Tone::Normal),
        ],
        vec![
            Span::plain(d.maker.clone()),
            Span::toned(d.model.clone(), Tone::Muted),
        ],
        vec![
            Span::toned(fw.version.clone(), fw_tone),
            Span::toned(baseline, Tone::Muted),
        ],
        cred_cell,
        vec![
            place,
            Span::toned(d.placement.evidence.clone(), Tone::Muted),
        ],
        vec![Span::plain(services)],
        vec![clock, ntp],
    ]
}

pub(super) fn devices(c: &mut Composer, m: &ReportModel) {
    heading(c, "Devices by VLAN");
    let table = Table {
        columns: vec![
            col("Device / address", 1.25),
            col("MAC / serial", 1.2),
            col("Maker / model", 1.0),
            col("Firmware", 1.05),
            col("Credential", 1.0),
            col("Placement", 1.2),
            col("Services", 1.05),
            col("Clock", 0.75),
        ],
        font_size: 6.6,
        max_lines: 4,
    };
    let mut vlan_ids: Vec<u16> = m.vlans.iter().map(|v| v.id).collect();
    for d in &m.devices {
        if !vlan_ids.contains(&d.vlan_id) {
            vlan_ids.push(d.vlan_id);
        }
    }
    vlan_ids.sort_unstable();
    vlan_ids.dedup();
    for id in vlan_ids {
        let on: Vec<&Device> = m.devices.iter().filter(|d| d.vlan_id == id).collect();
        let caption = match m.vlans.iter().find(|v| v.id == id) {
            Some(v) => format!(
                "VLAN {} \u{00B7} {} \u{00B7} {} \u{00B7} {} \u{2014} {} device(s)",
                v.id,
                v.name,
                v.subnet,
                v.role,
                on.len()
            ),
            None => format!(
                "VLAN {id} (not in the plan) \u{2014} {} device(s)",
                on.len()
            ),
        };
        let caption = c.fonts().bold.sanitize(&caption);
        if on.is_empty() {
            c.ensure(30.0);
            c.text(
                c.margin_x,
                c.y + 9.0,
                Weight::Bold,
                8.1,
                palette::ACCENT,
                &caption,
            );
            c.y += 14.0;
            paragraph(c, "No devices found on this VLAN.", 8.0, palette::MUTED);
            continue;
        }
        table.draw(c, Some(&caption), on.into_iter().map(|d| device_row(m, d)));
    }
}
