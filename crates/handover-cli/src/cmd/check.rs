//! `handover check`, `findings` and `waive`: what the checks found, and accepting a finding with a reason.

use std::process::ExitCode;

use handover_engine::model::{DeviceId, FindingId, FindingStatus};
use handover_engine::policy::checks::Settings;

use crate::args::{CheckArgs, Cli};

pub fn run(cli: &Cli, a: &CheckArgs) -> anyhow::Result<ExitCode> {
    let mut session = super::open(cli)?;
    let only = a
        .devices
        .iter()
        .map(|d| {
            d.parse::<DeviceId>()
                .map_err(|_| anyhow::anyhow!("{d:?} is not a device id such as D3"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let catalogs = super::catalogs(&mut session)?;
    let settings = Settings {
        max_clock_skew_secs: a.max_skew,
        today: session.project().now().date(),
    };
    let s = session.run_checks(&only, &catalogs, &settings)?;
    if cli.json {
        crate::output::json(&s)?;
    } else {
        let open: usize = s.open_by_severity.values().sum();
        outln!(
            "Checked {} devices: {} new findings, {} fixed since the last run, {open} open.",
            s.devices,
            s.new,
            s.fixed
        );
        for sev in handover_engine::checks::SEVERITY_ORDER {
            if let Some(n) = s.open_by_severity.get(&sev.to_string()) {
                outln!("  {n:>4} {sev}");
            }
        }
        if open > 0 {
            outln!(
                "See them with `handover findings`; accept one with `handover waive F<n> --reason ...`."
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn findings(cli: &Cli, all: bool) -> anyhow::Result<ExitCode> {
    let session = super::open(cli)?;
    let mut findings = session.project().findings()?;
    if !all {
        findings.retain(|f| f.status == FindingStatus::Open);
    }
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.id.cmp(&b.id)));
    if cli.json {
        crate::output::json(&findings)?;
        return Ok(ExitCode::SUCCESS);
    }
    if findings.is_empty() {
        outln!(
            "{}",
            if all {
                "No findings."
            } else {
                "No open findings."
            }
        );
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = findings
        .iter()
        .map(|f| {
            vec![
                f.id.to_string(),
                f.device.to_string(),
                f.severity.to_string(),
                f.status.to_string(),
                f.check.clone(),
                f.title.clone(),
            ]
        })
        .collect();
    crate::output::table(
        &["ID", "DEVICE", "SEVERITY", "STATUS", "CHECK", "TITLE"],
        &rows,
    );
    Ok(ExitCode::SUCCESS)
}

pub fn waive(cli: &Cli, finding: &str, reason: &str) -> anyhow::Result<ExitCode> {
    let id: FindingId = finding
        .parse()
        .map_err(|_| anyhow::anyhow!("{finding:?} is not a finding id such as F7"))?;
    let mut session = super::open(cli)?;
    let w = session.waive(id, reason)?;
    if cli.json {
        crate::output::json(&w)?;
    } else {
        outln!("Waived {id} by {} at {}: {}", w.by, w.at, w.reason);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn fix(cli: &Cli, list: &[String], all: bool, yes: bool) -> anyhow::Result<ExitCode> {
    use std::io::{BufRead, IsTerminal};
    let mut session = super::open(cli)?;
    let catalogs = super::catalogs(&mut session)?;
    let settings = Settings {
        max_clock_skew_secs: 10,
        today: session.project().now().date(),
    };
    let mut ids: Vec<FindingId> = list
        .iter()
        .map(|f| {
            f.parse()
                .map_err(|_| anyhow::anyhow!("{f:?} is not a finding id such as F7"))
        })
        .collect::<Result<_, _>>()?;
    if all {
        for f in session
            .project()
            .findings()?
            .into_iter()
            .filter(|f| f.status == FindingStatus::Open)
        {
            if session.fix_for(f.id, &catalogs, &settings)?.is_some() {
                ids.push(f.id);
            }
        }
    }
    if all && ids.is_empty() {
        outln!("Nothing to fix: no open finding has a fix Handover can apply on the device.");
        return Ok(ExitCode::SUCCESS);
    }
    anyhow::ensure!(
        !ids.is_empty(),
        "name a finding (e.g. `handover fix F7`) or use --all"
    );
    if !yes {
        anyhow::ensure!(
            std::io::stdin().is_terminal(),
            "not a terminal: confirm with --yes"
        );
    }
    let keyring = super::keyring()?;
    let rt = super::runtime()?;
    let client = rt.block_on(async {
        handover_engine::devices::DeviceClient::new(
            handover_engine::devices::ClientOptions::default(),
        )
    });
    let mut failed = 0;
    for id in ids {
        let Some(action) = session.fix_for(id, &catalogs, &settings)? else {
            outln!("{id}: Handover cannot fix this on the device; fix it by hand or waive it");
            failed += 1;
            continue;
        };
        if !yes {
            out!("{id}: apply {action:?}? [y/N] ");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            if !line.trim().eq_ignore_ascii_case("y") {
                outln!("{id}: skipped");
                continue;
            }
        }
        match rt.block_on(session.fix(id, &client, &keyring, &catalogs, &settings)) {
            Ok(o) if cli.json => crate::output::json(&o)?,
            Ok(o) => outln!("{id}: fixed and read back ({})", o.read_back),
            Err(e) => {
                failed += 1;
                outln!("{id}: not fixed: {e}");
            }
        }
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
