//! `handover init`: create a project file for a site, optionally with IT's plan.

use std::process::ExitCode;

use handover_engine::model::Site;
use handover_engine::{NewProject, Session, read_plan_csv};

use crate::args::{Cli, InitArgs};

pub fn run(cli: &Cli, a: &InitArgs) -> anyhow::Result<ExitCode> {
    let plan = match &a.plan {
        Some(path) => {
            let source = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Some((read_plan_csv(path)?, source))
        }
        None => None,
    };
    let site = Site {
        name: a.name.clone(),
        customer: a.customer.clone(),
        address: a.address.clone(),
        integrator: a.integrator.clone(),
        technician: a.technician.clone(),
    };
    let vlans = plan.as_ref().map_or(0, |(p, _)| p.vlans.len());
    let session = Session::create(
        NewProject {
            path: cli.project.clone(),
            site,
            plan,
        },
        handover_engine::Env::os(),
    )?;
    if cli.json {
        crate::output::json(&session.status()?)?;
    } else {
        outln!(
            "Created project {} ({})",
            cli.project.display(),
            session.project_id()
        );
        if vlans > 0 {
            outln!("Plan: {vlans} VLANs imported.");
        } else {
            outln!("No plan yet: import IT's plan with `handover plan import plan.csv`.");
        }
    }
    Ok(ExitCode::SUCCESS)
}
