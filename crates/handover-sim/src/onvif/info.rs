//! Identity, time and capability operations: GetSystemDateAndTime, GetServices, GetServiceCapabilities,
//! GetCapabilities, GetDeviceInformation, GetScopes, GetHostname, SetHostname.

use super::{Outcome, fault_invalid};
use crate::device::Device;
use crate::soap::{Element, escape};

fn xaddr(dev: &Device) -> String {
    match dev.endpoints.get() {
        Some(e) => format!("http://{}/onvif/device_service", e.http),
        None => format!("http://{}/onvif/device_service", dev.cfg.address),
    }
}

fn date_time(t: time::OffsetDateTime) -> String {
    format!(
        "<tt:Time><tt:Hour>{}</tt:Hour><tt:Minute>{}</tt:Minute><tt:Second>{}</tt:Second></tt:Time>\
         <tt:Date><tt:Year>{}</tt:Year><tt:Month>{}</tt:Month><tt:Day>{}</tt:Day></tt:Date>",
        t.hour(),
        t.minute(),
        t.second(),
        t.year(),
        u8::from(t.month()),
        t.day()
    )
}

pub(super) fn system_date_and_time(dev: &Device) -> Outcome {
    let now = dev.now();
    let ntp = !dev.state().ntp.manual.is_empty();
    let kind = if ntp { "NTP" } else { "Manual" };
    let dt = date_time(now);
    Outcome::Body(format!(
        "<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>{kind}</tt:DateTimeType>\
         <tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>UTC0</tt:TZ></tt:TimeZone>\
         <tt:UTCDateTime>{dt}</tt:UTCDateTime><tt:LocalDateTime>{dt}</tt:LocalDateTime>\
         </tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>"
    ))
}

fn capability_attrs(dev: &Device) -> String {
    let p = dev.cfg.personality;
    format!(
        r#"<tds:Network IPFilter="false" ZeroConfiguration="false" IPVersion6="false" DynDNS="false" NTP="1" HostnameFromDHCP="false"/><tds:Security TLS1.0="false" TLS1.1="false" TLS1.2="true" OnboardKeyGeneration="false" AccessPolicyConfig="true" DefaultAccessPolicy="false" Dot1X="false" RemoteUserHandling="false" X.509Token="false" SAMLToken="false" KerberosToken="false" UsernameToken="{}" HttpDigest="{}" RELToken="false" MaxUsers="16" MaxUserNameLength="32" MaxPasswordLength="{}"/><tds:System DiscoveryResolve="false" DiscoveryBye="true" RemoteDiscovery="false" SystemBackup="false" SystemLogging="false" FirmwareUpgrade="true" HttpFirmwareUpgrade="true" HttpSystemBackup="false" HttpSystemLogging="false" HttpSupportInformation="false"/>"#,
        p.wsse, p.http_digest, p.password_rules.max_len
    )
}

pub(super) fn service_capabilities(dev: &Device) -> Outcome {
    Outcome::Body(format!(
        "<tds:GetServiceCapabilitiesResponse><tds:Capabilities>{}</tds:Capabilities></tds:GetServiceCapabilitiesResponse>",
        capability_attrs(dev)
    ))
}

pub(super) fn services(dev: &Device, op: &Element) -> Outcome {
    let include = op
        .text_at(&["IncludeCapability"])
        .is_some_and(|t| t == "true" || t == "1");
    let caps = if include {
        format!(
            "<tds:Capabilities><tds:Capabilities>{}</tds:Capabilities></tds:Capabilities>",
            capability_attrs(dev)
        )
    } else {
        String::new()
    };
    Outcome::Body(format!(
        "<tds:GetServicesResponse><tds:Service><tds:Namespace>http://www.onvif.org/ver10/device/wsdl</tds:Namespace>\
         <tds:XAddr>{}</tds:XAddr>{caps}<tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version>\
         </tds:Service></tds:GetServicesResponse>",
        xaddr(dev)
    ))
}

pub(super) fn capabilities(dev: &Device, op: &Element) -> Outcome {
    let categories: Vec<&str> = op
        .children_named("Category")
        .map(|c| c.text.as_str())
        .collect();
    let wants =
        |c: &str| categories.is_empty() || categories.iter().any(|x| *x == "All" || *x == c);
    if !categories.is_empty() && !wants("Device") {
        return Outcome::Fault(crate::soap::SoapFault::receiver(
            "ter:ActionNotSupported",
            Some("ter:NoSuchService"),
            "only the device service is offered",
        ));
    }
    Outcome::Body(format!(
        "<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Device><tt:XAddr>{}</tt:XAddr>\
         <tt:Network><tt:IPFilter>false</tt:IPFilter><tt:ZeroConfiguration>false</tt:ZeroConfiguration>\
         <tt:IPVersion6>false</tt:IPVersion6><tt:DynDNS>false</tt:DynDNS></tt:Network>\
         <tt:System><tt:DiscoveryResolve>false</tt:DiscoveryResolve><tt:DiscoveryBye>true</tt:DiscoveryBye>\
         <tt:RemoteDiscovery>false</tt:RemoteDiscovery><tt:SystemBackup>false</tt:SystemBackup>\
         <tt:SystemLogging>false</tt:SystemLogging><tt:FirmwareUpgrade>true</tt:FirmwareUpgrade>\
         <tt:SupportedVersions><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tt:SupportedVersions></tt:System>\
         <tt:Security><tt:TLS1.1>false</tt:TLS1.1><tt:TLS1.2>true</tt:TLS1.2>\
         <tt:OnboardKeyGeneration>false</tt:OnboardKeyGeneration><tt:AccessPolicyConfig>true</tt:AccessPolicyConfig>\
         <tt:X.509Token>false</tt:X.509Token><tt:SAMLToken>false</tt:SAMLToken>\
         <tt:KerberosToken>false</tt:KerberosToken><tt:RELToken>false</tt:RELToken></tt:Security>\
         </tt:Device></tds:Capabilities></tds:GetCapabilitiesResponse>",
        xaddr(dev)
    ))
}

pub(super) fn device_information(dev: &Device) -> Outcome {
    let c = &dev.cfg;
    Outcome::Body(format!(
        "<tds:GetDeviceInformationResponse><tds:Manufacturer>{}</tds:Manufacturer><tds:Model>{}</tds:Model>\
         <tds:FirmwareVersion>{}</tds:FirmwareVersion><tds:SerialNumber>{}</tds:SerialNumber>\
         <tds:HardwareId>{}</tds:HardwareId></tds:GetDeviceInformationResponse>",
        escape(c.personality.manufacturer),
        escape(&c.model),
        escape(&dev.state().firmware.version),
        escape(&c.serial),
        escape(&format!("{}-{}", c.personality.key, c.model))
    ))
}

pub(super) fn scopes(dev: &Device) -> Outcome {
    let items: String = dev
        .cfg
        .scopes()
        .iter()
        .map(|s| {
            let def = if s.contains("/name/") || s.contains("/location/") { "Configurable" } else { "Fixed" };
            format!("<tds:Scopes><tt:ScopeDef>{def}</tt:ScopeDef><tt:ScopeItem>{}</tt:ScopeItem></tds:Scopes>", escape(s))
        })
        .collect();
    Outcome::Body(format!(
        "<tds:GetScopesResponse>{items}</tds:GetScopesResponse>"
    ))
}

pub(super) fn hostname(dev: &Device) -> Outcome {
    let name = escape(&dev.state().hostname);
    Outcome::Body(format!(
        "<tds:GetHostnameResponse><tds:HostnameInformation><tt:FromDHCP>false</tt:FromDHCP>\
         <tt:Name>{name}</tt:Name></tds:HostnameInformation></tds:GetHostnameResponse>"
    ))
}

pub(super) fn set_hostname(dev: &Device, op: &Element) -> Outcome {
    let Some(name) = op.text_at(&["Name"]) else {
        return fault_invalid(Some("ter:InvalidHostname"), "Name is missing");
    };
    let valid = !name.is_empty()
        && name.len() <= 63
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-');
    if !valid {
        return fault_invalid(Some("ter:InvalidHostname"), "the hostname is not valid");
    }
    dev.state().hostname = name.to_string();
    Outcome::Body("<tds:SetHostnameResponse/>".into())
}
