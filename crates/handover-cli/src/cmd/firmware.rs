//! `handover firmware folder|images|accept|plan|upgrade|recover`: the images the technician brought, judged
//! against the signed catalog, the plan of what each device would get (nothing sent), the upgrade once the
//! technician confirmed it, and settling what a crash left open.

use std::process::ExitCode;

use handover_engine::firmware::Upgrader;
use handover_engine::policy::{Action, Identified, Standing};

use crate::args::{Cli, FirmwareCommand, FirmwarePlanArgs};

pub fn run(cli: &Cli, c: &FirmwareCommand) -> anyhow::Result<ExitCode> {
    let session = super::open(cli)?;
    match c {
        FirmwareCommand::Folder { dir } => {
            let abs = session.set_firmware_folder(dir)?;
            outln!("Firmware folder: {}", abs.display());
        }
        FirmwareCommand::Images => {
            super::catalogs(&session)?;
            let images = session.firmware_images()?;
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
            super::catalogs(&session)?;
            let id = session.accept_firmware_image(file, reason)?;
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
        FirmwareCommand::Plan(a) => return plan(cli, &session, a),
        FirmwareCommand::Upgrade { .. } => return upgrade(cli, &session, c),
        FirmwareCommand::Recover => return recover(cli, &session),
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
    session: &handover_engine::Session,
    a: &FirmwarePlanArgs,
) -> anyhow::Result<ExitCode> {
    let only = a.devices.clone();
    super::catalogs(session)?;
    let p = session.firmware_plan(&only, a.image.as_deref())?;
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

/// The upgrade: plan shown and confirmed, then the engine's waves.
pub(crate) fn upgrade(
    cli: &Cli,
    session: &handover_engine::Session,
    c: &FirmwareCommand,
) -> anyhow::Result<ExitCode> {
    let FirmwareCommand::Upgrade {
        plan: a,
        in_flight,
        uplink_mbps,
        reboot_wait,
        yes,
    } = c
    else {
        return Ok(ExitCode::SUCCESS);
    };
    let only = a.devices.clone();
    super::catalogs(session)?;
    let p = session.firmware_plan(&only, a.image.as_deref())?;
    let n = p.upgrades().count();
    if n == 0 {
        if cli.json {
            crate::output::json(&handover_engine::firmware::UpgradeSummary::default())?;
        } else {
            outln!("Nothing to upgrade: see `handover firmware plan`.");
        }
        return Ok(ExitCode::SUCCESS);
    }
    if !yes {
        use std::io::{BufRead as _, IsTerminal as _};
        anyhow::ensure!(
            std::io::stdin().is_terminal(),
            "not a terminal: confirm with --yes"
        );
        outln!(
            "These devices will be upgraded (canary per model first, then waves of {in_flight}):"
        );
        for l in p.upgrades() {
            let img = l.plan.image.as_ref();
            outln!(
                "  {} {} {}: {} -> {} ({}, {})",
                l.device,
                l.name,
                l.model.as_deref().unwrap_or("?"),
                l.plan.current.as_deref().unwrap_or("?"),
                l.plan.target.as_deref().unwrap_or("?"),
                img.map_or("?", |i| i.image.file.as_str()),
                img.map_or_else(|| "?".into(), |i| size(i.image.size)),
            );
        }
        out!("Upgrade {n} device(s)? [y/N] ");
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        if !line.trim().eq_ignore_ascii_case("y") {
            outln!("Nothing sent.");
            return Ok(ExitCode::SUCCESS);
        }
    }
    session.keyring_ready()?;
    let rt = super::runtime()?;
    let cancel = super::ctrl_c_cancels(&rt);
    let progress = crate::progress::terminal(cli.json);
    let settings = session.check_settings(None);
    let up = Upgrader {
        settings: &settings,
        in_flight: (*in_flight).max(1),
        uplink_bytes_per_sec: uplink_mbps * 1_000_000 / 8,
        reboot_wait: reboot_wait.map(std::time::Duration::from_secs),
        cancel: &cancel,
        progress: &progress,
    };
    let only: Vec<_> = p.upgrades().map(|l| l.device).collect();
    let s = rt.block_on(session.firmware_upgrade(&up, &only, a.image.as_deref()))?;
    if cli.json {
        crate::output::json(&s)?;
    } else {
        for o in &s.outcomes {
            outln!(
                "{} ({}, wave {}): {} -> {}: {}: {}",
                o.device,
                o.model,
                o.wave,
                o.from,
                o.to,
                o.outcome,
                o.detail
            );
        }
        let ok = s.outcomes.iter().filter(|o| o.is_upgraded()).count();
        outln!(
            "{ok} of {} upgraded and proven, {} sent in {:.1} s{}; the firmware check ran again on the upgraded devices.",
            s.outcomes.len(),
            size(s.bytes_sent),
            s.elapsed_ms as f64 / 1000.0,
            if s.stopped {
                format!(
                    "; stopped after a device was not upgraded ({} waiting): look at it, then run again",
                    s.count("waiting")
                )
            } else {
                String::new()
            }
        );
    }
    Ok(if s.outcomes.iter().all(|o| o.is_upgraded()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(crate::exit::NOT_ALL_UPGRADED)
    })
}

/// `firmware recover`.
pub(crate) fn recover(cli: &Cli, session: &handover_engine::Session) -> anyhow::Result<ExitCode> {
    super::catalogs(session)?;
    session.keyring_ready()?;
    let rt = super::runtime()?;
    let settings = session.check_settings(None);
    let r = rt.block_on(session.firmware_recover(&settings))?;
    if cli.json {
        crate::output::json(&r)?;
    } else {
        for d in &r.devices {
            outln!("{}: {}: {}", d.device, d.outcome, d.detail);
        }
        outln!(
            "Settled {} upgraded, {} not upgraded; {} still open.",
            r.upgraded,
            r.not_upgraded,
            r.still_open
        );
    }
    Ok(ExitCode::SUCCESS)
}
