//! `handover-sim`: runs a site manifest (default: the built-in demo site) until Ctrl-C and prints every
//! address. A thin shell over `handover_sim::run_until_ctrl_c`; `handover sim` in the CLI calls the same.

use std::net::SocketAddr;
use std::process::ExitCode;

use handover_sim::{Addressing, SiteManifest, SpawnOptions};

const USAGE: &str = "usage: handover-sim [--manifest FILE] [--single-address] [--http-port N] \
[--status ADDR|off] [--multicast-interface IFACE]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("handover-sim: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut manifest = None;
    let mut opts = SpawnOptions::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{a} needs a value\n{USAGE}"))
        };
        match a.as_str() {
            "--manifest" => {
                manifest = Some(SiteManifest::from_toml(
                    &std::fs::read_to_string(value()?)?,
                )?)
            }
            "--single-address" => {
                opts.addressing = Addressing::SingleAddress {
                    address: std::net::Ipv4Addr::LOCALHOST,
                    http_base_port: 18100,
                    discovery_base_port: 13700,
                };
            }
            "--http-port" => {
                let port: u16 = value()?.parse()?;
                if let Addressing::PerDevice { http_port, .. } = &mut opts.addressing {
                    *http_port = port;
                }
            }
            "--status" => {
                let v = value()?;
                opts.status = if v == "off" {
                    None
                } else {
                    Some(v.parse::<SocketAddr>()?)
                };
            }
            "--multicast-interface" => {
                opts.multicast_interface = Some(value()?);
                opts.discovery_options.multicast_announce = true;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other}\n{USAGE}").into()),
        }
    }
    let manifest = manifest.unwrap_or_else(SiteManifest::demo);
    let rt = tokio::runtime::Runtime::new()?;
    match rt.block_on(handover_sim::run_until_ctrl_c(manifest, opts)) {
        Err(e) if e.is_address_in_use() => Err(format!(
            "{e}\n(is another simulator running? try --single-address, --http-port N or --status off)"
        )
        .into()),
        other => Ok(other?),
    }
}
