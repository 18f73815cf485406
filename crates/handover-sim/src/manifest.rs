//! The site manifest (TOML): VLANs, the switch and every simulated device, with the faults planted on the
//! demo site. It is the single source of the planted facts: each device may list `planted = [...]`, and
//! loading fails unless that list is exactly what the device's other fields imply (a misplaced subnet, a
//! port on the wrong VLAN, outdated firmware, ...). This module parses and checks; it opens no socket.

use std::collections::{BTreeSet, HashSet};
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::faults::FaultSpec;
use crate::personality::{FirstSetup, Vendor};

/// The built-in demo site (also at assets/demo/site.toml).
pub const DEMO_SITE_TOML: &str = include_str!("../../../assets/demo/site.toml");

/// A whole simulated site.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteManifest {
    /// Site name and location.
    pub site: SiteInfo,
    /// The VLANs of the site plan.
    #[serde(default, rename = "vlan")]
    pub vlans: Vec<VlanSpec>,
    /// The managed switch answering SNMP, if any.
    #[serde(default)]
    pub switch: Option<SwitchSpec>,
    /// The devices.
    #[serde(default, rename = "device")]
    pub devices: Vec<DeviceSpec>,
}

/// Site name and location.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteInfo {
    /// Human name of the site.
    pub name: String,
    /// Free-text location, used in the `location` scope when a device has none.
    #[serde(default)]
    pub location: Option<String>,
}

/// One VLAN with its subnet, services and the device roles that belong on it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VlanSpec {
    /// 802.1Q VLAN id.
    pub id: u16,
    /// VLAN name.
    pub name: String,
    /// IPv4 subnet (loopback ranges on a single machine).
    pub subnet: Ipv4Net,
    /// Default gateway handed to devices.
    pub gateway: Ipv4Addr,
    /// DNS server.
    pub dns: Ipv4Addr,
    /// NTP server.
    pub ntp: Ipv4Addr,
    /// Roles planned for this VLAN.
    #[serde(default)]
    pub roles: Vec<Role>,
}

/// The device role, visible to clients as the scope `onvif://www.onvif.org/type/<role>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// IP camera.
    Camera,
    /// Network video recorder.
    Nvr,
    /// Door controller or reader.
    AccessControl,
    /// Door station / intercom.
    Intercom,
}

impl Role {
    /// The scope spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Camera => "camera",
            Role::Nvr => "nvr",
            Role::AccessControl => "access-control",
            Role::Intercom => "intercom",
        }
    }
}

/// The simulated managed switch.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SwitchSpec {
    /// sysName.
    #[serde(default = "default_switch_name")]
    pub name: String,
    /// Address the SNMP agent binds.
    #[serde(default = "default_switch_address")]
    pub address: Ipv4Addr,
    /// UDP port of the agent (161 needs root; the default is 1161).
    #[serde(default = "default_snmp_port")]
    pub port: u16,
    /// SNMPv2c read community.
    #[serde(default = "default_community")]
    pub community: String,
    /// SNMPv3 user (authPriv, SHA-256 + AES-128).
    #[serde(default = "default_v3_user")]
    pub v3_user: String,
    /// SNMPv3 authentication passphrase.
    #[serde(default = "default_v3_auth")]
    pub v3_auth_password: String,
    /// SNMPv3 privacy passphrase.
    #[serde(default = "default_v3_priv")]
    pub v3_priv_password: String,
    /// Port the technician's laptop (the uplink) is on.
    #[serde(default = "default_uplink")]
    pub uplink_port: u16,
}

fn default_switch_name() -> String {
    "sim-switch-01".into()
}
fn default_switch_address() -> Ipv4Addr {
    Ipv4Addr::new(127, 0, 0, 1)
}
fn default_snmp_port() -> u16 {
    1161
}
fn default_community() -> String {
    "public".into()
}
fn default_v3_user() -> String {
    "handover".into()
}
fn default_v3_auth() -> String {
    "handover-auth-pass".into()
}
fn default_v3_priv() -> String {
    "handover-priv-pass".into()
}
fn default_uplink() -> u16 {
    48
}
fn yes() -> bool {
    true
}

/// Configured (in service) or straight out of the box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceCondition {
    /// In service: users exist (factory default password unless `password` says otherwise).
    #[default]
    Configured,
    /// Factory-new: what that means depends on the vendor (activation, no users, default password).
    FactoryNew,
}

/// A fault planted on the demo site, derived from the device's other fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Planted {
    /// Address is in a VLAN whose planned roles do not include the device's role.
    MisplacedSubnet,
    /// Address is on the right subnet, but the switch port's VLAN (PVID) is another one.
    WrongPortVlan,
    /// Firmware differs from the model's current firmware.
    OutdatedFirmware,
    /// Configured with a password that is not the factory default.
    PasswordChanged,
    /// The vendor locks an account or blocks the client after repeated failures.
    LockoutProne,
    /// Factory-new and must be activated by the vendor's own protocol first.
    FactoryNewActivation,
    /// Factory-new with no users: ONVIF CreateUsers creates the first one.
    FactoryNewNoUsers,
    /// HTTPS is not offered (GetNetworkProtocols lists HTTP only).
    HttpOnly,
    /// HTTPS is on, but plain HTTP was left on beside it.
    HttpBesideHttps,
    /// No NTP server configured.
    NtpNotSet,
    /// The device clock is off by a minute or more.
    ClockSkew,
}

/// Clock skew from which `clock-skew` counts as planted.
pub const CLOCK_SKEW_THRESHOLD_SECS: i64 = 60;

/// One simulated device.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceSpec {
    /// Unique name (also the hostname and the `name` scope).
    pub name: String,
    /// Vendor personality.
    pub vendor: Vendor,
    /// Role.
    pub role: Role,
    /// Model; defaults to the vendor's first model for the role.
    #[serde(default)]
    pub model: Option<String>,
    /// Firmware; defaults to the model's current firmware.
    #[serde(default)]
    pub firmware: Option<String>,
    /// Known CVEs of this firmware (documentation for the demo; the tool must find them itself).
    #[serde(default)]
    pub cves: Vec<String>,
    /// IPv4 address (127.0.0.0/8 on one machine).
    pub address: Ipv4Addr,
    /// MAC address `aa:bb:cc:dd:ee:ff`; defaults to the vendor OUI plus the device's index. Two devices may
    /// share one (cheap cameras ship with duplicated MACs).
    #[serde(default)]
    pub mac: Option<String>,
    /// Serial number; defaults to the vendor's prefix and the MAC's last three bytes.
    #[serde(default)]
    pub serial: Option<String>,
    /// Added to the site's HTTP (and HTTPS) port, so several devices share one address on distinct ports (an
    /// encoder's channels, an NVR, a NAT'd site). Devices on one address share its WS-Discovery socket: each
    /// answers a probe with its own ProbeMatch.
    #[serde(default)]
    pub port_offset: u16,
    /// Switch port; defaults to the device's 1-based index.
    #[serde(default)]
    pub switch_port: Option<u16>,
    /// VLAN (PVID) of the switch port; defaults to the VLAN of the address.
    #[serde(default)]
    pub port_vlan: Option<u16>,
    /// Location scope text.
    #[serde(default)]
    pub location: Option<String>,
    /// Configured or factory-new.
    #[serde(default)]
    pub condition: DeviceCondition,
    /// Administrator user name; defaults to the vendor's factory user.
    #[serde(default)]
    pub username: Option<String>,
    /// Administrator password; defaults to the vendor's factory password.
    #[serde(default)]
    pub password: Option<String>,
    /// Device clock minus true time, in seconds.
    #[serde(default)]
    pub clock_skew_secs: i64,
    /// Whether an NTP server is configured (the VLAN's).
    #[serde(default = "yes")]
    pub ntp_set: bool,
    /// Whether HTTPS is offered (a real TLS listener with the site's self-signed certificate).
    #[serde(default = "yes")]
    pub https: bool,
    /// Whether plain HTTP is on; with it off the device serves ONVIF over HTTPS only (and announces an
    /// `https://` XAddr).
    #[serde(default = "yes")]
    pub http: bool,
    /// Whether WS-Discovery answers probes.
    #[serde(default = "yes")]
    pub discoverable: bool,
    /// How long the device is gone after a reboot, in milliseconds.
    #[serde(default)]
    pub reboot_ms: Option<u64>,
    /// Overrides the vendor's lockout duration, in milliseconds (tests shorten it).
    #[serde(default)]
    pub lockout_ms: Option<u64>,
    /// Faults active from the start.
    #[serde(default)]
    pub faults: FaultSpec,
    /// The planted faults; when present, loading checks it against the facts.
    #[serde(default)]
    pub planted: Option<Vec<Planted>>,
}

impl DeviceSpec {
    /// A configured device with every optional field at its default.
    pub fn new(name: impl Into<String>, vendor: Vendor, role: Role, address: Ipv4Addr) -> Self {
        DeviceSpec {
            name: name.into(),
            vendor,
            role,
            model: None,
            firmware: None,
            cves: Vec::new(),
            address,
            mac: None,
            serial: None,
            port_offset: 0,
            switch_port: None,
            port_vlan: None,
            location: None,
            condition: DeviceCondition::Configured,
            username: None,
            password: None,
            clock_skew_secs: 0,
            ntp_set: true,
            https: true,
            http: true,
            discoverable: true,
            reboot_ms: None,
            lockout_ms: None,
            faults: FaultSpec::default(),
            planted: None,
        }
    }

    /// The model string in effect.
    pub fn effective_model(&self) -> &str {
        match &self.model {
            Some(m) => m,
            None => {
                self.vendor
                    .personality()
                    .model_for_role(self.role.as_str())
                    .model
            }
        }
    }

    /// The firmware string in effect.
    pub fn effective_firmware(&self) -> String {
        if let Some(f) = &self.firmware {
            return f.clone();
        }
        let p = self.vendor.personality();
        p.model(self.effective_model())
            .unwrap_or_else(|| p.model_for_role(self.role.as_str()))
            .current_firmware
            .to_string()
    }

    /// The administrator user name in effect.
    pub fn effective_username(&self) -> &str {
        self.username
            .as_deref()
            .unwrap_or(self.vendor.personality().default_user)
    }

    /// The administrator password in effect (None when the device starts without users or unactivated).
    pub fn effective_password(&self) -> Option<&str> {
        if self.condition == DeviceCondition::FactoryNew
            && self.vendor.personality().first_setup != FirstSetup::DefaultPassword
        {
            return None;
        }
        Some(
            self.password
                .as_deref()
                .unwrap_or(self.vendor.personality().default_password),
        )
    }
}

impl SiteManifest {
    /// Parses and checks a manifest.
    pub fn from_toml(text: &str) -> Result<Self> {
        let manifest: SiteManifest = toml::from_str(text)?;
        manifest.validate()?;
        Ok(manifest)
    }

    /// The built-in demo site: ~24 devices on 3 VLANs with planted faults (see assets/demo/README.md).
    pub fn demo() -> Self {
        // The embedded demo is checked by the test suite; a failure here is a build defect.
        Self::from_toml(DEMO_SITE_TOML).expect("embedded demo manifest is valid")
    }

    /// A manifest of `count` generic devices with no VLANs or switch, one per 127.x.y.z address from
    /// `first` on (skipping .0, .1 and .255 in each /24), for load tests.
    pub fn generated(count: usize, first: Ipv4Addr) -> Self {
        let mut devices = Vec::with_capacity(count);
        let mut next = u32::from(first);
        while devices.len() < count {
            let ip = Ipv4Addr::from(next);
            next += 1;
            if matches!(ip.octets()[3], 0 | 1 | 255) {
                continue;
            }
            let name = format!("dev-{:05}", devices.len() + 1);
            devices.push(DeviceSpec::new(name, Vendor::Generic, Role::Camera, ip));
        }
        SiteManifest {
            site: SiteInfo {
                name: format!("generated site ({count} devices)"),
                location: None,
            },
            vlans: Vec::new(),
            switch: None,
            devices,
        }
    }

    /// The VLAN whose subnet holds `ip`.
    pub fn vlan_of(&self, ip: Ipv4Addr) -> Option<&VlanSpec> {
        self.vlans.iter().find(|v| v.subnet.contains(&ip))
    }

    /// The facts that make up the planted faults of device `index`, derived from its fields.
    pub fn derived_planted(&self, index: usize) -> BTreeSet<Planted> {
        let d = &self.devices[index];
        let p = d.vendor.personality();
        let mut out = BTreeSet::new();
        if let Some(vlan) = self.vlan_of(d.address) {
            if !vlan.roles.contains(&d.role) {
                out.insert(Planted::MisplacedSubnet);
            }
            if d.port_vlan.is_some_and(|pv| pv != vlan.id) {
                out.insert(Planted::WrongPortVlan);
            }
        }
        if let Some(m) = p.model(d.effective_model())
            && d.effective_firmware() != m.current_firmware
        {
            out.insert(Planted::OutdatedFirmware);
        }
        if d.condition == DeviceCondition::Configured
            && d.password
                .as_deref()
                .is_some_and(|pw| pw != p.default_password)
        {
            out.insert(Planted::PasswordChanged);
        }
        if p.lockout.locks() {
            out.insert(Planted::LockoutProne);
        }
        if d.condition == DeviceCondition::FactoryNew {
            match p.first_setup {
                FirstSetup::Activation { .. } => out.insert(Planted::FactoryNewActivation),
                FirstSetup::NoUsers => out.insert(Planted::FactoryNewNoUsers),
                FirstSetup::DefaultPassword => false,
            };
        }
        if !d.https {
            out.insert(Planted::HttpOnly);
        }
        if d.https && d.http {
            out.insert(Planted::HttpBesideHttps);
        }
        if !d.ntp_set {
            out.insert(Planted::NtpNotSet);
        }
        if d.clock_skew_secs.abs() >= CLOCK_SKEW_THRESHOLD_SECS {
            out.insert(Planted::ClockSkew);
        }
        out
    }

    /// Checks uniqueness and that every listed `planted` set matches the facts.
    pub fn validate(&self) -> Result<()> {
        let mut names = HashSet::new();
        let mut addrs = HashSet::new();
        let mut ports = HashSet::new();
        let mut vlan_ids = HashSet::new();
        for v in &self.vlans {
            if !vlan_ids.insert(v.id) || v.id == 0 || v.id > 4094 {
                return Err(Error::invalid(format!(
                    "VLAN id {} is duplicated or out of range",
                    v.id
                )));
            }
        }
        for (i, d) in self.devices.iter().enumerate() {
            if d.name.is_empty() || !names.insert(d.name.as_str()) {
                return Err(Error::invalid(format!(
                    "device name {:?} is empty or duplicated",
                    d.name
                )));
            }
            if !d.http && !d.https {
                return Err(Error::invalid(format!(
                    "{}: with neither HTTP nor HTTPS it serves nothing",
                    d.name
                )));
            }
            if !addrs.insert((d.address, d.port_offset)) {
                return Err(Error::invalid(format!(
                    "{}: address {} with port offset {} is duplicated",
                    d.name, d.address, d.port_offset
                )));
            }
            let port = d.switch_port.unwrap_or(i as u16 + 1);
            if !ports.insert(port) || self.switch.as_ref().is_some_and(|s| s.uplink_port == port) {
                return Err(Error::invalid(format!(
                    "{}: switch port {port} is taken",
                    d.name
                )));
            }
            if let Some(mac) = &d.mac {
                parse_mac(mac)
                    .ok_or_else(|| Error::invalid(format!("{}: bad MAC {mac:?}", d.name)))?;
            }
            if !self.vlans.is_empty() && self.vlan_of(d.address).is_none() {
                return Err(Error::invalid(format!(
                    "{}: {} is in no VLAN of the site",
                    d.name, d.address
                )));
            }
            if let Some(pv) = d.port_vlan
                && !vlan_ids.contains(&pv)
            {
                return Err(Error::invalid(format!(
                    "{}: port VLAN {pv} is not a site VLAN",
                    d.name
                )));
            }
            if let Some(planted) = &d.planted {
                let listed: BTreeSet<Planted> = planted.iter().copied().collect();
                let derived = self.derived_planted(i);
                if listed != derived {
                    return Err(Error::invalid(format!(
                        "{}: planted {:?} but the fields imply {:?}",
                        d.name, listed, derived
                    )));
                }
            }
        }
        Ok(())
    }
}

/// Parses `aa:bb:cc:dd:ee:ff` (or with `-`).
pub fn parse_mac(s: &str) -> Option<[u8; 6]> {
    let parts: Vec<&str> = s.split([':', '-']).collect();
    if parts.len() != 6 {
        return None;
    }
    let mut out = [0u8; 6];
    for (o, p) in out.iter_mut().zip(parts) {
        *o = u8::from_str_radix(p, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_manifest_loads_and_plants_what_it_says() {
        let m = SiteManifest::demo();
        assert!(
            (20..=30).contains(&m.devices.len()),
            "{} devices",
            m.devices.len()
        );
        assert_eq!(m.vlans.len(), 3);
        let all: BTreeSet<Planted> = (0..m.devices.len())
            .flat_map(|i| m.derived_planted(i))
            .collect();
        for want in [
            Planted::MisplacedSubnet,
            Planted::WrongPortVlan,
            Planted::OutdatedFirmware,
            Planted::PasswordChanged,
            Planted::LockoutProne,
            Planted::FactoryNewActivation,
            Planted::FactoryNewNoUsers,
            Planted::HttpOnly,
            Planted::HttpBesideHttps,
            Planted::NtpNotSet,
            Planted::ClockSkew,
        ] {
            assert!(all.contains(&want), "demo lacks {want:?}");
        }
        for d in &m.devices {
            assert!(
                d.planted.is_some(),
                "{} must list its planted faults",
                d.name
            );
        }
    }

    #[test]
    fn a_planted_list_that_lies_is_refused() {
        let text = DEMO_SITE_TOML.replacen("planted = []", "planted = [\"http-only\"]", 1);
        assert_ne!(text, DEMO_SITE_TOML, "demo has a clean device");
        let err = SiteManifest::from_toml(&text).unwrap_err();
        assert!(err.is_manifest(), "{err}");
    }

    #[test]
    fn a_device_with_neither_http_nor_https_is_refused() {
        let mut m = SiteManifest::generated(2, Ipv4Addr::new(127, 60, 0, 10));
        m.devices[1].http = false;
        m.validate().unwrap();
        m.devices[1].https = false;
        assert!(m.validate().is_err());
    }

    #[test]
    fn duplicate_addresses_are_refused() {
        let mut m = SiteManifest::generated(3, Ipv4Addr::new(127, 60, 0, 10));
        m.devices[2].address = m.devices[0].address;
        assert!(m.validate().is_err());
    }

    #[test]
    fn devices_share_an_address_on_distinct_port_offsets() {
        let mut m = SiteManifest::generated(3, Ipv4Addr::new(127, 60, 0, 10));
        m.devices[1].address = m.devices[0].address;
        m.devices[1].port_offset = 1;
        m.validate().unwrap();
        m.devices[2].address = m.devices[0].address;
        m.devices[2].port_offset = 1;
        assert!(m.validate().is_err());
    }

    #[test]
    fn generated_sites_skip_network_and_broadcast_addresses() {
        let m = SiteManifest::generated(600, Ipv4Addr::new(127, 60, 0, 250));
        assert_eq!(m.devices.len(), 600);
        assert!(
            m.devices
                .iter()
                .all(|d| !matches!(d.address.octets()[3], 0 | 1 | 255))
        );
        m.validate().unwrap();
    }
}
