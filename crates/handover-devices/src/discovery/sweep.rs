//! Unicast sweeps of planned subnets and typed CIDR ranges, for routed VLANs where multicast never
//! arrives, and the "why not found" account of each subnet as data: whether this laptop has a route
//! there (and from which address), which hosts answered WS-Discovery, and for the silent ones a bounded
//! follow-up (TCP connect on the usual ONVIF ports, then an anonymous GetSystemDateAndTime) that tells a
//! host that is not ONVIF from ONVIF refusing us or ONVIF with discovery switched off.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use futures::StreamExt as _;
use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use crate::discovery::probe::{ProbeRound, probe_unicast};
use crate::discovery::{ProbeOptions, Sighting};
use crate::error::{Error, Result};
use crate::onvif::session::DeviceClient;

/// Sweep settings.
#[derive(Debug, Clone)]
pub struct SweepOptions {
    /// WS-Discovery timing.
    pub probe: ProbeOptions,
    /// Largest number of hosts swept in one call (refuses a mistyped /8).
    pub max_hosts: usize,
    /// Ports tried on hosts that stayed silent (empty: no follow-up).
    pub follow_up_ports: Vec<u16>,
    /// Follow-up connections in flight at once.
    pub follow_up_concurrency: usize,
    /// Connect timeout of a follow-up.
    pub follow_up_timeout: Duration,
    /// Client for the follow-up ONVIF question (None: TCP only).
    pub client: Option<DeviceClient>,
}

impl Default for SweepOptions {
    fn default() -> Self {
        SweepOptions {
            probe: ProbeOptions::default(),
            max_hosts: 65_536,
            follow_up_ports: vec![80, 8080],
            follow_up_concurrency: 64,
            follow_up_timeout: Duration::from_millis(800),
            client: None,
        }
    }
}

/// Whether this laptop can reach a subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Route {
    /// Routed; packets leave from this local address.
    Via {
        /// Our source address towards the subnet.
        local: IpAddr,
    },
    /// No route from this laptop.
    NoRoute {
        /// The OS's words.
        error: String,
    },
}

/// What one silent host turned out to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum HostVerdict {
    /// Answered WS-Discovery with something we refused (malformed, gigantic, entity bomb).
    HostileAnswer {
        /// Why it was refused.
        detail: String,
    },
    /// Answered WS-Discovery, well-formed, but with no ProbeMatch for our probe (what it sent is in `detail`):
    /// a device speaking its own dialect, never "ports closed".
    UnreadableAnswer {
        /// What came back.
        detail: String,
    },
    /// Speaks ONVIF on this port but did not answer WS-Discovery (discovery off?).
    OnvifNotDiscoverable {
        /// Port.
        port: u16,
    },
    /// Speaks ONVIF on this port but refused us (credentials even for the clock, lockout, fault).
    OnvifRefusing {
        /// Port.
        port: u16,
        /// What it said.
        detail: String,
    },
    /// A TCP service answers on this port, but it is not ONVIF.
    NotOnvif {
        /// Port.
        port: u16,
        /// What came back.
        detail: String,
    },
    /// The host is up (it refused our connections) but nothing listens on the ONVIF ports.
    PortsClosed,
}

/// The one-line reading of a subnet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Summary {
    /// Devices answered WS-Discovery.
    Found,
    /// No route from this laptop.
    NoRoute,
    /// Nothing answered at all.
    Silence,
    /// Hosts answered, none of them ONVIF.
    OnlyNonOnvif,
    /// ONVIF hosts answered but refused us or keep discovery off (and none was found).
    OnvifRefusing,
}

/// The account of one subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetReport {
    /// The subnet.
    pub subnet: Ipv4Net,
    /// Route from this laptop.
    pub route: Route,
    /// Hosts at least one probe went out to.
    pub hosts_probed: usize,
    /// Probed hosts that answered WS-Discovery properly (an answer is credited to the host whose probe it
    /// answers, so never more than were probed).
    pub found: Vec<IpAddr>,
    /// Hosts that did not answer properly but said something.
    pub others: Vec<(IpAddr, HostVerdict)>,
    /// Hosts from which nothing came back at all.
    pub silent: usize,
    /// Hosts no probe could be sent to (not among the probed).
    pub send_failures: usize,
    /// The reading.
    pub summary: Summary,
}

/// A whole sweep.
#[derive(Debug, Default)]
pub struct SweepReport {
    /// Per subnet, in the order given.
    pub subnets: Vec<SubnetReport>,
    /// Every distinct endpoint found.
    pub found: Vec<Sighting>,
    /// The WS-Discovery round itself.
    pub round: ProbeRound,
}

/// Which route the OS would use towards `ip` (a connected UDP socket sends nothing).
pub fn route_to(ip: Ipv4Addr) -> Route {
    let probe = std::net::UdpSocket::bind("0.0.0.0:0").and_then(|s| {
        s.connect((ip, 9))?;
        s.local_addr()
    });
    match probe {
        Ok(local) => Route::Via { local: local.ip() },
        Err(e) => Route::NoRoute {
            error: e.to_string(),
        },
    }
}

fn hosts(net: &Ipv4Net) -> Vec<Ipv4Addr> {
    if net.prefix_len() >= 31 {
        net.hosts()
            .collect::<Vec<_>>()
            .into_iter()
            .chain(if net.prefix_len() == 32 {
                vec![net.addr()]
            } else {
                vec![]
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    } else {
        net.hosts().collect()
    }
}

/// Parses typed ranges (`10.1.2.0/24`, or a bare address as /32).
pub fn parse_ranges(text: &str) -> Result<Vec<Ipv4Net>> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<Ipv4Net>()
                .map(|n| n.trunc())
                .or_else(|_| s.parse::<Ipv4Addr>().map(Ipv4Net::from))
                .map_err(|e| Error::InvalidAddress {
                    input: s.to_string(),
                    source: Some(e.into()),
                })
        })
        .collect()
}

/// Sweeps `subnets` by unicast WS-Discovery; `on_found` sees each endpoint as it arrives.
pub async fn sweep<F>(
    subnets: &[Ipv4Net],
    opts: &SweepOptions,
    cancel: &CancellationToken,
    on_found: F,
) -> Result<SweepReport>
where
    F: FnMut(&Sighting),
{
    let total: usize = subnets.iter().map(|n| hosts(n).len()).sum();
    if total > opts.max_hosts {
        return Err(Error::InvalidAddress {
            input: format!("{} hosts", total),
            source: Some(
                format!(
                    "more than the {} hosts allowed in one sweep",
                    opts.max_hosts
                )
                .into(),
            ),
        });
    }
    let routes: Vec<Route> = subnets.iter().map(|n| route_to(n.network())).collect();
    let targets: Vec<SocketAddr> = subnets
        .iter()
        .zip(&routes)
        .filter(|(_, r)| matches!(r, Route::Via { .. }))
        .flat_map(|(n, _)| hosts(n))
        .map(|ip| SocketAddr::from((ip, opts.probe.port)))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let round = probe_unicast(&targets, &opts.probe, cancel, on_found).await?;
    let mut verdicts: HashMap<IpAddr, HostVerdict> = HashMap::new();
    for (a, e) in &round.hostile {
        verdicts.insert(
            a.ip(),
            HostVerdict::HostileAnswer {
                detail: e.to_string(),
            },
        );
    }
    for (a, what) in &round.unreadable {
        verdicts.insert(
            a.ip(),
            HostVerdict::UnreadableAnswer {
                detail: what.clone(),
            },
        );
    }
    if !opts.follow_up_ports.is_empty() {
        let silent: Vec<IpAddr> = round.silent.iter().map(SocketAddr::ip).collect();
        let checked = futures::stream::iter(silent)
            .map(|ip| async move { (ip, follow_up(ip, opts).await) })
            .buffer_unordered(opts.follow_up_concurrency.max(1));
        let results: Vec<(IpAddr, Option<HostVerdict>)> = tokio::select! {
            _ = cancel.cancelled() => return Err(Error::Cancelled),
            r = checked.collect() => r,
        };
        for (ip, v) in results {
            if let Some(v) = v {
                verdicts.insert(ip, v);
            }
        }
    }
    let mut report = SweepReport {
        subnets: Vec::new(),
        found: round.found.clone(),
        round: ProbeRound::default(),
    };
    for (net, route) in subnets.iter().zip(routes) {
        let inside = |ip: &IpAddr| matches!(ip, IpAddr::V4(v4) if net.contains(v4));
        let mut found: Vec<IpAddr> = round
            .answered
            .iter()
            .map(SocketAddr::ip)
            .filter(inside)
            .collect();
        found.sort();
        found.dedup();
        let mut others: Vec<(IpAddr, HostVerdict)> = verdicts
            .iter()
            .filter(|(ip, _)| inside(ip))
            .map(|(i, v)| (*i, v.clone()))
            .collect();
        others.sort_by_key(|(ip, _)| *ip);
        let silent = round
            .silent
            .iter()
            .filter(|a| inside(&a.ip()) && !verdicts.contains_key(&a.ip()))
            .count();
        let send_failures = round
            .send_failed
            .iter()
            .filter(|(a, _)| inside(&a.ip()))
            .count();
        let summary = match (&route, found.is_empty()) {
            (Route::NoRoute { .. }, _) => Summary::NoRoute,
            (_, false) => Summary::Found,
            _ if others.iter().any(|(_, v)| {
                matches!(
                    v,
                    HostVerdict::OnvifRefusing { .. }
                        | HostVerdict::OnvifNotDiscoverable { .. }
                        | HostVerdict::HostileAnswer { .. }
                        | HostVerdict::UnreadableAnswer { .. }
                )
            }) =>
            {
                Summary::OnvifRefusing
            }
            _ if !others.is_empty() => Summary::OnlyNonOnvif,
            _ => Summary::Silence,
        };
        // Exact: the hosts at least one probe went out to (a host no probe could reach is a send failure).
        let hosts_probed = round.probed.iter().filter(|a| inside(&a.ip())).count();
        report.subnets.push(SubnetReport {
            subnet: *net,
            route,
            hosts_probed,
            found,
            others,
            silent,
            send_failures,
            summary,
        });
    }
    report.round = round;
    Ok(report)
}

/// TCP connect on each follow-up port; on an open port, one anonymous GetSystemDateAndTime.
async fn follow_up(ip: IpAddr, opts: &SweepOptions) -> Option<HostVerdict> {
    let mut refused = false;
    for &port in &opts.follow_up_ports {
        let addr = SocketAddr::new(ip, port);
        match tokio::time::timeout(opts.follow_up_timeout, tokio::net::TcpStream::connect(addr))
            .await
        {
            Ok(Ok(_stream)) => {
                let Some(client) = &opts.client else {
                    return Some(HostVerdict::NotOnvif {
                        port,
                        detail: "a TCP service listens (ONVIF not asked)".into(),
                    });
                };
                let host = match ip {
                    IpAddr::V4(v4) => v4.to_string(),
                    IpAddr::V6(v6) => format!("[{v6}]"),
                };
                let Ok(session) =
                    client.session(&format!("http://{host}:{port}/onvif/device_service"), None)
                else {
                    continue;
                };
                return Some(match session.system_date_and_time().await {
                    Ok(_) => HostVerdict::OnvifNotDiscoverable { port },
                    Err(e)
                        if e.is_auth_required() || e.is_auth_rejected() || e.fault().is_some() =>
                    {
                        HostVerdict::OnvifRefusing {
                            port,
                            detail: e.to_string(),
                        }
                    }
                    Err(e) => HostVerdict::NotOnvif {
                        port,
                        detail: e.to_string(),
                    },
                });
            }
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => refused = true,
            _ => {}
        }
    }
    refused.then_some(HostVerdict::PortsClosed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_hosts_exclude_network_and_broadcast() {
        let r = parse_ranges("10.0.0.0/30, 10.0.1.7 127.20.0.9/24").unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(r[2].to_string(), "127.20.0.0/24");
        assert_eq!(hosts(&r[0]).len(), 2);
        assert_eq!(hosts(&r[1]), vec![Ipv4Addr::new(10, 0, 1, 7)]);
        assert_eq!(hosts(&r[2]).len(), 254);
        assert!(parse_ranges("10.0.0.0/33").is_err());
        assert!(parse_ranges("cameras").is_err());
    }

    #[test]
    fn loopback_is_routed() {
        assert_eq!(
            route_to(Ipv4Addr::new(127, 0, 0, 9)),
            Route::Via {
                local: IpAddr::V4(Ipv4Addr::LOCALHOST)
            }
        );
    }
}
