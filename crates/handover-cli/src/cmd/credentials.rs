//! `handover credentials ...`: custody of every device's password.

use std::process::ExitCode;

use handover_engine::credentials::{Custody, DeviceOutcome};
use handover_engine::model::DeviceId;
use handover_engine::vault::{KdfParams, PasswordPolicy};

use crate::args::{Cli, CredentialsCommand};

/// Each device named as `D3 Front door` in tables (the id alone when the project cannot say).
fn named(session: &handover_engine::Session) -> std::collections::HashMap<DeviceId, String> {
    session
        .devices()
        .unwrap_or_default()
        .iter()
        .map(|d| (d.id, super::devices::cell(d)))
        .collect()
}

fn outcomes(session: &handover_engine::Session, list: &[DeviceOutcome]) {
    let names = named(session);
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|o| {
            vec![
                names
                    .get(&o.device)
                    .cloned()
                    .unwrap_or_else(|| o.device.to_string()),
                o.outcome.clone(),
                o.detail.clone(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        crate::output::table(&["DEVICE", "OUTCOME", "DETAIL"], &rows);
    }
}

pub fn run(cli: &Cli, c: &CredentialsCommand) -> anyhow::Result<ExitCode> {
    let session = super::open(cli)?;
    if let CredentialsCommand::List = c {
        let list = session.credentials()?;
        if cli.json {
            crate::output::json(&list)?;
        } else {
            let names = named(&session);
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|c| {
                    vec![
                        names
                            .get(&c.device)
                            .cloned()
                            .unwrap_or_else(|| c.device.to_string()),
                        c.username.clone(),
                        c.state.to_string(),
                        c.rotated_at.map(crate::output::time).unwrap_or_default(),
                        c.rotated_by.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            crate::output::table(&["DEVICE", "USER", "STATE", "ROTATED", "BY"], &rows);
        }
        return Ok(ExitCode::SUCCESS);
    }
    // Said before any device is asked: custody needs the keyring.
    session.keyring_ready()?;
    let rt = super::runtime()?;
    let cancel = super::ctrl_c_cancels(&rt);
    let progress = crate::progress::terminal(cli.json);
    super::catalogs(&session)?;
    let cx = Custody {
        concurrency: super::DEVICES_AT_ONCE,
        plain_http: matches!(
            c,
            CredentialsCommand::Rotate {
                allow_plain_http: true,
                ..
            }
        ),
        cancel: &cancel,
        progress: &progress,
    };
    match c {
        CredentialsCommand::FindDefaults { devices } => {
            let s = rt.block_on(session.find_defaults(&cx, devices))?;
            if cli.json {
                crate::output::json(&s)?;
            } else {
                outcomes(&session, &s.devices);
                outln!(
                    "Defaults found on {} devices ({} already held, {} refused the password held, {} unknown, {} need activation); {} failed attempts, each below the device's lockout threshold.",
                    s.defaults_found,
                    s.already_held,
                    s.held_refused,
                    s.unknown,
                    s.factory_new,
                    s.failed_attempts
                );
                if s.defaults_found > 0 {
                    outln!("Next: `handover credentials rotate`.");
                }
            }
        }
        CredentialsCommand::Rotate { devices, .. } => {
            let s = rt.block_on(session.rotate(&cx, &PasswordPolicy::default(), devices))?;
            // Devices that cannot change passwords over ONVIF end the run with their own status, so a script
            // sees that custody is not complete.
            let status = if s.cannot_rotate > 0 {
                ExitCode::from(crate::exit::CANNOT_ROTATE)
            } else {
                ExitCode::SUCCESS
            };
            if cli.json {
                crate::output::json(&s)?;
                return Ok(status);
            } else {
                outcomes(&session, &s.devices);
                outln!(
                    "Rotated {}; rolled back {}; cannot rotate over ONVIF {}; unsettled {}; skipped {}; nothing sent {}; failed {}.",
                    s.rotated,
                    s.rolled_back,
                    s.cannot_rotate,
                    s.unsettled,
                    s.skipped,
                    s.refused,
                    s.failed
                );
                if s.cannot_rotate > 0 {
                    outln!(
                        "{} accounts cannot be changed over ONVIF ({} still on a factory default): change each with the vendor's tool or the device's web page, then `handover credentials set --device <id> --user <user>`.",
                        s.cannot_rotate,
                        s.cannot_rotate_default
                    );
                }
                if s.refused > 0 {
                    outln!(
                        "Nothing was sent to some devices (identity, certificate or plain HTTP): each line above says why and what to do."
                    );
                }
                if s.unsettled > 0 {
                    outln!(
                        "Some devices did not answer: run `handover credentials recover` when they are back."
                    );
                }
            }
            return Ok(status);
        }
        CredentialsCommand::Recover => {
            let s = rt.block_on(session.recover(&cx))?;
            if cli.json {
                crate::output::json(&s)?;
            } else {
                outcomes(&session, &s.devices);
                outln!(
                    "Settled {} on the new password and {} on the old; {} still unsettled; {} journal entries closed.",
                    s.on_new,
                    s.on_old,
                    s.still_unsettled,
                    s.journal_closed
                );
            }
        }
        CredentialsCommand::Set { device, user } => {
            let id: DeviceId = *device;
            let pw = super::read_secret(&format!("Password of {user} on {id}: "))?;
            rt.block_on(session.set_credential(id, user, pw))?;
            outln!(
                "The device takes it; kept in the keyring. It will be rotated by `handover credentials rotate`."
            );
        }
        CredentialsCommand::Export { kdbx } => {
            let pw = super::read_secret("Password for the KeePass file (12 characters or more): ")?;
            if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                let again = super::read_secret("Again: ")?;
                anyhow::ensure!(again == pw, "the two passwords differ; nothing was written");
            }
            let n = session.export_kdbx(kdbx, &pw, &KdfParams::default())?;
            outln!(
                "Wrote {n} accounts to {} (KDBX4, AES-256, Argon2id 64 MiB).",
                kdbx.display()
            );
        }
        CredentialsCommand::List => {}
        CredentialsCommand::Show { device, user, yes } => {
            let id: DeviceId = *device;
            session.device(id)?;
            if !*yes {
                anyhow::ensure!(
                    std::io::IsTerminal::is_terminal(&std::io::stdin()),
                    "showing a password needs confirmation: run it in a terminal, or add --yes"
                );
                err!(
                    "Show the password of {id} on screen? It is recorded in the audit log. [y/N] "
                );
                let mut answer = String::new();
                std::io::stdin().read_line(&mut answer)?;
                if !matches!(answer.trim(), "y" | "Y" | "yes") {
                    errln!("Nothing shown.");
                    return Ok(ExitCode::SUCCESS);
                }
            }
            let (user, password) = session.reveal_password(id, user.as_deref())?;
            if cli.json {
                crate::output::json(&serde_json::json!({
                    "device": id.to_string(), "user": user, "password": password.expose(),
                }))?;
            } else {
                outln!("{id} {user}: {}", password.expose());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
