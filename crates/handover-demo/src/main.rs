//! `handover-demo`: the whole job on the built-in simulated site, in one process ([`demo`]). A binary of its
//! own, beside `handover` rather than inside it, so the command-line tool the installers ship contains no
//! simulator. `bash scripts/demo.sh` builds and runs it (in a throwaway keyring when there is no desktop
//! session).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use handover_engine::progress::{Progress, ProgressFn};

/// One line of the demo's narration on stdout; a reader that went away ends the narration quietly.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod demo;

/// Runs Handover's whole job on the built-in simulated site (24 devices on 3 VLANs and a managed switch,
/// loopback only): discover, take custody of the passwords, check, fix, waive, export for IT, sign and
/// verify the report.
#[derive(Debug, Parser)]
#[command(name = "handover-demo", version, about, long_about = None)]
pub struct Args {
    /// Folder for the demo's project file, report, CA certificate and KeePass export.
    #[arg(long, value_name = "DIR", default_value = "handover-demo")]
    pub out: PathBuf,
    /// Start over: remove an earlier demo project in that folder first.
    #[arg(long)]
    pub fresh: bool,
    /// Who is acting, for the audit log (default: the project's technician).
    #[arg(long = "as", env = "HANDOVER_TECHNICIAN")]
    pub actor: Option<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match demo::run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("handover-demo: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// A runtime for the device work.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// Progress on stderr: one line as each workflow finishes.
fn progress() -> ProgressFn {
    Arc::new(|p: &Progress| {
        if p.total > 0 && p.done == p.total {
            eprintln!("  [{:?}] {}/{} done", p.step, p.done, p.total);
        }
    })
}
