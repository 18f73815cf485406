//! `handover devices`: every device the project knows, as a table or JSON; `forget-certificate` lifts a
//! device's pinned TLS certificate; `web` prints the address of a device's own web page.

use std::process::ExitCode;

use handover_engine::model::DeviceId;

use crate::args::{Cli, DevicesCommand};

pub fn run(cli: &Cli, action: Option<&DevicesCommand>) -> anyhow::Result<ExitCode> {
    if let Some(DevicesCommand::ForgetCertificate { device }) = action {
        let id = device
            .parse::<DeviceId>()
            .map_err(|_| anyhow::anyhow!("{device:?} is not a device id such as D3"))?;
        let mut session = super::open(cli)?;
        let old = session.forget_certificate(None, id)?;
        outln!(
            "Forgot the certificate pinned for {id} (SHA-256 {old}); the next HTTPS answer pins the new one \
             (run `handover discover`)."
        );
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(DevicesCommand::Web { device }) = action {
        let id = device
            .parse::<DeviceId>()
            .map_err(|_| anyhow::anyhow!("{device:?} is not a device id such as D3"))?;
        let page = super::open(cli)?.web_page(id)?;
        if cli.json {
            crate::output::json(&page)?;
        } else {
            outln!("{}", page.url);
            match (&page.certificate, page.secure) {
                (Some(fp), true) => errln!(
                    "The browser should show the certificate Handover pinned for {id}: SHA-256 {fp}."
                ),
                (None, true) => {}
                (_, false) => errln!(
                    "{id} offers no HTTPS: what you type on this page crosses the network in clear."
                ),
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let session = super::open(cli)?;
    let devices = session.project().devices()?;
    if cli.json {
        crate::output::json(&devices)?;
        return Ok(ExitCode::SUCCESS);
    }
    if devices.is_empty() {
        outln!("No devices yet: run `handover discover`.");
        return Ok(ExitCode::SUCCESS);
    }
    let opt = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
    let rows: Vec<Vec<String>> = devices
        .iter()
        .map(|d| {
            vec![
                d.id.to_string(),
                handover_engine::place::shown_address(d, &devices),
                d.role
                    .as_ref()
                    .map_or_else(|| "-".into(), ToString::to_string),
                opt(&d.facts.manufacturer),
                opt(&d.facts.model),
                opt(&d.facts.firmware),
                d.identity.mac.map_or_else(|| "-".into(), |m| m.to_string()),
                opt(&d.identity.serial),
                d.found_by
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            ]
        })
        .collect();
    crate::output::table(
        &[
            "ID", "ADDRESS", "ROLE", "MAKER", "MODEL", "FIRMWARE", "MAC", "SERIAL", "FOUND BY",
        ],
        &rows,
    );
    Ok(ExitCode::SUCCESS)
}
