//! "Why not found", per planned subnet, as data: what multicast heard there, what the unicast sweep
//! found, whether this laptop has a route at all, and what the silent or odd hosts turned out to be.
//! Pure: it only combines results the IO modules produced.

use std::net::IpAddr;

use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};

use crate::discovery::sweep::{HostVerdict, Route, Summary, SweepReport};
use crate::discovery::{Method, Sighting};

/// The account of one planned subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetAccount {
    /// The planned subnet.
    pub subnet: Ipv4Net,
    /// Devices heard there by multicast.
    pub by_multicast: usize,
    /// Devices found there by the unicast sweep.
    pub by_unicast: usize,
    /// Devices found there by Hello, SSDP, mDNS or by hand.
    pub by_other: usize,
    /// Route from this laptop (None when the subnet was not swept).
    pub route: Option<Route>,
    /// The sweep's reading (None when not swept).
    pub sweep: Option<Summary>,
    /// Hosts that said something other than a proper WS-Discovery answer.
    pub others: Vec<(IpAddr, HostVerdict)>,
    /// Hosts from which nothing came back.
    pub silent: usize,
    /// In words, for the technician.
    pub explanation: String,
}

fn inside(net: &Ipv4Net, ip: &IpAddr) -> bool {
    matches!(ip, IpAddr::V4(v4) if net.contains(v4))
}

/// Builds the account of every planned subnet from every sighting and the sweep (if one ran).
pub fn explain(
    plan: &[Ipv4Net],
    sightings: &[Sighting],
    sweep: Option<&SweepReport>,
) -> Vec<SubnetAccount> {
    plan.iter()
        .map(|net| {
            let here: Vec<&Sighting> = sightings.iter().filter(|s| inside(net, &s.address)).collect();
            let distinct = |f: &dyn Fn(&Method) -> bool| {
                let mut v: Vec<&str> = here.iter().filter(|s| f(&s.method)).map(|s| s.endpoint.as_str()).collect();
                v.sort();
                v.dedup();
                v.len()
            };
            let by_multicast = distinct(&|m| matches!(m, Method::Multicast { .. }));
            let mut by_unicast = distinct(&|m| *m == Method::Unicast);
            let by_other = distinct(&|m| matches!(m, Method::Hello | Method::Ssdp | Method::Mdns | Method::Manual));
            let sub = sweep.and_then(|r| r.subnets.iter().find(|s| s.subnet == *net));
            if let (Some(r), Some(_)) = (sweep, sub) {
                let mut v: Vec<&str> = r.found.iter().filter(|s| inside(net, &s.address)).map(|s| s.endpoint.as_str()).collect();
                v.sort();
                v.dedup();
                by_unicast = by_unicast.max(v.len());
            }
            let explanation = match sub {
                Some(s) => match (&s.route, s.summary) {
                    (Route::NoRoute { error }, _) => format!("no route from this laptop ({error}); nothing can be found there from here"),
                    (_, Summary::Found) if by_multicast == 0 => format!(
                        "multicast heard nothing here (it does not cross routed VLANs); the unicast sweep found {by_unicast}"
                    ),
                    (_, Summary::Found) => format!("found {by_unicast} by unicast sweep, {by_multicast} by multicast"),
                    (_, Summary::Silence) => format!("all {} hosts stayed silent (no WS-Discovery, no TCP answer)", s.hosts_probed),
                    (_, Summary::OnlyNonOnvif) => format!("{} hosts answered, none of them ONVIF", s.others.len()),
                    (_, Summary::NoRoute) => "no route from this laptop".to_string(),
                    (_, Summary::OnvifRefusing) => "ONVIF hosts answered but refused us, sent hostile or unreadable WS-Discovery answers, or keep discovery off".to_string(),
                },
                None if by_multicast > 0 => format!("found {by_multicast} by multicast; not swept"),
                None => "nothing heard by multicast and not swept".to_string(),
            };
            SubnetAccount {
                subnet: *net,
                by_multicast,
                by_unicast,
                by_other,
                route: sub.map(|s| s.route.clone()),
                sweep: sub.map(|s| s.summary),
                others: sub.map(|s| s.others.clone()).unwrap_or_default(),
                silent: sub.map_or(0, |s| s.silent),
                explanation,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::sweep::SubnetReport;

    fn s(ep: &str, ip: &str, m: Method) -> Sighting {
        Sighting {
            endpoint: ep.into(),
            xaddrs: vec![],
            scopes: vec![],
            types: vec![],
            address: ip.parse().unwrap(),
            method: m,
        }
    }

    #[test]
    fn each_subnet_gets_its_account() {
        let plan: Vec<Ipv4Net> = [
            "10.20.0.0/24",
            "10.30.0.0/24",
            "10.99.0.0/24",
            "10.50.0.0/24",
        ]
        .iter()
        .map(|n| n.parse().unwrap())
        .collect();
        let mc = Method::Multicast {
            interface: "eth20".into(),
        };
        let sightings = vec![
            s("a", "10.20.0.10", mc.clone()),
            s("a", "10.20.0.10", Method::Unicast),
            s("b", "10.30.0.10", Method::Unicast),
        ];
        let sub = |net: &str, route: Route, summary: Summary, found: Vec<&str>| SubnetReport {
            subnet: net.parse().unwrap(),
            route,
            hosts_probed: 254,
            found: found.iter().map(|f| f.parse().unwrap()).collect(),
            others: vec![],
            silent: 0,
            send_failures: 0,
            summary,
        };
        let via = Route::Via {
            local: "10.20.0.100".parse().unwrap(),
        };
        let report = SweepReport {
            subnets: vec![
                sub(
                    "10.20.0.0/24",
                    via.clone(),
                    Summary::Found,
                    vec!["10.20.0.10"],
                ),
                sub(
                    "10.30.0.0/24",
                    via.clone(),
                    Summary::Found,
                    vec!["10.30.0.10"],
                ),
                sub(
                    "10.99.0.0/24",
                    Route::NoRoute {
                        error: "Network is unreachable".into(),
                    },
                    Summary::NoRoute,
                    vec![],
                ),
            ],
            found: vec![
                s("a", "10.20.0.10", Method::Unicast),
                s("b", "10.30.0.10", Method::Unicast),
            ],
            round: Default::default(),
        };
        let a = explain(&plan, &sightings, Some(&report));
        assert_eq!((a[0].by_multicast, a[0].by_unicast), (1, 1));
        assert_eq!((a[1].by_multicast, a[1].by_unicast), (0, 1));
        assert!(
            a[1].explanation.starts_with("multicast heard nothing here"),
            "{}",
            a[1].explanation
        );
        assert_eq!(a[2].sweep, Some(Summary::NoRoute));
        assert!(
            a[2].explanation.starts_with("no route from this laptop"),
            "{}",
            a[2].explanation
        );
        assert_eq!(a[3].route, None);
        assert_eq!(a[3].explanation, "nothing heard by multicast and not swept");
    }
}
