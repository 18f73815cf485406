//! Subcommand dispatch: one module per command group.

mod accounts;
mod audit;
mod catalog;
mod check;
mod credentials;
mod devices;
mod discover;
mod firmware;
mod init;
mod listen;
mod plan;
mod report;
mod status;
mod switch;

use std::process::ExitCode;

use handover_engine::{Env, Session};

use crate::args::{Cli, Command};

/// Opens the project named on the command line, in the machine's environment (OS keyring, data folder).
pub fn open(cli: &Cli) -> anyhow::Result<Session> {
    Ok(Session::open(&cli.project, cli.actor.clone(), Env::os())?)
}

/// The catalogs in use for this project; imported files that are ignored are said on stderr and written to
/// the audit log once.
pub fn catalogs(session: &Session) -> anyhow::Result<handover_engine::policy::Catalogs> {
    let (c, ignored) = session.catalogs()?;
    for i in &ignored {
        errln!("warning: {}", crate::output::inert(&i.to_string()));
    }
    Ok(c)
}

/// A runtime for the commands that talk to devices.
/// Devices worked on at once: the engine's figure, the same in the app.
pub const DEVICES_AT_ONCE: usize = handover_engine::DEVICES_AT_ONCE;

pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// Cancellation on Ctrl-C: the first one cancels the work (what was done is kept), a second one exits.
pub fn ctrl_c_cancels(rt: &tokio::runtime::Runtime) -> tokio_util::sync::CancellationToken {
    let token = tokio_util::sync::CancellationToken::new();
    let t = token.clone();
    rt.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            errln!("\nCancelling: finishing what is in flight (Ctrl-C again to quit now)...");
            t.cancel();
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
    token
}

/// Reads a secret from the terminal without echo, or one line from stdin when it is not a terminal.
pub fn read_secret(prompt: &str) -> anyhow::Result<handover_engine::vault::SecretString> {
    use std::io::IsTerminal;
    use zeroize::Zeroize;
    let mut line = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt)?
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line
    };
    // The typed secret lives only inside a `Secret` (wiped on drop); the buffer it was read into is wiped here.
    let secret =
        handover_engine::vault::SecretString::new(line.trim_end_matches(['\r', '\n']).to_owned());
    line.zeroize();
    Ok(secret)
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Init(a) => init::run(&cli, a),
        Command::Plan(c) => plan::run(&cli, c),
        Command::Status => status::run(&cli),
        Command::Audit(c) => audit::run(&cli, c),
        Command::Devices { action } => devices::run(&cli, action.as_ref()),
        Command::Check(a) => check::run(&cli, a),
        Command::Findings {
            all,
            devices,
            severity,
            state,
        } => check::findings(&cli, *all, devices, *severity, state),
        Command::Waive {
            findings,
            reason,
            approver,
            expires,
        } => check::waive(
            &cli,
            findings,
            handover_engine::WaiverTerms {
                reason: reason.clone(),
                approver: approver.clone(),
                expires: expires.clone(),
            },
        ),
        Command::Fix { findings, all, yes } => check::fix(&cli, findings, *all, *yes),
        Command::Catalog(c) => catalog::run(&cli, c),
        Command::Report(a) => report::run(&cli, a),
        Command::SignIdentity(c) => report::identity(&cli, c),
        Command::Verify(a) => report::verify(&cli, a),
        Command::Discover(a) => discover::run(&cli, a),
        Command::Add { address } => discover::add(&cli, address),
        Command::Identify { devices } => discover::identify(&cli, devices),
        Command::Listen(a) => listen::run(&cli, a),
        Command::Credentials(c) => credentials::run(&cli, c),
        Command::Switch(c) => switch::run(&cli, c),
        Command::Accounts(c) => accounts::run(&cli, c),
        Command::Firmware(c) => firmware::run(&cli, c),
    }
}
