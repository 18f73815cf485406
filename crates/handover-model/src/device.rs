//! Devices: their stable identity, where they were found, and the facts read from them.

use std::collections::BTreeSet;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::DeviceId;
use crate::names::DeviceLabel;
use crate::plan::Role;

/// A 48-bit Ethernet address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MacAddr(pub [u8; 6]);

/// Why a MAC address could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a MAC address (six hex pairs, e.g. 00:40:8c:12:34:56)")]
pub struct MacParseError(pub String);

impl MacAddr {
    /// The first three bytes: the manufacturer's OUI.
    pub fn oui(&self) -> [u8; 3] {
        [self.0[0], self.0[1], self.0[2]]
    }
}

impl FromStr for MacAddr {
    type Err = MacParseError;
    /// Accepts `00:40:8C:12:34:56`, `00-40-8c-12-34-56` and `00408c123456`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let hex: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, ':' | '-' | '.'))
            .collect();
        if hex.len() != 12 {
            return Err(MacParseError(s.to_owned()));
        }
        let mut out = [0u8; 6];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
                .map_err(|_| MacParseError(s.to_owned()))?;
        }
        Ok(Self(out))
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0;
        write!(
            f,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            b[0], b[1], b[2], b[3], b[4], b[5]
        )
    }
}

impl Serialize for MacAddr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MacAddr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// How a device was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiscoveryMethod {
    /// A multicast WS-Discovery probe on a local interface.
    WsDiscovery,
    /// A Hello announcement heard while listening.
    Hello,
    /// A unicast WS-Discovery probe sent while sweeping a subnet.
    UnicastSweep,
    /// mDNS / DNS-SD.
    Mdns,
    /// SSDP (UPnP).
    Ssdp,
    /// Typed in by the technician.
    Manual,
}

impl fmt::Display for DiscoveryMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DiscoveryMethod::WsDiscovery => "ws-discovery",
            DiscoveryMethod::Hello => "hello",
            DiscoveryMethod::UnicastSweep => "unicast-sweep",
            DiscoveryMethod::Mdns => "mdns",
            DiscoveryMethod::Ssdp => "ssdp",
            DiscoveryMethod::Manual => "manual",
        })
    }
}

/// What makes a device the same device when it is seen again, possibly at another address.
///
/// Two sightings are the same device when any of the three match (endpoint reference first, then MAC, then
/// serial qualified by manufacturer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DeviceIdentity {
    /// The WS-Discovery endpoint reference (usually `urn:uuid:...`).
    pub endpoint_ref: Option<String>,
    /// The primary network interface's MAC.
    pub mac: Option<MacAddr>,
    /// The serial number the device reports.
    pub serial: Option<String>,
}

impl DeviceIdentity {
    /// Whether two identities name the same physical device.
    pub fn same_device(&self, other: &DeviceIdentity) -> bool {
        fn both<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
            matches!((a, b), (Some(x), Some(y)) if x == y)
        }
        both(&self.endpoint_ref, &other.endpoint_ref)
            || both(&self.mac, &other.mac)
            || both(&self.serial, &other.serial)
    }
}

/// What was read from a device. Every field is optional: a device may refuse or not support a query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DeviceFacts {
    /// Manufacturer as the device reports it.
    pub manufacturer: Option<String>,
    /// Model.
    pub model: Option<String>,
    /// Firmware version string, as reported.
    pub firmware: Option<String>,
    /// Hardware id.
    pub hardware_id: Option<String>,
    /// Host name.
    pub hostname: Option<String>,
    /// ONVIF device service address.
    pub xaddr: Option<String>,
    /// ONVIF scopes.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Whether the address came from DHCP.
    pub dhcp: Option<bool>,
    /// Default gateway(s).
    #[serde(default)]
    pub gateways: Vec<IpAddr>,
    /// DNS servers.
    #[serde(default)]
    pub dns: Vec<IpAddr>,
    /// NTP servers configured on the device.
    #[serde(default)]
    pub ntp: Vec<String>,
    /// Whether the device takes its time from NTP.
    pub ntp_enabled: Option<bool>,
    /// Device clock minus our clock, in milliseconds, when last read.
    pub clock_skew_ms: Option<i64>,
    /// Network protocols the device reports (e.g. `HTTP:80`, `HTTPS:443`, `RTSP:554`), `name:port` when enabled.
    #[serde(default)]
    pub protocols: Vec<String>,
    /// Whether WS-Discovery is on.
    pub discoverable: Option<bool>,
    /// How the device wants to be authenticated: `http-digest`, `ws-username-token`, or `none`.
    pub auth_scheme: Option<String>,
    /// The accounts on the device, when they could be read.
    #[serde(default)]
    pub users: Vec<DeviceUser>,
    /// Where a switch saw the device's MAC, when a switch was asked.
    #[serde(default)]
    pub switch_port: Option<SwitchPort>,
    /// SHA-256 (`AB:CD:...`) of the TLS certificate the device presented the first time Handover reached it
    /// over HTTPS: pinned, so a different certificate later is refused before anything is sent (a replaced or
    /// reset device is re-trusted by forgetting the pin on purpose).
    #[serde(default)]
    pub tls_fingerprint: Option<String>,
    /// Whether the device changes passwords over ONVIF (SetUser/CreateUsers): `Some(false)` once it answered
    /// that it cannot (ter:ActionNotSupported), so its password changes only in the vendor's tool or web page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onvif_password_change: Option<bool>,
}

/// An account on a device (never its password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceUser {
    /// User name.
    pub username: String,
    /// ONVIF user level: `Administrator`, `Operator`, `User`, `Anonymous` or `Extended`.
    pub level: String,
}

/// Layer-2 truth: the switch port a device's MAC was learned on, and that port's VLAN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchPort {
    /// The switch's name or address.
    pub switch: String,
    /// The port (interface name or bridge port number).
    pub port: String,
    /// The VLAN the MAC was learned in (Q-BRIDGE-MIB), or the port's PVID.
    pub vlan: u16,
}

/// A device in the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    /// The id inside this project.
    pub id: DeviceId,
    /// What makes it the same device when seen again.
    pub identity: DeviceIdentity,
    /// The address it was last reached at.
    pub address: IpAddr,
    /// Earlier addresses it was seen at, oldest first.
    #[serde(default)]
    pub previous_addresses: Vec<IpAddr>,
    /// Its role (from its scopes, or set by the technician).
    pub role: Option<Role>,
    /// How it was found.
    pub found_by: BTreeSet<DiscoveryMethod>,
    /// What was read from it.
    pub facts: DeviceFacts,
    /// What the technician called it and where it is (see [`Device::name`]).
    #[serde(default)]
    pub label: DeviceLabel,
    /// When it was first seen.
    #[serde(with = "time::serde::rfc3339")]
    pub first_seen: OffsetDateTime,
    /// When it was last seen.
    #[serde(with = "time::serde::rfc3339")]
    pub last_seen: OffsetDateTime,
}

impl DeviceFacts {
    /// Takes every fact `newer` knows, keeping what `self` knew where `newer` has nothing. A device whose
    /// HTTPS certificate is pinned keeps its `https://` XAddr when a sighting offers only plain HTTP (an
    /// announcement cannot talk Handover out of TLS).
    pub fn merge_from(&mut self, newer: DeviceFacts) {
        fn opt<T>(old: &mut Option<T>, new: Option<T>) {
            if new.is_some() {
                *old = new;
            }
        }
        fn list<T>(old: &mut Vec<T>, new: Vec<T>) {
            if !new.is_empty() {
                *old = new;
            }
        }
        let DeviceFacts {
            manufacturer,
            model,
            firmware,
            hardware_id,
            hostname,
            xaddr,
            scopes,
            dhcp,
            gateways,
            dns,
            ntp,
            ntp_enabled,
            clock_skew_ms,
            protocols,
            discoverable,
            auth_scheme,
            users,
            switch_port,
            tls_fingerprint,
            onvif_password_change,
        } = newer;
        let https = |x: &Option<String>| {
            x.as_deref().is_some_and(|x| {
                x.get(..8)
                    .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
            })
        };
        let downgrade = self.tls_fingerprint.is_some()
            && tls_fingerprint.is_none()
            && https(&self.xaddr)
            && !https(&xaddr);
        opt(&mut self.manufacturer, manufacturer);
        opt(&mut self.model, model);
        opt(&mut self.firmware, firmware);
        opt(&mut self.hardware_id, hardware_id);
        opt(&mut self.hostname, hostname);
        if !downgrade {
            opt(&mut self.xaddr, xaddr);
        }
        list(&mut self.scopes, scopes);
        opt(&mut self.dhcp, dhcp);
        list(&mut self.gateways, gateways);
        list(&mut self.dns, dns);
        list(&mut self.ntp, ntp);
        opt(&mut self.ntp_enabled, ntp_enabled);
        opt(&mut self.clock_skew_ms, clock_skew_ms);
        list(&mut self.protocols, protocols);
        opt(&mut self.discoverable, discoverable);
        opt(&mut self.auth_scheme, auth_scheme);
        list(&mut self.users, users);
        opt(&mut self.switch_port, switch_port);
        opt(&mut self.tls_fingerprint, tls_fingerprint);
        opt(&mut self.onvif_password_change, onvif_password_change);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_parses_common_forms_and_rejects_junk() {
        let m: MacAddr = "00:40:8C:12:34:56".parse().unwrap();
        assert_eq!(m.to_string(), "00:40:8c:12:34:56");
        assert_eq!("00-40-8c-12-34-56".parse::<MacAddr>().unwrap(), m);
        assert_eq!("00408c123456".parse::<MacAddr>().unwrap(), m);
        assert_eq!(m.oui(), [0x00, 0x40, 0x8c]);
        for bad in [
            "",
            "00:40:8c:12:34",
            "zz:40:8c:12:34:56",
            "00:40:8c:12:34:56:78",
        ] {
            assert!(bad.parse::<MacAddr>().is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn identity_matches_on_any_shared_key_but_not_on_absent_ones() {
        let a = DeviceIdentity {
            endpoint_ref: Some("urn:uuid:1".into()),
            mac: None,
            serial: Some("S1".into()),
        };
        let b = DeviceIdentity {
            endpoint_ref: None,
            mac: None,
            serial: Some("S1".into()),
        };
        let c = DeviceIdentity::default();
        assert!(a.same_device(&b));
        assert!(!a.same_device(&c));
        assert!(!c.same_device(&DeviceIdentity::default()));
    }

    #[test]
    fn a_pinned_device_keeps_its_https_xaddr_against_a_plain_http_sighting() {
        let mut pinned = DeviceFacts {
            xaddr: Some("https://10.0.0.5:443/onvif/device_service".into()),
            tls_fingerprint: Some("AB:CD".into()),
            ..DeviceFacts::default()
        };
        pinned.merge_from(DeviceFacts {
            xaddr: Some("http://10.0.0.5/onvif/device_service".into()),
            firmware: Some("1.2".into()),
            ..DeviceFacts::default()
        });
        assert_eq!(
            pinned.xaddr.as_deref(),
            Some("https://10.0.0.5:443/onvif/device_service")
        );
        assert_eq!(pinned.firmware.as_deref(), Some("1.2"));
        assert_eq!(pinned.tls_fingerprint.as_deref(), Some("AB:CD"));

        // Another HTTPS address is taken; without a pin, plain HTTP is taken too.
        pinned.merge_from(DeviceFacts {
            xaddr: Some("HTTPS://10.0.0.9:8443/onvif/device_service".into()),
            ..DeviceFacts::default()
        });
        assert_eq!(
            pinned.xaddr.as_deref(),
            Some("HTTPS://10.0.0.9:8443/onvif/device_service")
        );
        let mut unpinned = DeviceFacts {
            xaddr: Some("https://10.0.0.5/onvif/device_service".into()),
            ..DeviceFacts::default()
        };
        unpinned.merge_from(DeviceFacts {
            xaddr: Some("http://10.0.0.5/onvif/device_service".into()),
            ..DeviceFacts::default()
        });
        assert_eq!(
            unpinned.xaddr.as_deref(),
            Some("http://10.0.0.5/onvif/device_service")
        );
    }
}
