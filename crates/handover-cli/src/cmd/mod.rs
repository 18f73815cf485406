//! Subcommand dispatch: one module per command group.

mod audit;
mod catalog;
mod check;
mod demo;
mod devices;
mod init;
mod plan;
mod status;

use std::process::ExitCode;
use std::sync::Arc;

use handover_engine::Session;
use handover_engine::model::{Clock, SystemClock};

use crate::args::{Cli, Command};

/// The clock the CLI records times with.
pub fn clock() -> Arc<dyn Clock> {
    Arc::new(SystemClock)
}

/// Opens the project named on the command line.
pub fn open(cli: &Cli) -> anyhow::Result<Session> {
    Ok(Session::open(&cli.project, cli.actor.clone(), clock())?)
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Init(a) => init::run(&cli, a),
        Command::Plan(c) => plan::run(&cli, c),
        Command::Status => status::run(&cli),
        Command::Audit(c) => audit::run(&cli, c),
        Command::Demo(a) => demo::run(&cli, a),
        Command::Devices => devices::run(&cli),
        Command::Check(a) => check::run(&cli, a),
        Command::Findings { all } => check::findings(&cli, *all),
        Command::Waive { finding, reason } => check::waive(&cli, finding, reason),
        Command::Catalog(c) => catalog::run(&cli, c),
    }
}
