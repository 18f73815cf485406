//! `handover status`: the project at a glance.

use std::process::ExitCode;

use crate::args::Cli;

pub fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    let s = super::open(cli)?.status()?;
    if cli.json {
        crate::output::json(&s)?;
        return Ok(ExitCode::SUCCESS);
    }
    outln!("Project   {} ({})", s.path, s.meta.project_id);
    let join = |a: &str, b: &str| {
        if b.is_empty() {
            a.to_owned()
        } else {
            format!("{a} — {b}")
        }
    };
    outln!("Site      {}", join(&s.site.name, &s.site.customer));
    if !s.site.address.is_empty() {
        outln!("Address   {}", s.site.address);
    }
    outln!("By        {}", join(&s.site.technician, &s.site.integrator));
    outln!();
    if s.vlans.is_empty() {
        outln!("Plan      none yet: `handover plan import plan.csv`");
    } else {
        let rows: Vec<Vec<String>> = s
            .vlans
            .iter()
            .map(|v| {
                vec![
                    v.vlan.to_string(),
                    v.name.clone(),
                    v.subnet.clone(),
                    v.roles.join(", "),
                    v.devices.to_string(),
                ]
            })
            .collect();
        crate::output::table(&["VLAN", "NAME", "SUBNET", "ROLES", "DEVICES"], &rows);
    }
    outln!();
    outln!(
        "Devices   {} known, {} outside every planned subnet",
        s.devices,
        s.devices_outside_plan
    );
    let counts = |c: &handover_engine::CountBy| {
        if c.is_empty() {
            "none".to_owned()
        } else {
            c.iter()
                .map(|(k, v)| format!("{v} {k}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    outln!("Findings  {}", counts(&s.findings));
    outln!("Accounts  {}", counts(&s.credentials));
    if s.unsettled_rotations > 0 {
        outln!(
            "Attention {} password rotations were interrupted: run `handover credentials recover`",
            s.unsettled_rotations
        );
    }
    if s.unsettled_upgrades > 0 {
        outln!(
            "Attention {} firmware upgrades are not settled: run `handover firmware recover`",
            s.unsettled_upgrades
        );
    }
    let chain = if s.audit_intact {
        "intact"
    } else {
        "BROKEN: run `handover audit verify`"
    };
    outln!(
        "Audit     {} entries, chain {chain}, head {}",
        s.audit_entries,
        &s.audit_head[..16.min(s.audit_head.len())]
    );
    Ok(ExitCode::SUCCESS)
}
