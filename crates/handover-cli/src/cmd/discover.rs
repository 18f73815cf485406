//! `handover discover`, `handover add` and `handover identify`: find and identify devices.

use std::process::ExitCode;

use handover_engine::devices::ProbeOptions;
use handover_engine::discover::DiscoverOptions;
use handover_engine::model::DeviceId;

use crate::args::{Cli, DiscoverArgs};

pub fn run(cli: &Cli, a: &DiscoverArgs) -> anyhow::Result<ExitCode> {
    let session = super::open(cli)?;
    let rt = super::runtime()?;
    let cancel = super::ctrl_c_cancels(&rt);
    let progress = crate::progress::terminal(cli.json);
    let opts = DiscoverOptions {
        sweep_plan: !a.no_plan_sweep,
        ranges: a.sweep.clone(),
        interfaces: a.interfaces.clone(),
        multicast: !a.no_multicast,
        probe: ProbeOptions {
            port: a.wsd_port,
            ..ProbeOptions::default()
        },
        ..DiscoverOptions::default()
    };
    let s = rt.block_on(session.discover(&opts, &cancel, &progress))?;
    if cli.json {
        crate::output::json(&s)?;
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "Found {} devices ({} new, {} at a new address); identified {}.",
        s.found,
        s.new,
        s.moved,
        s.identified
    );
    if !s.subnets.is_empty() {
        let rows: Vec<Vec<String>> = s
            .subnets
            .iter()
            .map(|l| vec![l.subnet.clone(), l.outcome.clone(), l.detail.clone()])
            .collect();
        crate::output::table(&["SUBNET", "OUTCOME", "WHAT WAS TRIED"], &rows);
    }
    for (d, why) in &s.unidentified {
        outln!(
            "  {d} not identified yet: {}",
            crate::output::inert(&why.to_string())
        );
    }
    if !s.unidentified.is_empty() {
        outln!(
            "Devices that guard even their clock are identified once their password is known: `handover credentials find-defaults`."
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn add(cli: &Cli, address: &str) -> anyhow::Result<ExitCode> {
    let session = super::open(cli)?;
    let rt = super::runtime()?;
    let progress = crate::progress::terminal(cli.json);
    let id = rt.block_on(session.add_manual(address, &progress))?;
    let d = session.device(id)?;
    if cli.json {
        crate::output::json(&d)?;
    } else {
        outln!(
            "Added {id} at {}: {} {}",
            d.address,
            crate::output::inert(&d.facts.manufacturer.unwrap_or_default()),
            crate::output::inert(&d.facts.model.unwrap_or_default())
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn identify(cli: &Cli, devices: &[DeviceId]) -> anyhow::Result<ExitCode> {
    let session = super::open(cli)?;
    let ids: Vec<DeviceId> = if devices.is_empty() {
        session.devices()?.iter().map(|d| d.id).collect()
    } else {
        devices.to_vec()
    };
    let rt = super::runtime()?;
    let cancel = super::ctrl_c_cancels(&rt);
    let progress = crate::progress::terminal(cli.json);
    let s =
        rt.block_on(session.identify(&ids, handover_engine::DEVICES_AT_ONCE, &cancel, &progress))?;
    if cli.json {
        let failed: Vec<_> = s
            .failed
            .iter()
            .map(|(d, why)| serde_json::json!({ "device": d, "why": why }))
            .collect();
        crate::output::json(&serde_json::json!({ "identified": s.identified, "failed": failed }))?;
    } else {
        outln!("{} identified.", s.identified);
        for (d, why) in &s.failed {
            outln!("  {d} not identified: {}", crate::output::inert(why));
        }
    }
    Ok(ExitCode::SUCCESS)
}
