//! `handover switch add|query|list`: layer-2 truth from managed switches over SNMP.

use std::process::ExitCode;

use handover_engine::switch::SwitchCredentials;

use crate::args::{Cli, SwitchCommand};

pub fn run(cli: &Cli, c: &SwitchCommand) -> anyhow::Result<ExitCode> {
    let session = super::open(cli)?;
    match c {
        SwitchCommand::List => {
            let list = session.switches()?;
            if cli.json {
                crate::output::json(&list)?;
            } else {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|s| {
                        vec![
                            s.name.clone(),
                            s.address.clone(),
                            s.version.clone(),
                            s.v3_user.clone().unwrap_or_default(),
                        ]
                    })
                    .collect();
                crate::output::table(&["NAME", "ADDRESS", "SNMP", "V3 USER"], &rows);
            }
        }
        SwitchCommand::Add {
            name,
            address,
            v3_user,
        } => {
            session.keyring_ready()?;
            let creds = match v3_user {
                None => SwitchCredentials::V2c(super::read_secret("SNMP community: ")?),
                Some(user) => SwitchCredentials::V3 {
                    user: user.clone(),
                    auth: super::read_secret("SNMPv3 authentication password: ")?,
                    privacy: super::read_secret("SNMPv3 privacy password: ")?,
                },
            };
            session.add_switch(name, address, &creds)?;
            outln!(
                "Added switch {name} ({address}); its credentials are in the keyring. Ask it with `handover switch query`."
            );
        }
        SwitchCommand::Query => {
            session.keyring_ready()?;
            let rt = super::runtime()?;
            let s = rt.block_on(session.query_switches())?;
            if cli.json {
                crate::output::json(&s)?;
            } else {
                outln!(
                    "{} switches answered; {} devices located, {} not seen on any switch.",
                    s.answered,
                    s.located,
                    s.not_seen
                );
                for (name, why) in &s.failed {
                    outln!("  {name}: {why}");
                }
                outln!("Run `handover check` to compare with the plan.");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
