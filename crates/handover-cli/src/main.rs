//! The `handover` command-line tool: every engine workflow from a terminal or a script.
//!
//! Each subcommand lives in `cmd/`, parses its arguments with clap, calls the engine, and prints either a
//! readable summary or, with `--json`, one JSON document on stdout. Errors go to stderr with what to do next;
//! the exit status says what kind of failure it was (see [`exit`]).

// First, so its `outln!`/`out!` (stdout that ends quietly on a broken pipe) are in scope everywhere.
#[macro_use]
mod output;
mod args;
mod cmd;
mod exit;
mod progress;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = args::Cli::parse();
    match cmd::run(cli) {
        Ok(code) => code,
        Err(e) => exit::report(&e),
    }
}
