//! Subcommand dispatch: one module per command group.

mod audit;
mod catalog;
mod check;
mod demo;
mod devices;
mod init;
mod plan;
mod report;
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

/// Opens the OS keyring, or says what to do when it is locked or missing.
pub fn keyring() -> anyhow::Result<handover_engine::vault::OsKeyring> {
    Ok(handover_engine::vault::OsKeyring::open().map_err(handover_engine::Error::from)?)
}

/// Reads a secret from the terminal without echo, or one line from stdin when it is not a terminal.
pub fn read_secret(prompt: &str) -> anyhow::Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        Ok(rpassword::prompt_password(prompt)?)
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
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
        Command::Report(a) => report::run(&cli, a),
        Command::SignIdentity(c) => report::identity(&cli, c),
        Command::Verify(a) => report::verify(&cli, a),
    }
}
