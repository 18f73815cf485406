//! Finding devices: WS-Discovery (multicast on chosen interfaces, unicast sweeps of subnets and typed
//! ranges, Hello/Bye), SSDP, mDNS/DNS-SD, manual add, and merging every sighting into one device per endpoint
//! reference (or address when a source has none). Codecs are pure (`wsd`, `ssdp` parsing); the IO
//! modules stream sightings to a callback as they arrive and stop on a CancellationToken.

pub mod hello;
pub mod inventory;
pub mod mdns;
pub mod multicast;
pub mod probe;
pub mod ssdp;
pub mod sweep;
pub mod why;
pub mod wsd;

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How a device was found.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Method {
    /// WS-Discovery multicast probe on this interface.
    Multicast {
        /// Interface name.
        interface: String,
    },
    /// WS-Discovery unicast probe (sweep or typed range).
    Unicast,
    /// A Hello announcement.
    Hello,
    /// SSDP M-SEARCH answer.
    Ssdp,
    /// mDNS / DNS-SD answer.
    Mdns,
    /// Added by hand.
    Manual,
}

/// One sighting of a device by one method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sighting {
    /// Endpoint reference (`urn:uuid:...`); for SSDP, the USN's uuid; for manual adds, the address.
    pub endpoint: String,
    /// Device service URLs.
    pub xaddrs: Vec<String>,
    /// Scopes.
    pub scopes: Vec<String>,
    /// Types.
    pub types: Vec<String>,
    /// The address the answer came from.
    pub address: IpAddr,
    /// How.
    pub method: Method,
}

impl Sighting {
    pub(crate) fn from_endpoint(e: wsd::Endpoint, from: SocketAddr, method: Method) -> Self {
        Sighting {
            endpoint: e.reference,
            xaddrs: e.xaddrs,
            scopes: e.scopes,
            types: e.types,
            address: from.ip(),
            method,
        }
    }

    /// A device added by hand at `address` (an IP, host:port or a full device service URL).
    pub fn manual(address: &str) -> crate::Result<Self> {
        let invalid = || crate::Error::InvalidAddress {
            input: address.to_string(),
            source: None,
        };
        let xaddr = if address.contains("://") {
            address.to_string()
        } else if let Ok(ip) = address.parse::<IpAddr>() {
            match ip {
                IpAddr::V4(v4) => format!("http://{v4}/onvif/device_service"),
                IpAddr::V6(v6) => format!("http://[{v6}]/onvif/device_service"),
            }
        } else {
            format!("http://{address}/onvif/device_service")
        };
        let uri: hyper::Uri = xaddr.parse().map_err(|e: hyper::http::uri::InvalidUri| {
            crate::Error::InvalidAddress {
                input: address.to_string(),
                source: Some(e.into()),
            }
        })?;
        let host = uri
            .host()
            .ok_or_else(invalid)?
            .trim_start_matches('[')
            .trim_end_matches(']');
        let ip: IpAddr = host.parse().map_err(|_| invalid())?;
        Ok(Sighting {
            endpoint: xaddr.clone(),
            xaddrs: vec![xaddr],
            scopes: Vec::new(),
            types: Vec::new(),
            address: ip,
            method: Method::Manual,
        })
    }

    /// The value of an ONVIF scope (`onvif://www.onvif.org/<kind>/<value>`), e.g. `name` or `hardware`.
    pub fn scope(&self, kind: &str) -> Option<&str> {
        let prefix = format!("onvif://www.onvif.org/{kind}/");
        self.scopes
            .iter()
            .find_map(|s| s.strip_prefix(prefix.as_str()))
    }
}

/// WS-Discovery timing shared by multicast and unicast rounds.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// The devices' APP_MAX_DELAY (answers come within it): 500 ms by the standard.
    pub app_max_delay: Duration,
    /// Extra quiet time after APP_MAX_DELAY before a round ends.
    pub margin: Duration,
    /// Probes sent per target (multicast: per interface) in one round.
    pub attempts: u32,
    /// Hard ceiling on one round.
    pub max_round: Duration,
    /// WS-Discovery port to probe (3702; tests use others).
    pub port: u16,
    /// Datagrams sent per millisecond at most (pacing for big sweeps).
    pub sends_per_ms: u32,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions {
            app_max_delay: Duration::from_millis(500),
            margin: Duration::from_millis(150),
            attempts: 3,
            max_round: Duration::from_secs(15),
            port: wsd::PORT,
            sends_per_ms: 50,
        }
    }
}

impl ProbeOptions {
    /// Quiet time that ends a round.
    pub fn quiet(&self) -> Duration {
        self.app_max_delay + self.margin
    }
}
