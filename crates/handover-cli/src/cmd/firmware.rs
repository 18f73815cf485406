//! `handover firmware folder|images|accept|plan`: the images the technician brought, judged against the signed
//! catalog, and the plan of what each device would get. Nothing here sends anything to a device.

use std::process::ExitCode;

use handover_engine::policy::firmware_plan::{Action, Identified, Standing};

use crate::args::{Cli, FirmwareCommand, FirmwarePlanArgs};

pub fn run(cli: &Cli, c: &FirmwareCommand) -> anyhow::Result<ExitCode> {
    let mut session = super::open(cli)?;
    match c {
        FirmwareCommand::Folder { dir } => {
            let abs = session.set_firmware_folder(dir)?;
            outln!("Firmware folder: {}", abs.display());
        }
        FirmwareCommand::Images => {
            let catalogs = super::catalogs(&mut session)?;
            let images = session.firmware_images(&catalogs)?;
            if cli.json {
                crate::output::json(&images)?;
            } else {
                let rows: Vec<Vec<String>> = images.iter().map(image_row).collect();
                crate::output::table(
                    &["FILE", "SIZE", "FOR", "VERSION", "STANDING", "SHA-256"],
                    &rows,
                );
            }
        }
        FirmwareCommand::Accept { file, reason } => {
            let catalogs = super::catalogs(&mut session)?;
            let id = session.accept_firmware_image(file, reason, &catalogs)?;
            if cli.json {
                crate::output::json(&id)?;
            } else {
                outln!(
                    "Accepted {} (SHA-256 {}) for this project, although the signed catalog does not list it; \
                     recorded in the audit log and the report.",
                    id.image.file,
                    id.image.sha256
                );
            }
        }
        FirmwareCommand::Plan(a) => return plan(cli, &mut session, a),
    }
    Ok(ExitCode::SUCCESS)
}

fn standing(s: &Standing) -> &'static str {
    match s {
        Standing::Approved => "approved (catalog)",
        Standing::Accepted => "accepted by technician",
        Standing::NotInCatalog => "not in catalog",
        Standing::ChecksumMismatch { .. } => "CHECKSUM MISMATCH",
    }
}

fn image_row(i: &Identified) -> Vec<String> {
    vec![
        i.image.file.clone(),
        size(i.image.size),
        i.family
            .clone()
            .or_else(|| {
                i.image
                    .header
                    .as_ref()
                    .map(|h| format!("{} {}", h.vendor, h.model))
            })
            .unwrap_or_else(|| "?".into()),
        i.version.clone().unwrap_or_else(|| "?".into()),
        standing(&i.standing).into(),
        i.image.sha256.clone(),
    ]
}

/// Bytes for people: `61.2 MB`.
pub fn size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else if bytes >= 1_000 {
        format!("{:.1} kB", bytes as f64 / 1e3)
    } else {
        format!("{bytes} B")
    }
}

fn plan(
    cli: &Cli,
    session: &mut handover_engine::Session,
    a: &FirmwarePlanArgs,
) -> anyhow::Result<ExitCode> {
    let only = super::device_ids(&a.devices)?;
    let catalogs = super::catalogs(session)?;
    let p = session.firmware_plan(&catalogs, &only, a.image.as_deref())?;
    if cli.json {
        crate::output::json(&p)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = p
        .devices
        .iter()
        .map(|l| {
            let img = l.plan.image.as_ref();
            vec![
                l.device.to_string(),
                l.name.clone(),
                l.model.clone().unwrap_or_else(|| "?".into()),
                l.plan.current.clone().unwrap_or_else(|| "?".into()),
                l.plan.target.clone().unwrap_or_else(|| "-".into()),
                img.map_or_else(|| "-".into(), |i| i.image.file.clone()),
                img.map_or_else(|| "-".into(), |i| size(i.image.size)),
                match l.plan.action {
                    Action::Upgrade => "upgrade".into(),
                    Action::UpToDate => "up to date".into(),
                    Action::Blocked => format!(
                        "blocked: {}",
                        l.plan
                            .blocked
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join("; ")
                    ),
                },
            ]
        })
        .collect();
    crate::output::table(
        &[
            "DEVICE", "NAME", "MODEL", "CURRENT", "TARGET", "IMAGE", "SIZE", "PLAN",
        ],
        &rows,
    );
    let n = p.upgrades().count();
    let bytes: u64 = p
        .upgrades()
        .filter_map(|l| l.plan.image.as_ref())
        .map(|i| i.image.size)
        .sum();
    let blocked = p
        .devices
        .iter()
        .filter(|l| l.plan.action == Action::Blocked)
        .count();
    outln!(
        "{n} devices to upgrade ({} to send), {blocked} blocked; images from {}. Nothing was sent.",
        size(bytes),
        p.folder.display()
    );
    Ok(ExitCode::SUCCESS)
}
