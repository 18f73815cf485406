//! Firmware upgrades done on site: per device the version before and after, the image (file and SHA-256), why it
//! was trusted (the signed catalog, or the technician's explicit acceptance with its reason) and when. Left out
//! when there were none.

use super::{col, heading, paragraph};
use crate::layout::page::{Composer, palette};
use crate::layout::table::{Span, Table, Tone};
use crate::layout::text::format_timestamp;
use crate::model::ReportModel;

pub(super) fn upgrades(c: &mut Composer, m: &ReportModel) {
    if m.firmware_upgrades.is_empty() {
        return;
    }
    heading(c, "Firmware upgrades");
    paragraph(
        c,
        "Each upgrade was proven after the device's reboot: it reported the new version, still took the password \
         Handover holds and the same serial number and MAC address. The firmware check ran again afterwards.",
        8.5,
        palette::INK,
    );
    let table = Table {
        columns: vec![
            col("Device", 1.3),
            col("Before", 1.0),
            col("After", 1.0),
            col("Image", 2.2),
            col("Trusted by", 1.1),
            col("When", 0.9),
        ],
        font_size: 7.0,
        max_lines: 6,
    };
    let rows = m.firmware_upgrades.iter().map(|u| {
        let device = match m.device(&u.device_id) {
            Some(d) => vec![
                Span::plain(d.name.clone()),
                Span::toned(
                    format!("{} \u{00B7} {}", u.device_id, d.address),
                    Tone::Muted,
                ),
            ],
            None => vec![Span::plain(u.device_id.clone())],
        };
        let after = match u.outcome.as_str() {
            "upgraded" => vec![Span::bold(u.now.clone().unwrap_or_else(|| u.to.clone()))],
            other => vec![
                Span::toned(other.to_owned(), Tone::Bad),
                Span::toned(
                    format!("runs {}", u.now.clone().unwrap_or_else(|| "?".into())),
                    Tone::Muted,
                ),
            ],
        };
        vec![
            device,
            vec![Span::plain(u.from.clone())],
            after,
            vec![
                Span::plain(u.image.clone()),
                Span::toned(format!("SHA-256 {}", u.image_sha256), Tone::Muted),
            ],
            vec![Span::plain(u.approval.clone())],
            vec![Span::plain(format_timestamp(u.at))],
        ]
    });
    table.draw(c, None, rows);
}
