//! `handover check`, `findings` and `waive`: what the checks found, and accepting a finding with a reason.

use std::process::ExitCode;

use handover_engine::model::{DeviceId, FindingId, FindingStatus};

use crate::args::{CheckArgs, Cli};

pub fn run(cli: &Cli, a: &CheckArgs) -> anyhow::Result<ExitCode> {
    let session = super::open(cli)?;
    let only = &a.devices;
    super::catalogs(&session)?;
    let settings = session.check_settings(Some(a.max_skew));
    let s = session.run_checks(only, &settings)?;
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

pub fn findings(
    cli: &Cli,
    all: bool,
    devices: &[DeviceId],
    severity: Option<crate::args::MinSeverity>,
    states: &[crate::args::FindingState],
) -> anyhow::Result<ExitCode> {
    let session = super::open(cli)?;
    let devices = devices
        .iter()
        .map(|d| {
            let id = *d;
            session.device(id)?;
            Ok(id)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut findings = session.findings()?;
    if !states.is_empty() {
        findings.retain(|f| states.iter().any(|s| s.status() == f.status));
    } else if !all {
        findings.retain(|f| f.status == FindingStatus::Open);
    }
    if !devices.is_empty() {
        findings.retain(|f| devices.contains(&f.device));
    }
    if let Some(floor) = severity {
        findings.retain(|f| f.severity >= floor.severity());
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
    let names: std::collections::HashMap<DeviceId, String> = session
        .devices()?
        .iter()
        .map(|d| (d.id, super::devices::cell(d)))
        .collect();
    let rows: Vec<Vec<String>> = findings
        .iter()
        .map(|f| {
            vec![
                f.id.to_string(),
                names
                    .get(&f.device)
                    .cloned()
                    .unwrap_or_else(|| f.device.to_string()),
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

pub fn waive(
    cli: &Cli,
    findings: &[FindingId],
    terms: handover_engine::WaiverTerms,
) -> anyhow::Result<ExitCode> {
    let session = super::open(cli)?;
    let waived = session.waive(findings, &terms)?;
    if cli.json {
        crate::output::json(&waived)?;
    } else {
        for w in &waived {
            outln!("Waived {} by {} at {}: {}", w.finding, w.by, w.at, w.reason);
        }
        match (&terms.approver, &terms.expires) {
            (Some(a), Some(e)) => outln!("Approved by {a}, until {e}"),
            (Some(a), None) => outln!("Approved by {a}, no expiry"),
            (None, _) => outln!(
                "No approver on the customer's side yet: the report shows {} as not approved \
                 (add --approver \"Name (role)\" --expires YYYY-MM-DD)",
                if waived.len() == 1 {
                    "this waiver"
                } else {
                    "these waivers"
                }
            ),
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn fix(cli: &Cli, list: &[FindingId], all: bool, yes: bool) -> anyhow::Result<ExitCode> {
    use std::io::{BufRead, IsTerminal};
    let session = super::open(cli)?;
    super::catalogs(&session)?;
    let settings = session.check_settings(None);
    let mut failed = 0;
    let mut planned = Vec::with_capacity(list.len());
    if all {
        for (id, _, action) in session.open_fixes(&settings)? {
            planned.push((id, action));
        }
    }
    if planned.is_empty() && list.is_empty() {
        anyhow::ensure!(all, "name a finding (e.g. `handover fix F7`) or use --all");
        outln!("Nothing to fix: no open finding has a fix Handover can apply on the device.");
        return Ok(ExitCode::SUCCESS);
    }
    for &id in list {
        if planned.iter().any(|(p, _)| *p == id) {
            continue;
        }
        match session.fix_for(id, &settings)? {
            Some(action) => planned.push((id, action)),
            None => {
                outln!("{id}: Handover cannot fix this on the device; fix it by hand or waive it");
                failed += 1;
            }
        }
    }
    if !yes && !planned.is_empty() {
        anyhow::ensure!(
            std::io::stdin().is_terminal(),
            "not a terminal: confirm with --yes"
        );
        outln!("These changes will be made on the devices, each read back:");
        for (id, action) in &planned {
            let f = session.finding(*id)?;
            let on = session
                .device(f.device)
                .map_or_else(|_| f.device.to_string(), |d| super::devices::cell(&d));
            outln!("  {id} on {on}: {}", action.describe());
        }
        out!("Apply {} change(s)? [y/N] ", planned.len());
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        if !line.trim().eq_ignore_ascii_case("y") {
            outln!("Nothing changed.");
            return Ok(ExitCode::SUCCESS);
        }
    }
    let ids: Vec<FindingId> = planned.iter().map(|(id, _)| *id).collect();
    let rt = super::runtime()?;
    let results = rt.block_on(session.fix_many(&ids, &settings, super::DEVICES_AT_ONCE))?;
    for (id, r) in results {
        match r {
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
