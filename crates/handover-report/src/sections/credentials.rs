//! The credential handover: per device, the accounts Handover holds (user, level, state, changed
//! when and by whom; never a password), the encrypted export given to IT (file name, SHA-256,
//! entry count) and what stays on the integrator's side and how it is removed.

use super::{col, heading, key_values, paragraph};
use crate::layout::page::{Composer, palette};
use crate::layout::table::{Span, Table, Tone};
use crate::layout::text::format_timestamp;
use crate::model::ReportModel;

pub(super) fn credentials(c: &mut Composer, m: &ReportModel) {
    let Some(h) = &m.credentials else {
        return;
    };
    heading(c, "Credential handover");
    match &h.export {
        Some(e) => {
            key_values(
                c,
                &[
                    ("Export for IT", e.file.clone()),
                    (
                        "Format",
                        "KeePass KDBX 4 (Argon2id), password given separately".into(),
                    ),
                    ("Entries", e.entries.to_string()),
                    (
                        "SHA-256",
                        e.sha256.clone().unwrap_or_else(|| "not recorded".into()),
                    ),
                    ("Written", format_timestamp(e.at)),
                ],
                110.0,
                8.5,
            );
            if e.entries as usize != h.accounts.len() {
                paragraph(
                    c,
                    &format!(
                        "The export holds {} entries; Handover holds {} account(s) now: the export is older than the \
                         last change, ask the integrator for a new one.",
                        e.entries,
                        h.accounts.len()
                    ),
                    8.5,
                    palette::WARN,
                );
            }
        }
        None => paragraph(
            c,
            "No credential export was made for IT yet: ask the integrator for the encrypted KeePass file before you \
             sign off.",
            8.5,
            palette::WARN,
        ),
    }
    paragraph(c, &h.integrator_side, 8.5, palette::INK);
    if h.accounts.is_empty() {
        paragraph(c, "Handover holds no account.", 8.5, palette::MUTED);
        return;
    }
    let table = Table {
        columns: vec![
            col("Device", 1.5),
            col("User", 0.8),
            col("Level", 0.9),
            col("State", 0.9),
            col("Changed", 1.1),
            col("By", 1.0),
        ],
        font_size: 7.0,
        max_lines: 3,
    };
    let rows = h.accounts.iter().map(|a| {
        let device = match m.device(&a.device_id) {
            Some(d) => vec![
                Span::plain(d.name.clone()),
                Span::toned(
                    format!("{} \u{00B7} {}", a.device_id, d.address),
                    Tone::Muted,
                ),
            ],
            None => vec![Span::plain(a.device_id.clone())],
        };
        vec![
            device,
            vec![Span::bold(a.user.clone())],
            vec![Span::plain(
                a.level.clone().unwrap_or_else(|| "not read".into()),
            )],
            vec![Span::plain(a.state.clone())],
            vec![Span::plain(
                a.rotated_at
                    .map(format_timestamp)
                    .unwrap_or_else(|| "not changed".into()),
            )],
            vec![Span::plain(a.rotated_by.clone().unwrap_or_default())],
        ]
    });
    table.draw(
        c,
        Some("Accounts Handover holds (passwords only in the export)"),
        rows,
    );
}
