//! Findings (open first, by severity), waivers, and the standards table.

use super::{col, heading, num, paragraph};
use crate::layout::page::{Composer, palette};
use crate::layout::table::{Span, Table, Tone};
use crate::layout::text::{format_date, format_timestamp};
use crate::model::{FindingStatus, ReportModel, Severity};

fn severity_tone(s: Severity) -> Tone {
    match s {
        Severity::Critical | Severity::High => Tone::Bad,
        Severity::Medium => Tone::Warn,
        _ => Tone::Muted,
    }
}

pub(super) fn findings(c: &mut Composer, m: &ReportModel) {
    heading(c, "Findings");
    if m.findings.is_empty() {
        paragraph(c, "No findings.", 9.0, palette::MUTED);
        return;
    }
    let mut list: Vec<_> = m.findings.iter().collect();
    // Open first, then by severity (highest first), then by id.
    list.sort_by(|a, b| {
        let rank = |s: FindingStatus| match s {
            FindingStatus::Open => 0,
            FindingStatus::Waived => 1,
            FindingStatus::Resolved => 2,
        };
        rank(a.status)
            .cmp(&rank(b.status))
            .then(b.severity.cmp(&a.severity))
            .then(a.id.cmp(&b.id))
    });
    let table = Table {
        columns: vec![
            col("ID", 0.55),
            col("Severity", 0.6),
            col("Status", 0.6),
            col("Device", 1.1),
            col("Finding", 3.2),
            col("Clauses", 0.9),
        ],
        font_size: 7.2,
        max_lines: 6,
    };
    let rows = list.into_iter().map(|f| {
        let device = f
            .device_id
            .as_deref()
            .map(|id| match m.device(id) {
                Some(d) => vec![
                    Span::plain(d.name.clone()),
                    Span::toned(d.address.clone(), Tone::Muted),
                ],
                None => vec![Span::plain(id.to_owned())],
            })
            .unwrap_or_else(|| vec![Span::toned("site-wide", Tone::Muted)]);
        let status_tone = match f.status {
            FindingStatus::Open => Tone::Bad,
            FindingStatus::Waived => Tone::Warn,
            FindingStatus::Resolved => Tone::Good,
        };
        vec![
            vec![Span::bold(f.id.clone())],
            vec![Span::toned(f.severity.label(), severity_tone(f.severity))],
            vec![Span {
                text: f.status.label().into(),
                tone: status_tone,
                bold: true,
            }],
            device,
            vec![
                Span::bold(f.title.clone()),
                Span::toned(f.detail.clone(), Tone::Muted),
            ],
            vec![Span::plain(f.clauses.join(", "))],
        ]
    });
    table.draw(c, None, rows);
}

pub(super) fn waivers(c: &mut Composer, m: &ReportModel) {
    heading(c, "Waivers");
    if m.waivers.is_empty() {
        paragraph(
            c,
            "No waivers: every finding was resolved or remains open above.",
            9.0,
            palette::MUTED,
        );
        return;
    }
    let table = Table {
        columns: vec![
            col("Waiver", 0.6),
            col("Finding", 0.6),
            col("Reason", 2.6),
            col("Approved by", 1.1),
            col("Approved", 0.9),
            col("Expires", 0.7),
        ],
        font_size: 7.2,
        max_lines: 6,
    };
    let rows = m.waivers.iter().map(|w| {
        vec![
            vec![Span::bold(w.id.clone())],
            vec![Span::plain(w.finding_id.clone())],
            vec![Span::plain(w.reason.clone())],
            vec![Span::plain(w.approved_by.clone())],
            vec![Span::plain(format_timestamp(w.approved_at))],
            vec![Span::plain(
                w.expires_at
                    .map(format_date)
                    .unwrap_or_else(|| "no expiry".into()),
            )],
        ]
    });
    table.draw(c, None, rows);
}

pub(super) fn standards(c: &mut Composer, m: &ReportModel) {
    heading(c, "Standards");
    paragraph(
        c,
        "Each clause of ETSI EN 303 645 and NIST IR 8259A that the checks map to, with the number of devices passing, \
         failing and failing under a customer waiver.",
        8.5,
        palette::MUTED,
    );
    let table = Table {
        columns: vec![
            col("Standard", 1.0),
            col("Clause", 1.15),
            col("Requirement", 2.25),
            num("Passing", 0.6),
            num("Failing", 0.6),
            num("Waived", 0.6),
        ],
        font_size: 7.6,
        max_lines: 3,
    };
    let rows = m.standards.iter().map(|r| {
        vec![
            vec![Span::plain(r.standard.clone())],
            vec![Span::bold(r.clause.clone())],
            vec![Span::plain(r.title.clone())],
            vec![Span::toned(r.passing.to_string(), Tone::Good)],
            vec![Span::toned(
                r.failing.to_string(),
                if r.failing > 0 {
                    Tone::Bad
                } else {
                    Tone::Muted
                },
            )],
            vec![Span::toned(
                r.waived.to_string(),
                if r.waived > 0 {
                    Tone::Warn
                } else {
                    Tone::Muted
                },
            )],
        ]
    });
    table.draw(c, None, rows);
}
