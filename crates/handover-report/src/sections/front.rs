//! Cover page (title band, parties, ids, the signer and the CA's fingerprint) and the executive
//! summary (figure tiles, open findings by severity, known-exploited vulnerabilities, what IT must
//! do next, a one-line verdict).

use super::{heading, key_values, paragraph};
use crate::layout::page::{Composer, palette};
use crate::layout::text::{Weight, format_date, format_timestamp};
use crate::model::ReportModel;
use crate::render::RenderOptions;

pub(super) fn cover(c: &mut Composer, m: &ReportModel, opts: &RenderOptions) {
    let band = 122.0;
    c.fill_rect(0.0, 0.0, c.width, band, palette::ACCENT);
    let x = c.margin_x;
    c.text(
        x,
        40.0,
        Weight::Regular,
        10.0,
        (0.80, 0.86, 0.93),
        "HANDOVER \u{00B7} SECURITY ACCEPTANCE",
    );
    c.text(
        x,
        68.0,
        Weight::Bold,
        24.0,
        palette::WHITE,
        "Security Handover Report",
    );
    let face = c.fonts().face(Weight::Regular);
    let site = face.ellipsize(&face.sanitize(&m.site.name), 14.0, c.content_width());
    c.text(x, 92.0, Weight::Regular, 14.0, palette::WHITE, &site);
    let date = format_date(m.generated_at);
    c.text(
        x,
        110.0,
        Weight::Regular,
        9.0,
        (0.80, 0.86, 0.93),
        &format!("Issued {date}"),
    );
    c.y = band + 18.0;
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
        9.0,
    );
    if let Some(signer) = &m.signer {
        // Two halves of 16 bytes, so the fingerprint wraps at the space and reads out in two breaths.
        let fp = &signer.ca_sha256;
        let split = fp.len().min(48);
        let shown = format!("{} {}", &fp[..split], fp[split..].trim_start_matches(':'));
        key_values(
            c,
            &[
                ("Signed by", signer.subject.clone()),
                ("CA to trust", signer.ca_subject.clone()),
                ("CA SHA-256", shown),
            ],
            100.0,
            9.0,
        );
    }
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
    let gap = 8.0;
    let tw = (c.content_width() - 2.0 * gap) / 3.0;
    let th = 32.0;
    c.ensure(2.0 * th + gap);
    for (i, (label, value, color)) in tiles.iter().enumerate() {
        let (row, column) = (i / 3, i % 3);
        let x = c.margin_x + column as f32 * (tw + gap);
        let top = c.y + row as f32 * (th + gap);
        c.fill_rect(x, top, tw, th, palette::STRIPE);
        c.fill_rect(x, top, 3.0, th, *color);
        c.text(
            x + 12.0,
            top + 12.0,
            Weight::Regular,
            8.0,
            palette::MUTED,
            label,
        );
        c.text(x + 12.0, top + 27.0, Weight::Bold, 13.0, *color, value);
    }
    c.y += 2.0 * th + gap + 14.0;

    super::actions::severity_strip(c, m);
    super::actions::known_exploited(c, m);
    super::actions::next_steps(c, m);
    // A one-line verdict only where the strip above does not say it all.
    if s.devices == 0 {
        paragraph(
            c,
            "No devices are part of this handover.",
            9.5,
            palette::INK,
        );
    } else if s.open_findings == 0 {
        let waived = if s.waivers > 0 {
            format!("; {} finding(s) are covered by customer waivers", s.waivers)
        } else {
            String::new()
        };
        paragraph(
            c,
            &format!(
                "All {} devices were handed over with no open findings{waived}.",
                s.devices
            ),
            9.5,
            palette::INK,
        );
    }
    paragraph(
        c,
        "Signed (PAdES); inventory and findings attached as handover-inventory.json; no password appears in this report.",
        8.0,
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
