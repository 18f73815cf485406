//! Network settings operations: GetNetworkInterfaces, GetNetworkDefaultGateway, GetDNS, GetNTP, SetNTP,
//! GetNetworkProtocols, SetNetworkProtocols, GetDiscoveryMode, SetDiscoveryMode. Changes are recorded in
//! the device state; the HTTP and HTTPS listeners read it (a scheme switched off stops answering). Only a
//! device that offered HTTPS at start has an HTTPS listener: switching HTTPS on later opens none.

use super::{Outcome, fault_invalid};
use crate::device::Device;
use crate::soap::{Element, escape};

pub(super) fn interfaces(dev: &Device) -> Outcome {
    let c = &dev.cfg;
    Outcome::Body(format!(
        r#"<tds:GetNetworkInterfacesResponse><tds:NetworkInterfaces token="eth0"><tt:Enabled>true</tt:Enabled><tt:Info><tt:Name>eth0</tt:Name><tt:HwAddress>{}</tt:HwAddress><tt:MTU>1500</tt:MTU></tt:Info><tt:IPv4><tt:Enabled>true</tt:Enabled><tt:Config><tt:Manual><tt:Address>{}</tt:Address><tt:PrefixLength>{}</tt:PrefixLength></tt:Manual><tt:DHCP>false</tt:DHCP></tt:Config></tt:IPv4></tds:NetworkInterfaces></tds:GetNetworkInterfacesResponse>"#,
        c.mac_string(),
        c.address,
        c.prefix_len
    ))
}

pub(super) fn default_gateway(dev: &Device) -> Outcome {
    let gw = dev
        .cfg
        .gateway
        .map(|g| format!("<tt:IPv4Address>{g}</tt:IPv4Address>"))
        .unwrap_or_default();
    Outcome::Body(format!(
        "<tds:GetNetworkDefaultGatewayResponse><tds:NetworkGateway>{gw}</tds:NetworkGateway></tds:GetNetworkDefaultGatewayResponse>"
    ))
}

pub(super) fn dns(dev: &Device) -> Outcome {
    let manual = dev
        .cfg
        .dns
        .map(|d| format!("<tt:DNSManual><tt:Type>IPv4</tt:Type><tt:IPv4Address>{d}</tt:IPv4Address></tt:DNSManual>"))
        .unwrap_or_default();
    Outcome::Body(format!(
        "<tds:GetDNSResponse><tds:DNSInformation><tt:FromDHCP>false</tt:FromDHCP>{manual}</tds:DNSInformation></tds:GetDNSResponse>"
    ))
}

fn ntp_entry(server: &str) -> String {
    if server.parse::<std::net::Ipv4Addr>().is_ok() {
        format!(
            "<tt:NTPManual><tt:Type>IPv4</tt:Type><tt:IPv4Address>{server}</tt:IPv4Address></tt:NTPManual>"
        )
    } else {
        format!(
            "<tt:NTPManual><tt:Type>DNS</tt:Type><tt:DNSname>{}</tt:DNSname></tt:NTPManual>",
            escape(server)
        )
    }
}

pub(super) fn ntp(dev: &Device) -> Outcome {
    let st = dev.state();
    let manual: String = st.ntp.manual.iter().map(|s| ntp_entry(s)).collect();
    Outcome::Body(format!(
        "<tds:GetNTPResponse><tds:NTPInformation><tt:FromDHCP>{}</tt:FromDHCP>{manual}</tds:NTPInformation></tds:GetNTPResponse>",
        st.ntp.from_dhcp
    ))
}

pub(super) fn set_ntp(dev: &Device, op: &Element) -> Outcome {
    let from_dhcp = match op.text_at(&["FromDHCP"]) {
        Some("true" | "1") => true,
        Some("false" | "0") => false,
        _ => return fault_invalid(None, "FromDHCP is missing or not a boolean"),
    };
    let mut servers = Vec::new();
    for m in op.children_named("NTPManual") {
        let server = match m.text_at(&["Type"]) {
            Some("IPv4") => m
                .text_at(&["IPv4Address"])
                .filter(|a| a.parse::<std::net::Ipv4Addr>().is_ok()),
            Some("DNS") => m
                .text_at(&["DNSname"])
                .filter(|n| !n.is_empty() && n.len() <= 253),
            _ => None,
        };
        match server {
            Some(s) => servers.push(s.to_string()),
            None => {
                return fault_invalid(
                    Some("ter:InvalidIPv4Address"),
                    "an NTPManual entry is not valid",
                );
            }
        }
    }
    if servers.len() > 4 {
        return fault_invalid(None, "at most 4 NTP servers");
    }
    let mut st = dev.state();
    st.ntp.from_dhcp = from_dhcp;
    st.ntp.manual = servers;
    Outcome::Body("<tds:SetNTPResponse/>".into())
}

pub(super) fn protocols(dev: &Device) -> Outcome {
    let items: String = dev
        .state()
        .protocols
        .iter()
        .map(|p| {
            format!(
                "<tds:NetworkProtocols><tt:Name>{}</tt:Name><tt:Enabled>{}</tt:Enabled><tt:Port>{}</tt:Port></tds:NetworkProtocols>",
                p.name, p.enabled, p.port
            )
        })
        .collect();
    Outcome::Body(format!(
        "<tds:GetNetworkProtocolsResponse>{items}</tds:GetNetworkProtocolsResponse>"
    ))
}

pub(super) fn set_protocols(dev: &Device, op: &Element) -> Outcome {
    let mut changes = Vec::new();
    for p in op.children_named("NetworkProtocols") {
        let name = p.text_at(&["Name"]).unwrap_or_default().to_string();
        let enabled = matches!(p.text_at(&["Enabled"]), Some("true" | "1"));
        let port = match p.text_at(&["Port"]).map(str::parse::<u16>) {
            None => None,
            Some(Ok(port)) if port > 0 => Some(port),
            Some(_) => return fault_invalid(None, "Port is not a valid port"),
        };
        changes.push((name, enabled, port));
    }
    let mut st = dev.state();
    for (name, _, _) in &changes {
        if !st.protocols.iter().any(|p| p.name == name) {
            return Outcome::Fault(crate::soap::SoapFault::sender(
                "ter:InvalidArgVal",
                Some("ter:ServiceNotSupported"),
                format!("protocol {name} is not supported"),
            ));
        }
    }
    for (name, enabled, port) in changes {
        if let Some(p) = st.protocols.iter_mut().find(|p| p.name == name) {
            p.enabled = enabled;
            if let Some(port) = port {
                p.port = port;
            }
        }
    }
    Outcome::Body("<tds:SetNetworkProtocolsResponse/>".into())
}

pub(super) fn discovery_mode(dev: &Device) -> Outcome {
    let mode = if dev.state().discoverable {
        "Discoverable"
    } else {
        "NonDiscoverable"
    };
    Outcome::Body(format!(
        "<tds:GetDiscoveryModeResponse><tds:DiscoveryMode>{mode}</tds:DiscoveryMode></tds:GetDiscoveryModeResponse>"
    ))
}

pub(super) fn set_discovery_mode(dev: &Device, op: &Element) -> Outcome {
    let discoverable = match op.text_at(&["DiscoveryMode"]) {
        Some("Discoverable") => true,
        Some("NonDiscoverable") => false,
        _ => {
            return fault_invalid(
                None,
                "DiscoveryMode must be Discoverable or NonDiscoverable",
            );
        }
    };
    dev.state().discoverable = discoverable;
    Outcome::Body("<tds:SetDiscoveryModeResponse/>".into())
}
