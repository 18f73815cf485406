//! Turning what the device layer read (handover-devices types) into the domain's facts and identity.

use std::net::IpAddr;

use handover_devices::discovery::Sighting as Seen;
use handover_devices::{AuthScheme, DiscoveryMode, Identification};
use handover_model::{DeviceFacts, DeviceIdentity, DeviceUser, MacAddr, Role};

/// The role a device announces in its scopes (`onvif://www.onvif.org/type/<role>`), or from its types.
pub fn role_from(scopes: &[String], types: &[String]) -> Option<Role> {
    let from_scope = scopes.iter().find_map(|s| {
        let t = s
            .strip_prefix("onvif://www.onvif.org/type/")?
            .to_ascii_lowercase();
        match t.as_str() {
            "camera" | "video_encoder" | "ptz" => Some(Role::camera()),
            "nvr" | "network_video_storage" | "recorder" => Some(Role::nvr()),
            "access-control" | "access_control" | "door" => Some(Role::access_control()),
            "intercom" | "door_station" => Some(Role::intercom()),
            _ => None,
        }
    });
    from_scope.or_else(|| {
        types
            .iter()
            .any(|t| t.ends_with("NetworkVideoTransmitter"))
            .then(Role::camera)
    })
}

use handover_model::scope_value as scope;

/// The identity and first facts a discovery sighting gives: the device service address, the scopes, and the
/// model (`hardware` scope) and maker (`manufacturer`/`mfr` scope) where the device announces them, so that
/// vendor-specific steps (catalog defaults, lockout budgets) apply before the device can be asked directly.
pub fn from_sighting(s: &Seen) -> (DeviceIdentity, DeviceFacts) {
    let endpoint =
        (!s.endpoint.is_empty() && !s.endpoint.contains("://")).then(|| s.endpoint.clone());
    let facts = DeviceFacts {
        xaddr: s.xaddrs.first().cloned(),
        scopes: s.scopes.clone(),
        model: scope(&s.scopes, "hardware"),
        manufacturer: scope(&s.scopes, "manufacturer").or_else(|| scope(&s.scopes, "mfr")),
        ..DeviceFacts::default()
    };
    (
        DeviceIdentity {
            endpoint_ref: endpoint,
            mac: None,
            serial: None,
        },
        facts,
    )
}

/// The identity and facts an identification read, for a device at `address`.
pub fn from_identification(
    id: &Identification,
    address: IpAddr,
    skew_ms: Option<i64>,
) -> (DeviceIdentity, DeviceFacts) {
    let f = &id.facts;
    let info = f.info.as_ref();
    let nonempty = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let iface = f.interfaces.as_ref().and_then(|ifs| {
        ifs.iter()
            .find(|i| i.ipv4.as_deref().and_then(|a| a.parse::<IpAddr>().ok()) == Some(address))
            .or_else(|| ifs.first())
    });
    let mac = iface.and_then(|i| i.mac.parse::<MacAddr>().ok());
    let protocols = f
        .protocols
        .as_ref()
        .map(|ps| {
            ps.iter()
                .filter(|p| p.enabled)
                .flat_map(|p| p.ports.iter().map(move |port| format!("{}:{port}", p.name)))
                .collect()
        })
        .unwrap_or_default();
    let facts = DeviceFacts {
        manufacturer: info.and_then(|i| nonempty(&i.manufacturer)),
        model: info.and_then(|i| nonempty(&i.model)),
        firmware: info.and_then(|i| nonempty(&i.firmware_version)),
        hardware_id: info.and_then(|i| nonempty(&i.hardware_id)),
        hostname: f.hostname.clone().filter(|h| !h.is_empty()),
        xaddr: Some(id.xaddr.clone()),
        scopes: f.scopes.clone().unwrap_or_default(),
        dhcp: iface.map(|i| i.dhcp),
        gateways: f
            .gateway
            .as_ref()
            .map(|g| g.iter().filter_map(|a| a.parse().ok()).collect())
            .unwrap_or_default(),
        dns: f
            .dns
            .as_ref()
            .map(|d| d.servers.iter().filter_map(|a| a.parse().ok()).collect())
            .unwrap_or_default(),
        ntp: f
            .ntp
            .as_ref()
            .map(|n| n.servers.clone())
            .unwrap_or_default(),
        ntp_enabled: f.ntp.as_ref().map(|n| n.from_dhcp || !n.servers.is_empty()),
        clock_skew_ms: skew_ms.or_else(|| id.clock.as_ref().map(|c| c.skew_secs * 1000)),
        protocols,
        discoverable: f.discovery_mode.map(|m| m == DiscoveryMode::Discoverable),
        auth_scheme: id.auth_scheme.map(|a| match a {
            AuthScheme::HttpDigest => "http-digest".to_owned(),
            AuthScheme::WsUsernameToken => "ws-username-token".to_owned(),
        }),
        users: Vec::new(),
        switch_port: None,
        tls_fingerprint: None,
        onvif_password_change: None,
    };
    let identity = DeviceIdentity {
        endpoint_ref: None,
        mac,
        serial: info.and_then(|i| nonempty(&i.serial_number)),
    };
    (identity, facts)
}

/// Accounts as the domain records them.
pub fn users(list: &[handover_devices::DeviceUser]) -> Vec<DeviceUser> {
    list.iter()
        .map(|u| DeviceUser {
            username: u.username.clone(),
            level: u.level.as_str().to_owned(),
        })
        .collect()
}
