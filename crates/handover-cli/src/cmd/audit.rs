//! `handover audit verify|log`: the hash-chained audit log.

use std::process::ExitCode;

use crate::args::{AuditCommand, Cli};

/// The longest detail shown in the text table (the JSON output carries it whole).
const DETAIL_CHARS: usize = 120;

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
        AuditCommand::Log { after, limit } => {
            let after = match after {
                Some(a) => *a,
                None => {
                    let (head, _) = handover_engine::store::audit::head(session.project().conn())
                        .map_err(handover_engine::Error::from)?;
                    (head - limit).max(0)
                }
            };
            let entries = session.project().audit_entries(after, *limit)?;
            if cli.json {
                crate::output::json(&entries)?;
            } else {
                let rows: Vec<Vec<String>> = entries
                    .iter()
                    .map(|e| {
                        vec![
                            e.seq.to_string(),
                            crate::output::time(e.at),
                            e.actor.clone(),
                            e.action.clone(),
                            e.subject.clone(),
                            shorten(&e.detail.to_string(), DETAIL_CHARS),
                        ]
                    })
                    .collect();
                crate::output::table(&["#", "AT", "WHO", "ACTION", "SUBJECT", "DETAIL"], &rows);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
