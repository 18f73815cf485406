//! `handover-sim`: the one simulator command line. Runs a site manifest (default: the built-in demo site) until
//! Ctrl-C and prints every address. A thin shell over `handover_sim::run_until_ctrl_c`: clap arguments, and
//! errors that say what to do. Test and demo infrastructure: no installer ships it.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use handover_sim::{Addressing, SiteManifest, SpawnOptions};

/// Where the status endpoint listens, or nowhere.
#[derive(Debug, Clone, Copy)]
struct Status(Option<SocketAddr>);

fn parse_status(s: &str) -> Result<Status, String> {
    if s == "off" {
        return Ok(Status(None));
    }
    s.parse()
        .map(|a| Status(Some(a)))
        .map_err(|_| format!("{s:?} is not an address and port such as 127.0.0.1:18080 (or `off`)"))
}

/// The command line (its `--help` is the simulator's manual).
#[derive(Debug, Parser)]
#[command(
    name = "handover-sim",
    version,
    about,
    long_about = "Runs a simulated site (ONVIF cameras, recorders, door controllers and intercoms, their \
WS-Discovery answers, and a managed SNMP switch) until Ctrl-C, so Handover can be tried and tested without \
real devices.\n\nWithout --manifest it runs the built-in demo site: 24 devices on 127.20.0.0/24, 127.30.0.0/24 \
and 127.40.0.0/24 and a switch on 127.99.0.2:1161 (assets/demo/README.md lists them and their planted faults). \
Everything listens on loopback addresses, so nothing leaves this machine and no root is needed. It prints \
every device's address, then \"Press Ctrl-C to stop.\"",
    after_help = "Try Handover against it, in another terminal:\n  \
handover init --name Demo --plan assets/demo/plan.csv\n  \
handover discover --no-multicast\n\n\
This simulator is for tests and demonstrations; the installed Handover does not contain it."
)]
struct Args {
    /// A site manifest (TOML: [site], [[vlan]], [[device]], [switch]); default: the built-in demo site
    /// (assets/demo/site.toml).
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// Where the status endpoint listens (HTTP JSON on loopback: every device's counters and state, for
    /// tests), or `off`.
    #[arg(long, value_name = "ADDR|off", default_value = "127.0.0.1:18080", value_parser = parse_status)]
    status: Status,
    /// Put every device on 127.0.0.1, each on its own ports (HTTP from 18100, WS-Discovery from 13700),
    /// for systems where only 127.0.0.1 exists.
    #[arg(long)]
    single_address: bool,
    /// The devices' plain-HTTP port (default 8080; 0: a free port per device, which the XAddrs carry). With
    /// --single-address: the first device's, the next ones count up from it.
    #[arg(long, value_name = "PORT")]
    http_port: Option<u16>,
    /// Also answer multicast WS-Discovery on this interface and announce devices (Hello, Bye) to the
    /// multicast group. Only inside a network namespace made with `ip netns add` (ip netns exec NS
    /// handover-sim ...); refused anywhere else, where the announcements could leave the machine.
    #[arg(long, value_name = "IFACE")]
    multicast_interface: Option<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("handover-sim: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The options the arguments ask for.
fn options(a: &Args) -> SpawnOptions {
    let mut opts = SpawnOptions {
        status: a.status.0,
        multicast_interface: a.multicast_interface.clone(),
        ..SpawnOptions::default()
    };
    opts.discovery_options.multicast_announce = a.multicast_interface.is_some();
    if a.single_address {
        opts.addressing = Addressing::SingleAddress {
            address: Ipv4Addr::LOCALHOST,
            http_base_port: a.http_port.unwrap_or(18100),
            discovery_base_port: 13700,
        };
    } else if let (Some(port), Addressing::PerDevice { http_port, .. }) =
        (a.http_port, &mut opts.addressing)
    {
        *http_port = port;
    }
    opts
}

fn run(a: &Args) -> Result<(), String> {
    if a.multicast_interface.is_some() && !in_named_network_namespace() {
        return Err("--multicast-interface runs only inside a network namespace made with `ip netns add` \
            (ip netns exec NS handover-sim ...): anywhere else the simulator's announcements could leave the \
            machine. Leave the option out: Handover finds the devices by unicast sweep (discover \
            --no-multicast)."
            .into());
    }
    let manifest = match &a.manifest {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| {
                format!(
                    "cannot read the site manifest {}: {e}. Name an existing TOML file, or leave \
                     --manifest out to run the built-in demo site.",
                    p.display()
                )
            })?;
            SiteManifest::from_toml(&text).map_err(|e| {
                format!(
                    "{} is not a usable site manifest: {e}. assets/demo/site.toml shows the format.",
                    p.display()
                )
            })?
        }
        None => SiteManifest::demo(),
    };
    let rt = tokio::runtime::Runtime::new().map_err(|e| format!("cannot start: {e}"))?;
    rt.block_on(handover_sim::run_until_ctrl_c(manifest, options(a)))
        .map_err(|e| explain(&e, a))
}

/// A start-up failure with what to do about it.
fn explain(e: &handover_sim::Error, a: &Args) -> String {
    let handover_sim::Error::Bind { addr, source } = e else {
        return e.to_string();
    };
    let what = match source.kind() {
        std::io::ErrorKind::AddrInUse if Some(*addr) == a.status.0 => {
            "another simulator (or the demo) is probably running: stop it, or give this one \
             --status off or another --status ADDR"
        }
        std::io::ErrorKind::AddrInUse => {
            "another simulator (or the demo, or another program) holds that port: stop it, or choose other \
             ports with --http-port PORT (0: free ones) or --single-address"
        }
        std::io::ErrorKind::AddrNotAvailable => {
            "this system has no such loopback address (only 127.0.0.1?): run with --single-address"
        }
        std::io::ErrorKind::PermissionDenied => {
            "ports below 1024 need root: choose another with --http-port PORT"
        }
        _ => return e.to_string(),
    };
    format!("{e}: {what}")
}

/// Whether this process runs in a network namespace made with `ip netns add` (as `ip netns identify` tells:
/// one of /run/netns/* is the namespace this process is in), where multicast reaches only that namespace's
/// links. Anything else, the machine's own namespace included, is not proof and counts as no.
#[cfg(target_os = "linux")]
fn in_named_network_namespace() -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(own) = std::fs::metadata("/proc/self/ns/net") else {
        return false;
    };
    let Ok(named) = std::fs::read_dir("/run/netns") else {
        return false;
    };
    named.flatten().any(|e| {
        std::fs::metadata(e.path()).is_ok_and(|m| m.dev() == own.dev() && m.ino() == own.ino())
    })
}

#[cfg(not(target_os = "linux"))]
fn in_named_network_namespace() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Args {
        Args::try_parse_from(std::iter::once("handover-sim").chain(args.iter().copied()))
            .expect("valid arguments")
    }

    #[test]
    fn no_arguments_run_the_demo_site_on_its_usual_ports() {
        let o = options(&parse(&[]));
        assert_eq!(o.status, Some(SocketAddr::from(([127, 0, 0, 1], 18080))));
        assert!(matches!(
            o.addressing,
            Addressing::PerDevice {
                http_port: 8080,
                ..
            }
        ));
        assert!(!o.discovery_options.multicast_announce);
    }

    #[test]
    fn status_off_turns_the_endpoint_off_and_nonsense_is_refused_with_an_example() {
        assert_eq!(options(&parse(&["--status", "off"])).status, None);
        let e = Args::try_parse_from(["handover-sim", "--status", "18080"]).unwrap_err();
        assert!(e.to_string().contains("127.0.0.1:18080"), "{e}");
    }

    #[test]
    fn http_port_moves_per_device_ports_and_the_first_single_address_port() {
        assert!(matches!(
            options(&parse(&["--http-port", "0"])).addressing,
            Addressing::PerDevice { http_port: 0, .. }
        ));
        assert!(matches!(
            options(&parse(&["--single-address"])).addressing,
            Addressing::SingleAddress {
                http_base_port: 18100,
                discovery_base_port: 13700,
                ..
            }
        ));
        assert!(matches!(
            options(&parse(&["--single-address", "--http-port", "19000"])).addressing,
            Addressing::SingleAddress {
                http_base_port: 19000,
                ..
            }
        ));
    }

    #[test]
    fn a_multicast_interface_also_announces_devices() {
        let o = options(&parse(&["--multicast-interface", "veth0"]));
        assert_eq!(o.multicast_interface.as_deref(), Some("veth0"));
        assert!(o.discovery_options.multicast_announce);
    }

    #[test]
    fn a_multicast_interface_outside_a_named_namespace_is_refused_before_anything_is_sent() {
        if in_named_network_namespace() {
            println!(
                "SKIP: this test runs inside a named network namespace, where the option is allowed"
            );
            return;
        }
        let e = run(&parse(&["--multicast-interface", "lo", "--status", "off"])).unwrap_err();
        assert!(e.contains("ip netns exec"), "{e}");
    }

    #[test]
    fn a_port_in_use_names_the_options_that_avoid_it() {
        let a = parse(&[]);
        let bind = |addr: SocketAddr| handover_sim::Error::Bind {
            addr,
            source: std::io::ErrorKind::AddrInUse.into(),
        };
        let status = explain(&bind(SocketAddr::from(([127, 0, 0, 1], 18080))), &a);
        assert!(status.contains("--status off"), "{status}");
        let device = explain(&bind(SocketAddr::from(([127, 20, 0, 10], 8080))), &a);
        assert!(device.contains("--http-port"), "{device}");
    }
}
