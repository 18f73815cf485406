//! `handover sim`: the simulated site, for trying Handover without devices (and for tests in other processes).

use std::process::ExitCode;

use handover_sim::{SiteManifest, SpawnOptions};

use crate::args::SimArgs;

pub fn run(a: &SimArgs) -> anyhow::Result<ExitCode> {
    let manifest = match &a.manifest {
        Some(p) => SiteManifest::from_toml(&std::fs::read_to_string(p)?)?,
        None => SiteManifest::demo(),
    };
    let rt = super::runtime()?;
    let mut opts = SpawnOptions {
        status: Some(a.status),
        multicast_interface: a.multicast_interface.clone(),
        ..SpawnOptions::default()
    };
    opts.discovery_options.multicast_announce = a.multicast_interface.is_some();
    rt.block_on(handover_sim::run_until_ctrl_c(manifest, opts))?;
    Ok(ExitCode::SUCCESS)
}
