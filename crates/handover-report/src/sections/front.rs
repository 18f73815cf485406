//! Cover page (title band, parties, ids) and the executive summary (figure tiles, a bar
//! chart of compliance by control, a one-line verdict).

use super::{heading, key_values, paragraph};
use crate::layout::page::{Composer, palette};
use crate::layout::text::{Weight, format_date, format_timestamp};
use crate::model::ReportModel;
use crate::render::RenderOptions;

pub(super) fn cover(c: &mut Composer, m: &ReportModel, opts: &RenderOptions) {
    let band = 150.0;
    c.fill_rect(0.0, 0.0, c.width, band, palette::ACCENT);
    let x = c.margin_x;
    c.text(
        x,
        52.0,
        Weight::Regular,
        10.0,
        (0.80, 0.86, 0.93),
        "HANDOVER \u{00B7} SECURITY ACCEPTANCE",
    );
    c.text(
        x,
        84.0,
        Weight::Bold,
        24.0,
        palette::WHITE,
        "Security Handover Report",
    );
    let face = c.fonts().face(Weight::Regular);
    let site = face.ellipsize(&face.sanitize(&m.site.name), 14.0, c.content_width());
    c.text(x, 112.0, Weight::Regular, 14.0, palette::WHITE, &site);
    let date = format_date(m.generated_at);
    c.text(
        x,
        132.0,
        Weight::Regular,
        9.0,
        (0.80, 0.86, 0.93),
        &format!("Issued {date}"),
    );
    c.y = band + 28.0;
    key_values(
        c,
        &[
            ("Site", m.site.name.clone()),
            ("Address", m.site.address.clone()),
            ("Customer", m.site.customer.clone()),
            ("Integrator", m.site.integrator.clone()),
            ("Technician", m.site.technician.clone()),
            ("Report date", format_timestamp(m.generated_at)),
            ("Project id", m.project_id.clone()),
            ("Document id", opts.document_id.clone()),
        ],
        100.0,
        10.0,
    );
    c.y += 6.0;
    let missing = super::undrawable(c, m);
    if !missing.is_empty() {
        // Grouped by where they appear: "device D5 name: U+0E01 U+0E25".
        let mut places: Vec<(&str, Vec<String>)> = Vec::new();
        for (ch, place) in missing.iter().take(40) {
            let code = format!("U+{:04X}", u32::from(*ch));
            match places.iter_mut().find(|(p, _)| p == place) {
                Some((_, codes)) => codes.push(code),
                None => places.push((place, vec![code])),
            }
        }
        let list: Vec<String> = places
            .iter()
            .map(|(place, codes)| format!("{place}: {}", codes.join(" ")))
            .collect();
        let more = missing.len().saturating_sub(40);
        paragraph(
            c,
            &format!(
                "This report's fonts cannot draw {} character(s) used in the project's text; each is shown as \u{FFFD} \
                 here and kept exactly in the attached JSON. {}{}.",
                missing.len(),
                list.join("; "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ),
            8.5,
            palette::WARN,
        );
    }
}

fn pct(part: u32, whole: u32) -> f32 {
    if whole == 0 {
        0.0
    } else {
        part as f32 / whole as f32
    }
}

pub(super) fn summary(c: &mut Composer, m: &ReportModel) {
    let s = m.summary();
    heading(c, "Executive summary");
    // Six figure tiles in two rows of three.
    let tiles: [(&str, String, palette::Rgb3); 6] = [
        ("Devices", s.devices.to_string(), palette::ACCENT),
        (
            "Defaults removed",
            format!("{} / {}", s.defaults_removed, s.devices),
            tone_of(s.defaults_removed, s.devices),
        ),
        (
            "Firmware compliant",
            format!("{} / {}", s.firmware_compliant, s.devices),
            tone_of(s.firmware_compliant, s.devices),
        ),
        (
            "Placement verified",
            format!("{} / {}", s.placement_verified, s.devices),
            tone_of(s.placement_verified, s.devices),
        ),
        (
            "Open findings",
            s.open_findings.to_string(),
            if s.open_findings == 0 {
                palette::GOOD
            } else {
                palette::BAD
            },
        ),
        (
            "Waivers",
            s.waivers.to_string(),
            if s.waivers == 0 {
                palette::INK
            } else {
                palette::WARN
            },
        ),
    ];
    let gap = 10.0;
    let tw = (c.content_width() - 2.0 * gap) / 3.0;
    let th = 46.0;
    c.ensure(2.0 * th + gap);
    for (i, (label, value, color)) in tiles.iter().enumerate() {
        let (row, column) = (i / 3, i % 3);
        let x = c.margin_x + column as f32 * (tw + gap);
        let top = c.y + row as f32 * (th + gap);
        c.fill_rect(x, top, tw, th, palette::STRIPE);
        c.fill_rect(x, top, 3.0, th, *color);
        c.text(
            x + 12.0,
            top + 16.0,
            Weight::Regular,
            8.5,
            palette::MUTED,
            label,
        );
        c.text(x + 12.0, top + 36.0, Weight::Bold, 16.0, *color, value);
    }
    c.y += 2.0 * th + gap + 20.0;

    // Bar chart: share of devices meeting each control.
    let bars = [
        (
            "Default credentials removed",
            pct(s.defaults_removed, s.devices),
        ),
        (
            "Firmware at or above baseline",
            pct(s.firmware_compliant, s.devices),
        ),
        ("On the planned VLAN", pct(s.placement_verified, s.devices)),
    ];
    c.ensure(24.0 + bars.len() as f32 * 22.0);
    c.text(
        c.margin_x,
        c.y + 10.0,
        Weight::Bold,
        10.0,
        palette::INK,
        "Compliance by control (share of devices)",
    );
    c.y += 20.0;
    let label_w = 150.0;
    let bar_w = c.content_width() - label_w - 40.0;
    for (label, share) in bars {
        c.text(
            c.margin_x,
            c.y + 10.0,
            Weight::Regular,
            8.5,
            palette::INK,
            label,
        );
        let bx = c.margin_x + label_w;
        c.fill_rect(bx, c.y + 1.0, bar_w, 12.0, palette::ACCENT_LIGHT);
        let color = if share >= 0.999 {
            palette::GOOD
        } else if share >= 0.9 {
            palette::WARN
        } else {
            palette::BAD
        };
        if share > 0.0 {
            c.fill_rect(bx, c.y + 1.0, bar_w * share, 12.0, color);
        }
        c.text_right(
            c.width - c.margin_x,
            c.y + 10.5,
            Weight::Bold,
            8.5,
            palette::INK,
            &format!("{:.0} %", share * 100.0),
        );
        c.y += 22.0;
    }
    // Tick marks at 0/50/100 %.
    let bx = c.margin_x + label_w;
    for (i, t) in ["0", "50", "100 %"].iter().enumerate() {
        let x = bx + bar_w * i as f32 / 2.0;
        c.text(x - 3.0, c.y + 6.0, Weight::Regular, 6.5, palette::MUTED, t);
    }
    c.y += 22.0;
    let verdict = if s.devices == 0 {
        "No devices are part of this handover.".to_owned()
    } else if s.open_findings == 0 {
        format!(
            "All {} devices were handed over with no open findings{}.",
            s.devices,
            if s.waivers > 0 {
                format!("; {} finding(s) are covered by customer waivers", s.waivers)
            } else {
                String::new()
            }
        )
    } else {
        format!(
            "{} finding(s) remain open at handover and are listed in the Findings section with the devices concerned.",
            s.open_findings
        )
    };
    paragraph(c, &verdict, 9.5, palette::INK);
    let plain: Vec<&str> = m
        .devices
        .iter()
        .filter(|d| d.credential.over_plain_http)
        .map(|d| d.id.as_str())
        .collect();
    if !plain.is_empty() {
        paragraph(
            c,
            &format!(
                "New passwords crossed the network over plain HTTP, because these devices offer no working HTTPS: {}. \
                 Enable HTTPS on them and rotate their passwords again.",
                plain.join(", ")
            ),
            9.5,
            palette::WARN,
        );
    }
    paragraph(
        c,
        "This report is digitally signed (PAdES). Its machine-readable twin (inventory and findings as JSON) is attached \
         to this PDF as handover-inventory.json. Run `handover verify` on this file to check the signature and the \
         certificate chain offline. Device credentials are held in the integrator's vault and never appear in this report.",
        8.5,
        palette::MUTED,
    );
}

fn tone_of(part: u32, whole: u32) -> palette::Rgb3 {
    if part == whole {
        palette::GOOD
    } else {
        palette::BAD
    }
}
