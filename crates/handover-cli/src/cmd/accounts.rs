//! `handover accounts list|remove|create-vms`: the accounts on one device.

use std::process::ExitCode;

use handover_engine::devices::{ClientOptions, DeviceClient};

use crate::args::{AccountsCommand, Cli};

pub fn run(cli: &Cli, c: &AccountsCommand) -> anyhow::Result<ExitCode> {
    let mut session = super::open(cli)?;
    let device = match c {
        AccountsCommand::List { device }
        | AccountsCommand::Remove { device, .. }
        | AccountsCommand::CreateVms { device, .. } => device,
    };
    // A device that does not exist is "not found", whatever the state of the keyring.
    let wanted = *device;
    session.device(wanted)?;
    let keyring = super::keyring()?;
    let rt = super::runtime()?;
    let client = rt.block_on(async { DeviceClient::new(ClientOptions::default()) });
    match c {
        AccountsCommand::List { device } => {
            let users = rt.block_on(session.accounts(&client, &keyring, *device))?;
            if cli.json {
                crate::output::json(&users)?;
            } else {
                let rows: Vec<Vec<String>> = users
                    .iter()
                    .map(|u| vec![u.username.clone(), u.level.clone()])
                    .collect();
                crate::output::table(&["USER", "LEVEL"], &rows);
            }
        }
        AccountsCommand::Remove { device, user } => {
            rt.block_on(session.remove_account(&client, &keyring, *device, user))?;
            outln!("Removed {user} from {device}; read back: it is gone.");
        }
        AccountsCommand::CreateVms { device, user } => {
            let catalogs = super::catalogs(&mut session)?;
            rt.block_on(
                session.create_service_account(&client, &keyring, &catalogs, *device, user),
            )?;
            outln!(
                "Created {user} (Operator) on {device}; its password is in the keyring and in `credentials export`."
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
