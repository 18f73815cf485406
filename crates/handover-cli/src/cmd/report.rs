//! `handover report`, `sign-identity` and `verify`: the signed handover, the identity that signs it, and IT's
//! offline check.

use std::process::ExitCode;

use handover_engine::Env;
use handover_engine::report::read_report;
use handover_engine::report_types::{ChainStatus, PageSize, Tone, Verdict};
use handover_engine::signing::Signing;

use crate::args::{Cli, Paper, ReportArgs, SignIdentityCommand, VerifyArgs};

pub fn run(cli: &Cli, a: &ReportArgs) -> anyhow::Result<ExitCode> {
    let session = super::open(cli)?;
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| cli.project.with_file_name("handover-report.pdf"));
    let paper = match a.paper {
        Paper::A4 => PageSize::A4,
        Paper::Letter => PageSize::Letter,
    };
    super::catalogs(&session)?;
    let o = session.write_report(&out, paper)?;
    if cli.json {
        crate::output::json(&o)?;
    } else {
        outln!(
            "Signed report: {} ({} devices, signed by {})",
            o.pdf.display(),
            o.devices,
            o.signer
        );
        outln!(
            "Inventory:     {} and {}",
            o.json.display(),
            o.csv.display()
        );
        outln!("Findings:      {}", o.findings_csv.display());
        outln!("For NetBox:    {}", o.netbox_csv.display());
        outln!("SHA-256:       {}", o.sha256);
        match &o.ca {
            Some(ca) => outln!(
                "IT can check it offline with `handover verify {} --trust {}`.",
                o.pdf.display(),
                ca.display()
            ),
            None => outln!(
                "IT can check it offline with `handover verify {} --trust <your CA certificate>`.",
                o.pdf.display()
            ),
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn identity(cli: &Cli, c: &SignIdentityCommand) -> anyhow::Result<ExitCode> {
    let signing = Signing::open(&Env::os())?;
    let shown = match c {
        SignIdentityCommand::Create { name, org, replace } => {
            let shown = signing.create(name, org, *replace)?;
            if !cli.json
                && let Some(ca) = &shown.ca_path
            {
                outln!(
                    "Created a signing identity; give IT the CA certificate: {}",
                    ca.display()
                );
            }
            shown
        }
        SignIdentityCommand::Import { file } => {
            let password = super::read_secret("PKCS#12 password: ")?;
            signing.import_pkcs12(file, &password)?
        }
        SignIdentityCommand::Show => signing
            .show()?
            .ok_or(handover_engine::Error::NoSigningIdentity)?,
    };
    if cli.json {
        crate::output::json(&shown)?;
    } else {
        let c = &shown.certificate;
        outln!("Subject   {}", crate::output::inert(&c.subject));
        outln!("Issuer    {}", crate::output::inert(&c.issuer));
        outln!("Valid     {} to {}", c.not_before, c.not_after);
        if let Some(ca) = &shown.ca_path {
            outln!("CA file   {} (give it to IT)", ca.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn verify(cli: &Cli, a: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let reading = read_report(&a.report, &a.trust, time::OffsetDateTime::now_utc())?;
    let verdict = reading.verdict();
    let v = &reading.verification;
    if cli.json {
        crate::output::json(&reading)?;
    } else {
        outln_styled!(
            "{}: {}",
            crate::output::inert(&a.report.display().to_string()),
            paint(verdict)
        );
        match verdict {
            Verdict::Trusted => {}
            Verdict::IntactUntrusted => {
                for r in &v.untrusted_because {
                    outln!("Why       {r}");
                }
            }
            Verdict::Changed | Verdict::NotSigned => {
                if let Some(r) = v.reason() {
                    outln!("Why       {r}");
                }
            }
        }
        if let Some(s) = &v.signer {
            outln!("Signer    {} (issued by {})", s.subject, s.issuer);
            outln!("Valid     {} to {}", s.not_before, s.not_after);
        }
        if let Some(t) = &v.signing_time {
            outln!("Signed    {}", pdf_date(t));
        }
        if let Some(i) = &v.inventory {
            outln!(
                "Contents  {} by {} — {} on {}, {}, {}",
                i.site,
                if i.integrator.is_empty() {
                    "(no integrator named)"
                } else {
                    &i.integrator
                },
                count(i.devices as u64, "device", "devices"),
                count(i.vlans as u64, "VLAN", "VLANs"),
                count(i.open_findings as u64, "open finding", "open findings"),
                count(i.waivers as u64, "waiver", "waivers"),
            );
        }
        let shown = v.reason();
        for p in v.problems.iter().filter(|p| Some(*p) != shown.as_ref()) {
            outln!("Problem   {p}");
        }
        if v.chain == ChainStatus::NoTrustAnchors {
            outln!("To confirm who signed, pass the integrator's CA certificate: --trust CA.pem");
        }
    }
    if let Some(out) = &a.export_csv {
        use crate::args::ExportKind;
        use handover_engine::report::{CsvKind, export_report_csv};
        let kind = match a.csv_kind {
            ExportKind::Devices => CsvKind::Devices,
            ExportKind::Netbox => CsvKind::Netbox,
            ExportKind::Findings => CsvKind::Findings,
        };
        let rows = export_report_csv(&a.report, kind, None, out)?;
        // On stderr, so `--json` output stays one document.
        errln!(
            "Exported {} to {}",
            count(rows as u64, "row", "rows"),
            out.display()
        );
    }
    Ok(ExitCode::from(verdict.exit_code()))
}

/// `n` with the right form of its noun.
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A PDF date (`D:YYYYMMDDHHmmSS` with `Z` or `+HH'mm'`) as `YYYY-MM-DD HH:MM:SS UTC` (or `±HH:MM`); the
/// text as it is when it does not parse.
fn pdf_date(raw: &str) -> String {
    let d = raw.strip_prefix("D:").unwrap_or(raw);
    let digits = |a: usize, b: usize| {
        d.get(a..b)
            .filter(|t| t.bytes().all(|c| c.is_ascii_digit()))
    };
    let (Some(y), Some(mo), Some(day), Some(h), Some(mi), Some(sec)) = (
        digits(0, 4),
        digits(4, 6),
        digits(6, 8),
        digits(8, 10),
        digits(10, 12),
        digits(12, 14),
    ) else {
        return raw.to_owned();
    };
    let zone = match d.get(14..) {
        None | Some("" | "Z") => "UTC".to_owned(),
        Some(z) => {
            let z = z.replace('\'', "");
            match (z.get(0..1), z.get(1..3), z.get(3..5)) {
                (Some(sign @ ("+" | "-")), Some(hh), mm) => {
                    format!(
                        "{sign}{hh}:{}",
                        mm.filter(|m| !m.is_empty()).unwrap_or("00")
                    )
                }
                _ => return raw.to_owned(),
            }
        }
    };
    format!("{y}-{mo}-{day} {h}:{mi}:{sec} {zone}")
}

/// The verdict's headline, coloured green, amber or red on a terminal (not when piped, nor
/// with `NO_COLOR` set).
fn paint(verdict: Verdict) -> String {
    use std::io::IsTerminal;
    let plain = verdict.to_string();
    if !std::io::stdout().is_terminal() || std::env::var_os("NO_COLOR").is_some() {
        return plain;
    }
    let colour = match verdict.tone() {
        Tone::Green => "32",
        Tone::Amber => "33",
        Tone::Red => "31",
    };
    format!("\x1b[1;{colour}m{plain}\x1b[0m")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates_read_as_people_write_them() {
        assert_eq!(pdf_date("D:20261206201522Z"), "2026-12-06 20:15:22 UTC");
        assert_eq!(
            pdf_date("D:20261206201522+01'00'"),
            "2026-12-06 20:15:22 +01:00"
        );
        assert_eq!(
            pdf_date("D:20261206201522-05'30"),
            "2026-12-06 20:15:22 -05:30"
        );
        assert_eq!(
            pdf_date("D:2026"),
            "D:2026",
            "unparsable text is shown as it is"
        );
        assert_eq!(pdf_date("D:20261206201522*x"), "D:20261206201522*x");
    }

    #[test]
    fn counts_take_the_right_noun() {
        assert_eq!(count(1, "waiver", "waivers"), "1 waiver");
        assert_eq!(count(0, "waiver", "waivers"), "0 waivers");
        assert_eq!(count(12, "device", "devices"), "12 devices");
    }
}
