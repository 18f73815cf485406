//! Open findings (most severe first, with owner and due date), findings fixed on site grouped by
//! what was done, waivers, and the standards table.

use super::{col, heading, num, paragraph};
use crate::layout::page::{Composer, palette};
use crate::layout::table::{Span, Table, Tone};
use crate::layout::text::{format_date, format_timestamp};
use crate::model::{Finding, FindingStatus, ReportModel, Severity};

fn severity_tone(s: Severity) -> Tone {
    match s {
        Severity::Critical | Severity::High => Tone::Bad,
        Severity::Medium => Tone::Warn,
        _ => Tone::Muted,
    }
}

fn device_cell(m: &ReportModel, f: &Finding) -> Vec<Span> {
    f.device_id
        .as_deref()
        .map(|id| match m.device(id) {
            Some(d) => vec![
                Span::plain(d.name.clone()),
                Span::toned(d.address.clone(), Tone::Muted),
            ],
            None => vec![Span::plain(id.to_owned())],
        })
        .unwrap_or_else(|| vec![Span::toned("site-wide", Tone::Muted)])
}

/// Open findings, most severe first, each with who acts and by when.
pub(super) fn findings(c: &mut Composer, m: &ReportModel) {
    heading(c, "Open findings");
    let mut list: Vec<&Finding> = m
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::Open)
        .collect();
    if list.is_empty() {
        let none = if m.findings.is_empty() {
            "No findings."
        } else {
            "No open findings: everything found was fixed on site or is covered by a waiver below."
        };
        paragraph(c, none, 9.0, palette::MUTED);
        return;
    }
    list.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.due.cmp(&b.due))
            .then(a.id.cmp(&b.id))
    });
    paragraph(
        c,
        "Owner: who acts \u{2014} the integrator (their work on the device is not finished) or customer IT (your \
         network or your decision). Due dates follow severity: a week for critical, two for high, a month for medium, \
         a quarter for low.",
        8.0,
        palette::MUTED,
    );
    let table = Table {
        columns: vec![
            col("ID", 0.55),
            col("Severity", 0.65),
            col("Device", 1.0),
            col("Finding and what has to happen", 3.25),
            col("Owner / due", 0.8),
            col("Clauses", 0.8),
        ],
        font_size: 7.2,
        max_lines: 11,
    };
    let rows = list.into_iter().map(|f| {
        let mut what = vec![Span::bold(f.title.clone())];
        if !f.detail.is_empty() {
            what.push(Span::toned(f.detail.clone(), Tone::Muted));
        }
        if !f.action.is_empty() {
            what.push(Span::plain(f.action.clone()));
        }
        let owner = match f.owner {
            Some(o) => Span::bold(o.label()),
            None => Span::toned("not assigned", Tone::Warn),
        };
        let due = Span::toned(
            f.due.clone().unwrap_or_else(|| "no date".into()),
            if f.due.is_some() {
                Tone::Normal
            } else {
                Tone::Warn
            },
        );
        vec![
            vec![Span::bold(f.id.clone())],
            vec![Span::toned(f.severity.label(), severity_tone(f.severity))],
            device_cell(m, f),
            what,
            vec![owner, due],
            vec![Span::plain(f.clauses.join(", "))],
        ]
    });
    table.draw(c, None, rows);
}

/// Findings fixed on site, grouped by what was done: "WS-Discovery switched off · 20 devices ·
/// read back 05:40 UTC".
pub(super) fn fixed(c: &mut Composer, m: &ReportModel) {
    let fixed: Vec<&Finding> = m
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::Resolved)
        .collect();
    if fixed.is_empty() {
        return;
    }
    heading(c, "Fixed during handover");
    // Group by the action (a finding without one is grouped by its title), in order of first appearance.
    let mut groups: Vec<(String, Vec<&Finding>)> = Vec::new();
    for f in fixed {
        let key = f
            .resolution
            .as_ref()
            .map_or_else(|| f.title.clone(), |r| r.action.clone());
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(f),
            None => groups.push((key, vec![f])),
        }
    }
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    let table = Table {
        columns: vec![
            col("What was done", 1.5),
            num("Devices", 0.5),
            col("Which", 3.3),
            col("Read back", 0.95),
        ],
        font_size: 7.2,
        max_lines: 9,
    };
    let rows = groups.into_iter().map(|(action, list)| {
        let mut names: Vec<String> = list
            .iter()
            .map(|f| {
                f.device_id
                    .as_deref()
                    .and_then(|id| m.device(id))
                    .map_or_else(|| f.id.clone(), |d| d.name.clone())
            })
            .collect();
        names.sort();
        names.dedup();
        let times: Vec<time::OffsetDateTime> = list
            .iter()
            .filter_map(|f| f.resolution.as_ref().map(|r| r.read_back_at))
            .collect();
        let read_back = match (times.iter().min(), times.iter().max()) {
            (Some(a), Some(b)) if format_timestamp(*a) == format_timestamp(*b) => {
                format!("at {}", format_timestamp(*a))
            }
            (Some(a), Some(b)) => {
                format!("{} \u{2013} {}", format_timestamp(*a), format_timestamp(*b))
            }
            _ => "not recorded".into(),
        };
        let ids: Vec<&str> = list.iter().map(|f| f.id.as_str()).collect();
        vec![
            vec![Span::bold(action)],
            vec![Span::plain(names.len().to_string())],
            vec![
                Span::plain(names.join(", ")),
                Span::toned(format!("findings {}", ids.join(" ")), Tone::Muted),
            ],
            vec![Span::toned(read_back, Tone::Good)],
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
            col("Waiver", 0.5),
            col("Finding", 1.4),
            col("Reason", 1.9),
            col("Customer approver", 1.1),
            col("Recorded", 0.9),
            col("Expires", 0.7),
        ],
        font_size: 7.2,
        max_lines: 6,
    };
    let rows = m.waivers.iter().map(|w| {
        vec![
            vec![Span::bold(w.id.clone())],
            {
                let mut cell = vec![Span::bold(w.finding_id.clone())];
                if let Some(f) = m.findings.iter().find(|f| f.id == w.finding_id) {
                    cell.push(Span::toned(f.title.clone(), Tone::Muted));
                }
                cell
            },
            vec![Span::plain(w.reason.clone())],
            if w.approved_by.trim().is_empty() {
                vec![Span {
                    text: "not approved by the customer".into(),
                    tone: Tone::Bad,
                    bold: true,
                }]
            } else {
                vec![Span::bold(w.approved_by.clone())]
            },
            {
                let mut cell = vec![Span::plain(format_timestamp(w.approved_at))];
                if !w.recorded_by.is_empty() {
                    cell.push(Span::toned(format!("by {}", w.recorded_by), Tone::Muted));
                }
                cell
            },
            match w.expires_at {
                Some(e) if e <= m.generated_at => vec![Span {
                    text: format!("{} (expired)", format_date(e)),
                    tone: Tone::Bad,
                    bold: true,
                }],
                Some(e) => vec![Span::plain(format_date(e))],
                None => vec![Span::toned("no expiry", Tone::Warn)],
            },
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
