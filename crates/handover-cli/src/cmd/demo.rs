//! `handover demo`: the whole job on the built-in simulated site. Today it creates the demo project with the
//! demo plan; each capability joins the chain as it lands (discover → rotate → check → signed report).

use std::process::ExitCode;

use handover_engine::model::{Plan, Site};
use handover_engine::{NewProject, Session};

use crate::args::{Cli, DemoArgs};

const DEMO_PLAN: &[u8] = include_bytes!("../../../../assets/demo/plan.csv");

pub fn run(cli: &Cli, a: &DemoArgs) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(&a.out)?;
    let path = a.out.join("demo.handover");
    if a.fresh {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = path.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
    let session = if path.exists() {
        println!("Reopening the demo project {}", path.display());
        Session::open(&path, cli.actor.clone(), super::clock())?
    } else {
        let site = Site {
            name: "Demo site — Riverside Logistics, Warehouse 3".into(),
            customer: "Riverside Logistics Ltd".into(),
            address: "3 Quay Road, Riverside".into(),
            integrator: "Example Security Integrators".into(),
            technician: "Demo Technician".into(),
        };
        let plan = Plan::from_csv(DEMO_PLAN)?;
        println!("Creating the demo project {}", path.display());
        Session::create(
            NewProject {
                path: path.clone(),
                site,
                plan: Some((plan, "demo plan.csv".into())),
            },
            super::clock(),
        )?
    };
    let s = session.status()?;
    println!(
        "Plan: {} VLANs; devices known: {}; audit log: {} entries, intact: {}",
        s.vlans.len(),
        s.devices,
        s.audit_entries,
        s.audit_intact
    );
    println!("Next: `handover -p {} status`", path.display());
    Ok(ExitCode::SUCCESS)
}
