//! `handover plan import|show`: IT's network plan.

use std::process::ExitCode;

use crate::args::{Cli, PlanCommand};

pub fn run(cli: &Cli, c: &PlanCommand) -> anyhow::Result<ExitCode> {
    let session = super::open(cli)?;
    match c {
        PlanCommand::Import { file } => {
            let plan = session.import_plan_csv(file)?;
            if cli.json {
                crate::output::json(&plan)?;
            } else {
                outln!(
                    "Imported {} VLANs from {}.",
                    plan.vlans.len(),
                    file.display()
                );
            }
        }
        PlanCommand::Show => {
            let plan = session.plan()?;
            if cli.json {
                crate::output::json(&plan)?;
            } else if plan.vlans.is_empty() {
                outln!("No plan yet: import IT's plan with `handover plan import plan.csv`.");
            } else {
                out!("{}", plan.to_csv());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
