//! The demo: the whole job on the built-in simulated site, in one process: the simulator starts on
//! loopback, then discover → find defaults → rotate (the technician types the one changed password) → check →
//! waive → signed report → verify → KeePass export. Only loopback traffic; no multicast.

use std::path::Path;
use std::process::ExitCode;

use handover_engine::credentials::Custody;
use handover_engine::devices::ProbeOptions;
use handover_engine::discover::DiscoverOptions;
use handover_engine::model::{FindingStatus, Plan, Site};
use handover_engine::report_types::PageSize;
use handover_engine::signing::Signing;
use handover_engine::vault::{KdfParams, PasswordPolicy, SecretString};
use handover_engine::{Env, NewProject, Session};
use handover_sim::{Planted, SimSite, SiteManifest, SpawnOptions};

use crate::Args;

const DEMO_PLAN: &[u8] = include_bytes!("../../../assets/demo/plan.csv");
/// The KeePass export's password in the demo (a real run asks the technician).
const DEMO_EXPORT_PASSWORD: &str = "demo-export-password";

fn remove_project(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
}

fn step(n: u32, what: &str) {
    outln!("\n== {n}. {what}");
}

pub fn run(a: &Args) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(&a.out)?;
    let path = a.out.join("demo.handover");
    if a.fresh {
        remove_project(&path);
    }
    // The keyring is opened first, so a locked one is said before the site starts.
    let signing = Signing::open(&Env::os())?;
    let rt = super::runtime()?;
    // Nothing is cancelled half-way: Ctrl-C ends the demo at once, and every step is journaled.
    let cancel = tokio_util::sync::CancellationToken::new();
    let progress = super::progress();
    let manifest = SiteManifest::demo();

    step(
        1,
        "Starting the simulated site (24 devices on 3 VLANs, loopback only)",
    );
    let site = rt.block_on(SimSite::spawn(manifest.clone(), SpawnOptions { status: None, ..SpawnOptions::default() })).map_err(|e| {
        anyhow::anyhow!("the simulated site could not start ({e}); is another `handover-sim` or demo running? stop it and retry")
    })?;
    outln!(
        "{} devices listening on 127.20.0.0/24, 127.30.0.0/24, 127.40.0.0/24",
        site.devices().len()
    );

    let session = if path.exists() {
        outln!("Reopening {}", path.display());
        Session::open(&path, a.actor.clone(), Env::os())?
    } else {
        let site_info = Site {
            name: "Demo site — Harbour Logistics depot".into(),
            customer: "Harbour Logistics Ltd".into(),
            address: "3 Quay Road, Harbourside".into(),
            integrator: "Example Security Integrators".into(),
            technician: "Demo Technician".into(),
        };
        let plan = Plan::from_csv(DEMO_PLAN)?;
        Session::create(
            NewProject {
                path: path.clone(),
                site: site_info,
                plan: Some((plan, "demo plan.csv".into())),
            },
            Env::os(),
        )?
    };

    let cx = Custody {
        concurrency: 32,
        plain_http: true,
        cancel: &cancel,
        progress: &progress,
    };

    step(
        2,
        "Discovering (unicast WS-Discovery sweep of the plan's subnets) and identifying",
    );
    let opts = DiscoverOptions {
        multicast: false,
        probe: ProbeOptions::default(),
        ..DiscoverOptions::default()
    };
    let d = rt.block_on(session.discover(&opts, &cancel, &progress))?;
    outln!(
        "found {} devices, identified {} without credentials",
        d.found,
        d.identified
    );

    step(
        3,
        "Taking custody of credentials: catalog defaults, below every vendor's lockout threshold",
    );
    let f = rt.block_on(session.find_defaults(&cx, &[]))?;
    outln!(
        "defaults work on {}; unknown {}; need activation {}; failed attempts {}",
        f.defaults_found,
        f.unknown,
        f.factory_new,
        f.failed_attempts
    );
    // The technician knows the one password changed before the handover (the demo manifest says it).
    for spec in manifest.devices.iter().filter(|s| {
        s.planted
            .as_ref()
            .is_some_and(|p| p.contains(&Planted::PasswordChanged))
    }) {
        let (Some(pw), Some(dev)) = (
            spec.password.as_deref(),
            session
                .devices()?
                .into_iter()
                .find(|d| d.address.to_string() == spec.address.to_string()),
        ) else {
            continue;
        };
        let user = spec.username.clone().unwrap_or_else(|| "service".into());
        rt.block_on(session.set_credential(dev.id, &user, SecretString::new(pw.to_owned())))?;
        outln!(
            "technician supplied the password of {} ({}); proven on the device",
            dev.id,
            spec.name
        );
    }

    step(
        4,
        "Rotating every held password to a unique, proven one in the OS keyring",
    );
    let r = rt.block_on(session.rotate(&cx, &PasswordPolicy::default(), &[]))?;
    outln!(
        "rotated {}, rolled back {}, unsettled {}",
        r.rotated,
        r.rolled_back,
        r.unsettled
    );
    let ids: Vec<_> = session.devices()?.into_iter().map(|d| d.id).collect();
    rt.block_on(session.identify(&ids, 32, &cancel, &progress))?;

    if let (Some(addr), Some(spec)) = (site.switch_addr(), site.switch_spec()) {
        let creds = handover_engine::switch::SwitchCredentials::V3 {
            user: spec.v3_user.clone(),
            auth: SecretString::new(spec.v3_auth_password.clone()),
            privacy: SecretString::new(spec.v3_priv_password.clone()),
        };
        session.add_switch(&spec.name, &addr.to_string(), &creds)?;
        let s = rt.block_on(session.query_switches())?;
        outln!(
            "switch {} (SNMPv3 authPriv): {} devices located on their ports",
            spec.name,
            s.located
        );
    }

    step(
        5,
        "Checking firmware, placement, services, time and accounts",
    );
    let settings = session.check_settings(None);
    let c = session.run_checks(&[], &settings)?;
    outln!(
        "{} open findings: {:?}",
        c.open_by_severity.values().sum::<usize>(),
        c.open_by_severity
    );
    // Fix on the spot what ONVIF allows (NTP from the plan, WS-Discovery off, HTTP off where HTTPS works), each
    // read back.
    let mut fixed = 0;
    for f in session
        .findings()?
        .into_iter()
        .filter(|f| f.status == FindingStatus::Open)
    {
        if session.fix_for(f.id, &settings)?.is_some() {
            match rt.block_on(session.fix(f.id, &settings)) {
                Ok(_) => fixed += 1,
                Err(e) => outln!("{} not fixed: {e}", f.id),
            }
        }
    }
    outln!(
        "fixed {fixed} findings on the devices (WS-Discovery off, NTP from the plan, HTTP off where HTTPS works), each read back"
    );
    if let Some(f) = session
        .findings()?
        .into_iter()
        .find(|f| f.check == "services.http-only" && f.status == FindingStatus::Open)
    {
        // The customer's IT lead accepts the risk for a quarter (the technician only records it).
        let until = session.today() + time::Duration::days(90);
        let until = format!(
            "{:04}-{:02}-{:02}",
            until.year(),
            u8::from(until.month()),
            until.day()
        );
        session.waive(
            &[f.id],
            &handover_engine::WaiverTerms {
                reason: "Panel firmware has no HTTPS; the panel sits behind the access-control firewall \
                         (ticket IT-4711)"
                    .into(),
                approver: Some("R. Osei (Harbour Logistics IT)".into()),
                expires: Some(until.clone()),
            },
        )?;
        outln!(
            "waived {} ({}) with a reason, approved by the customer until {until}",
            f.id,
            f.title
        );
    }

    step(6, "Exporting credentials for IT (KeePass KDBX4)");
    let kdbx = a.out.join("credentials.kdbx");
    let n = session.export_kdbx(
        &kdbx,
        &SecretString::new(DEMO_EXPORT_PASSWORD.into()),
        &KdfParams::default(),
    )?;
    outln!(
        "{n} accounts in {} (password for the demo: {DEMO_EXPORT_PASSWORD})",
        kdbx.display()
    );

    step(
        7,
        "Signing the handover report (it names the export and its SHA-256)",
    );
    let identity = match signing.show()? {
        Some(id) => id,
        None => signing.create("Demo Technician", "Example Security Integrators", false)?,
    };
    let ca = identity
        .ca_path
        .ok_or_else(|| anyhow::anyhow!("the signing identity in the keyring has no CA to trust"))?;
    let pdf = a.out.join("handover-report.pdf");
    let o = session.write_report(&pdf, PageSize::A4)?;
    let v = handover_engine::report::verify_report(
        &pdf,
        std::slice::from_ref(&ca),
        time::OffsetDateTime::now_utc(),
    )?;
    outln!(
        "{} ({} devices) — verify: {:?}",
        o.pdf.display(),
        o.devices,
        v.verdict()
    );

    site.shutdown();
    outln!("\nDone. Look at the report: {}", pdf.display());
    outln!(
        "IT's check: handover verify {} --trust {}",
        pdf.display(),
        ca.display()
    );
    outln!("The project: handover -p {} status", path.display());
    Ok(ExitCode::SUCCESS)
}
