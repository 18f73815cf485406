//! `handover accounts list|remove|create-vms`: the accounts on one device.

use std::process::ExitCode;

use crate::args::{AccountsCommand, Cli};

pub fn run(cli: &Cli, c: &AccountsCommand) -> anyhow::Result<ExitCode> {
    let session = super::open(cli)?;
    let device = match c {
        AccountsCommand::List { device }
        | AccountsCommand::Remove { device, .. }
        | AccountsCommand::CreateVms { device, .. } => device,
    };
    // A device that does not exist is "not found", whatever the state of the keyring.
    let wanted = *device;
    session.device(wanted)?;
    let rt = super::runtime()?;
    match c {
        AccountsCommand::List { device } => {
            let users = rt.block_on(session.accounts(*device))?;
            // The same flags the app shows, by the engine's rule.
            let accounts = session.account_view(*device, &users)?;
            if cli.json {
                crate::output::json(&accounts)?;
            } else {
                let rows: Vec<Vec<String>> = accounts
                    .iter()
                    .map(|a| {
                        let note = if a.held {
                            "held by Handover"
                        } else if a.extra_admin {
                            "administrator Handover does not hold: remove it or waive the finding"
                        } else if a.factory_name {
                            "a vendor's factory account name"
                        } else {
                            ""
                        };
                        vec![
                            crate::output::inert(&a.username),
                            crate::output::inert(&a.level),
                            note.to_owned(),
                        ]
                    })
                    .collect();
                crate::output::table(&["USER", "LEVEL", "NOTE"], &rows);
            }
        }
        AccountsCommand::Remove { device, user } => {
            rt.block_on(session.remove_account(*device, user))?;
            outln!("Removed {user} from {device}; read back: it is gone.");
        }
        AccountsCommand::CreateVms { device, user } => {
            super::catalogs(&session)?;
            rt.block_on(session.create_service_account(*device, user))?;
            outln!(
                "Created {user} (Operator) on {device}; its password is in the keyring and in `credentials export`."
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
