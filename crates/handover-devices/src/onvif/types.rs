//! What the session API returns: plain data owned by this crate (no oxvif types leak out), serialisable
//! for the engine and the project file. Conversions from oxvif's types live here too.

use serde::{Deserialize, Serialize};

/// GetDeviceInformation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInformation {
    /// Manufacturer.
    pub manufacturer: String,
    /// Model.
    pub model: String,
    /// Firmware version.
    pub firmware_version: String,
    /// Serial number.
    pub serial_number: String,
    /// Hardware id.
    pub hardware_id: String,
}

/// One network interface (GetNetworkInterfaces).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetInterface {
    /// Interface token.
    pub token: String,
    /// Interface name (eth0).
    pub name: String,
    /// Administratively up.
    pub enabled: bool,
    /// MAC address as the device writes it.
    pub mac: String,
    /// IPv4 address, when one is set.
    pub ipv4: Option<String>,
    /// IPv4 prefix length.
    pub prefix_len: u32,
    /// True when the IPv4 address comes from DHCP.
    pub dhcp: bool,
}

/// Where a list of servers comes from and what it holds (DNS, NTP).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerList {
    /// True when taken from DHCP.
    pub from_dhcp: bool,
    /// The servers (addresses or names).
    pub servers: Vec<String>,
}

/// One network protocol (HTTP, HTTPS, RTSP).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkProtocol {
    /// HTTP, HTTPS or RTSP.
    pub name: String,
    /// Switched on.
    pub enabled: bool,
    /// Ports.
    pub ports: Vec<u32>,
}

/// WS-Discovery mode of the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiscoveryMode {
    /// Answers probes.
    Discoverable,
    /// Silent.
    NonDiscoverable,
}

impl DiscoveryMode {
    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "Discoverable" => Some(DiscoveryMode::Discoverable),
            "NonDiscoverable" => Some(DiscoveryMode::NonDiscoverable),
            _ => None,
        }
    }
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            DiscoveryMode::Discoverable => "Discoverable",
            DiscoveryMode::NonDiscoverable => "NonDiscoverable",
        }
    }
}

/// ONVIF user level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserLevel {
    /// Administrator.
    Administrator,
    /// Operator.
    Operator,
    /// User.
    User,
    /// Anonymous.
    Anonymous,
    /// Extended or unknown, as the device spelled it.
    Other(String),
}

impl UserLevel {
    pub(crate) fn parse(s: &str) -> Self {
        match s.trim() {
            "Administrator" => UserLevel::Administrator,
            "Operator" => UserLevel::Operator,
            "User" => UserLevel::User,
            "Anonymous" => UserLevel::Anonymous,
            other => UserLevel::Other(other.to_string()),
        }
    }
    /// The ONVIF spelling.
    pub fn as_str(&self) -> &str {
        match self {
            UserLevel::Administrator => "Administrator",
            UserLevel::Operator => "Operator",
            UserLevel::User => "User",
            UserLevel::Anonymous => "Anonymous",
            UserLevel::Other(s) => s,
        }
    }
}

/// One account on the device (GetUsers never returns passwords).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceUser {
    /// User name.
    pub username: String,
    /// Level.
    pub level: UserLevel,
}

/// Account limits the device reports (GetServiceCapabilities, Security).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordLimits {
    /// MaxUsers.
    pub max_users: Option<u32>,
    /// MaxUserNameLength.
    pub max_username_length: Option<u32>,
    /// MaxPasswordLength.
    pub max_password_length: Option<u32>,
    /// Accepts WS-UsernameToken, when said.
    pub username_token: Option<bool>,
    /// Accepts HTTP Digest, when said.
    pub http_digest: Option<bool>,
}

/// Where a clock reading came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClockSource {
    /// GetSystemDateAndTime's UTCDateTime.
    Onvif,
    /// The HTTP Date header of a refused request (devices that want credentials even for the clock).
    HttpDate,
}

/// The device clock against ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockReading {
    /// Device time, unix seconds.
    pub device_unix: i64,
    /// Device time minus our time, seconds (what WS-UsernameToken timestamps are shifted by).
    pub skew_secs: i64,
    /// Where it came from.
    pub source: ClockSource,
}

/// Which authentication the device took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuthScheme {
    /// WS-Security UsernameToken (password digest).
    WsUsernameToken,
    /// HTTP Digest.
    HttpDigest,
}

/// Which authentication to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AuthPreference {
    /// WS-UsernameToken in every request, and HTTP Digest when the device challenges.
    #[default]
    Auto,
    /// WS-UsernameToken only.
    WsUsernameToken,
    /// HTTP Digest only (no UsernameToken header).
    HttpDigest,
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// User name.
    pub username: String,
    /// Password.
    pub password: crate::creds::Password,
    /// Level.
    pub level: UserLevel,
}

impl From<oxvif::DeviceInfo> for DeviceInformation {
    fn from(d: oxvif::DeviceInfo) -> Self {
        DeviceInformation {
            manufacturer: d.manufacturer,
            model: d.model,
            firmware_version: d.firmware_version,
            serial_number: d.serial_number,
            hardware_id: d.hardware_id,
        }
    }
}

impl From<oxvif::NetworkInterface> for NetInterface {
    fn from(n: oxvif::NetworkInterface) -> Self {
        NetInterface {
            token: n.token,
            name: n.name,
            enabled: n.enabled,
            mac: n.hw_address,
            ipv4: Some(n.ipv4_address).filter(|a| !a.is_empty()),
            prefix_len: n.ipv4_prefix_length,
            dhcp: n.ipv4_from_dhcp,
        }
    }
}

impl From<oxvif::NetworkProtocol> for NetworkProtocol {
    fn from(p: oxvif::NetworkProtocol) -> Self {
        NetworkProtocol {
            name: p.name,
            enabled: p.enabled,
            ports: p.ports,
        }
    }
}
