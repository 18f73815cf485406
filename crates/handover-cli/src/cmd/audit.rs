//! `handover audit verify|log`: the hash-chained audit log.

use std::process::ExitCode;

use crate::args::{AuditCommand, Cli};

/// The longest detail shown in the text table when the output is not a terminal (`--full` and the JSON output
/// carry it whole).
const DETAIL_CHARS: usize = 120;

/// The narrowest detail column worth showing, however narrow the terminal.
const MIN_DETAIL_CHARS: usize = 24;

/// How many characters of detail fit: what the terminal's width leaves after the other columns (each followed
/// by two spaces), or [`DETAIL_CHARS`] when the output is not a terminal.
fn detail_width(rows: &[Vec<String>], header: &[&str]) -> usize {
    let Some((_, cols)) = console::Term::stdout().size_checked() else {
        return DETAIL_CHARS;
    };
    let used: usize = (0..header.len() - 1)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].chars().count()])
                .max()
                .unwrap_or(0)
                + 2
        })
        .sum();
    usize::from(cols).saturating_sub(used).max(MIN_DETAIL_CHARS)
}

/// `text` cut to `max` characters, with "…" where it was cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

pub fn run(cli: &Cli, c: &AuditCommand) -> anyhow::Result<ExitCode> {
    let session = super::open(cli)?;
    match c {
        AuditCommand::Verify => {
            let v = session.verify_audit()?;
            if cli.json {
                crate::output::json(&v)?;
            } else if let Some(p) = &v.problem {
                outln!("Audit log BROKEN: {p}.");
                outln!(
                    "{} entries before it verified. The project file was edited outside Handover.",
                    v.entries
                );
            } else {
                outln!(
                    "Audit log intact: {} entries, head {}.",
                    v.entries,
                    v.head_hash
                );
            }
            Ok(if v.is_intact() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(crate::exit::VERIFY_FAILED)
            })
        }
        AuditCommand::Log {
            after,
            limit,
            oldest,
            full,
        } => {
            let entries = match after {
                Some(a) => session.audit_entries(*a, *limit)?,
                None if *oldest => session.audit_entries(0, *limit)?,
                None => session.audit_recent(None, *limit)?,
            };
            if cli.json {
                crate::output::json(&entries)?;
            } else {
                const HEADER: [&str; 6] = ["#", "AT", "WHO", "ACTION", "SUBJECT", "DETAIL"];
                let mut rows: Vec<Vec<String>> = entries
                    .iter()
                    .map(|e| {
                        vec![
                            e.seq.to_string(),
                            crate::output::time(e.at),
                            e.actor.clone(),
                            e.action.clone(),
                            e.subject.clone(),
                            e.detail.to_string(),
                        ]
                    })
                    .collect();
                if !full {
                    let width = detail_width(&rows, &HEADER);
                    for r in &mut rows {
                        r[5] = shorten(&r[5], width);
                    }
                }
                crate::output::table(&HEADER, &rows);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
