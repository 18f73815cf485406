//! `handover devices`: every device the project knows, as a table or JSON; `rename` and `labels` name devices;
//! `forget-certificate` lifts a device's pinned TLS certificate; `web` prints the address of a device's own web
//! page.

use std::process::ExitCode;

use handover_engine::labels::Relabel;
use handover_engine::model::{Device, DeviceId};

use crate::args::{Cli, DevicesCommand};

/// A device as `--json` shows it: every stored field, plus the name and location people see.
#[derive(serde::Serialize)]
struct Shown<'a> {
    #[serde(flatten)]
    device: &'a Device,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<String>,
    /// Where each step stands (the same states as the app's grid).
    steps: handover_engine::view::Steps,
}

/// `D3 Front door`, cut to fit a table cell: how a device is named in tables of other things.
pub fn cell(d: &Device) -> String {
    const MAX: usize = 28;
    let full = format!("{} {}", d.id, d.name());
    if full.chars().count() <= MAX {
        full
    } else {
        let cut: String = full.chars().take(MAX - 1).collect();
        format!("{}\u{2026}", cut.trim_end())
    }
}

fn rename(
    cli: &Cli,
    id: DeviceId,
    name: Option<&String>,
    location: Option<&String>,
) -> anyhow::Result<ExitCode> {
    let session = super::open(cli)?;
    let d = session.relabel_device(
        id,
        &Relabel {
            name: name.cloned(),
            location: location.cloned(),
        },
    )?;
    if cli.json {
        let (findings, creds) = (session.findings()?, session.credentials()?);
        crate::output::json(&Shown {
            device: &d,
            name: d.name(),
            location: d.location(),
            steps: handover_engine::view::steps_in(&d, &findings, &creds),
        })?;
    } else {
        match d.location() {
            Some(l) => outln!("{id} is now called {:?}, at {l:?}.", d.name()),
            None => outln!("{id} is now called {:?}.", d.name()),
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn labels(cli: &Cli, file: &std::path::Path) -> anyhow::Result<ExitCode> {
    let session = super::open(cli)?;
    let r = session.import_labels_csv(file)?;
    if cli.json {
        crate::output::json(&r)?;
        return Ok(ExitCode::SUCCESS);
    }
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    outln!(
        "{} matched; {} renamed or moved.",
        plural(r.matched, "row", "rows"),
        plural(r.changed.len(), "device", "devices")
    );
    if !r.unmatched.is_empty() {
        outln!(
            "{} named no device Handover knows yet (import the file again after `handover discover`):",
            plural(r.unmatched.len(), "row", "rows")
        );
        for (line, key) in r.unmatched.iter().take(20) {
            outln!("  line {line}: {key}");
        }
        if r.unmatched.len() > 20 {
            outln!("  … and {} more", r.unmatched.len() - 20);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn unidentified(cli: &Cli) -> anyhow::Result<ExitCode> {
    let hosts = super::open(cli)?.unidentified_hosts()?;
    if cli.json {
        crate::output::json(&hosts)?;
        return Ok(ExitCode::SUCCESS);
    }
    if hosts.is_empty() {
        outln!(
            "Every host that answered on the plan's subnets was identified (or there was no discovery yet)."
        );
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = hosts
        .iter()
        .map(|h| {
            vec![
                h.subnet.clone(),
                h.address.clone(),
                h.reason.clone(),
                h.next.clone(),
            ]
        })
        .collect();
    crate::output::table(&["SUBNET", "ADDRESS", "WHY", "NEXT"], &rows);
    Ok(ExitCode::SUCCESS)
}

pub fn run(cli: &Cli, action: Option<&DevicesCommand>) -> anyhow::Result<ExitCode> {
    match action {
        Some(DevicesCommand::Rename {
            device,
            name,
            location,
        }) => return rename(cli, *device, name.as_ref(), location.as_ref()),
        Some(DevicesCommand::Labels { file }) => return labels(cli, file),
        Some(DevicesCommand::Unidentified) => return unidentified(cli),
        _ => {}
    }
    if let Some(DevicesCommand::ForgetCertificate { device }) = action {
        let id = *device;
        let session = super::open(cli)?;
        let old = session.forget_certificate(id)?;
        outln!(
            "Forgot the certificate pinned for {id} (SHA-256 {old}); the next HTTPS answer pins the new one \
             (run `handover discover`)."
        );
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(DevicesCommand::Web { device }) = action {
        let id = *device;
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
    let devices = session.devices()?;
    if cli.json {
        let (findings, creds) = (session.findings()?, session.credentials()?);
        let shown: Vec<Shown<'_>> = devices
            .iter()
            .map(|d| Shown {
                device: d,
                name: d.name(),
                location: d.location(),
                steps: handover_engine::view::steps_in(d, &findings, &creds),
            })
            .collect();
        crate::output::json(&shown)?;
        return Ok(ExitCode::SUCCESS);
    }
    if devices.is_empty() {
        outln!("No devices yet: run `handover discover`.");
        return Ok(ExitCode::SUCCESS);
    }
    let opt = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
    let located = devices.iter().any(|d| d.location().is_some());
    let addresses = handover_engine::place::shown_addresses(&devices);
    let rows: Vec<Vec<String>> = devices
        .iter()
        .zip(addresses)
        .map(|(d, address)| {
            let mut row = vec![d.id.to_string(), d.name()];
            if located {
                row.push(opt(&d.location()));
            }
            row.extend([
                address,
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
            ]);
            row
        })
        .collect();
    let mut header = vec!["ID", "NAME"];
    if located {
        header.push("LOCATION");
    }
    header.extend([
        "ADDRESS", "ROLE", "MAKER", "MODEL", "FIRMWARE", "MAC", "SERIAL", "FOUND BY",
    ]);
    crate::output::table(&header, &rows);
    Ok(ExitCode::SUCCESS)
}
