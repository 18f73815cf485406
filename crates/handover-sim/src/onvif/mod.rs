//! The ONVIF device service operations the simulator answers, dispatched by operation name. Each
//! operation reads or changes the device state and returns the response body (or a fault) as data;
//! authentication already happened in auth/, and transport concerns (faults on demand, reboots) live in
//! http.rs. Split by topic: identity and time (info.rs), accounts (users.rs), network settings
//! (network.rs).

mod firmware;
mod info;
mod network;
mod users;

use crate::device::{Device, UserLevel};
use crate::soap::{Element, SoapFault};

/// What an operation produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A response body (the element inside env:Body).
    Body(String),
    /// A SOAP fault.
    Fault(SoapFault),
    /// Answer, then reboot.
    BodyThenReboot(String),
    /// Close the connection without an answer and reboot (the reboot-during-SetUser fault).
    SilentReboot,
    /// HTTP 401 with a fresh challenge, as if the request's credentials no longer held.
    Unauthorized,
}

/// Operations that change the device: Administrator only.
const ADMIN_OPS: &[&str] = &[
    "GetUsers",
    "CreateUsers",
    "SetUser",
    "DeleteUsers",
    "SetNTP",
    "SetNetworkProtocols",
    "SetDiscoveryMode",
    "SetHostname",
    "SystemReboot",
    "StartFirmwareUpgrade",
    "UpgradeSystemFirmware",
];

/// Every operation the simulator implements.
pub const OPERATIONS: &[&str] = &[
    "GetSystemDateAndTime",
    "GetServices",
    "GetServiceCapabilities",
    "GetCapabilities",
    "GetDeviceInformation",
    "GetScopes",
    "GetHostname",
    "SetHostname",
    "GetUsers",
    "CreateUsers",
    "SetUser",
    "DeleteUsers",
    "GetNetworkInterfaces",
    "GetNetworkDefaultGateway",
    "GetDNS",
    "GetNTP",
    "SetNTP",
    "GetNetworkProtocols",
    "SetNetworkProtocols",
    "GetDiscoveryMode",
    "SetDiscoveryMode",
    "SystemReboot",
    "StartFirmwareUpgrade",
    "UpgradeSystemFirmware",
];

pub(crate) fn fault_invalid(subsub: Option<&'static str>, reason: impl Into<String>) -> Outcome {
    Outcome::Fault(SoapFault::sender("ter:InvalidArgVal", subsub, reason))
}

/// Runs one operation. `level` is None when the call needed no credentials; `protocol` is `HTTP` or `HTTPS`,
/// the scheme the request came in on.
pub(crate) fn dispatch(
    dev: &Device,
    op: &Element,
    level: Option<UserLevel>,
    protocol: &str,
) -> Outcome {
    let name = op.name.as_str();
    if ADMIN_OPS.contains(&name) && level.is_some_and(|l| l != UserLevel::Administrator) {
        return Outcome::Fault(SoapFault::not_authorized(
            "operation requires the Administrator level",
        ));
    }
    match name {
        "GetSystemDateAndTime" => info::system_date_and_time(dev),
        "GetServices" => info::services(dev, op),
        "GetServiceCapabilities" => info::service_capabilities(dev),
        "GetCapabilities" => info::capabilities(dev, op),
        "GetDeviceInformation" => info::device_information(dev),
        "GetScopes" => info::scopes(dev),
        "GetHostname" => info::hostname(dev),
        "SetHostname" => info::set_hostname(dev, op),
        "SystemReboot" => Outcome::BodyThenReboot(
            "<tds:SystemRebootResponse><tds:Message>Rebooting in 1 second</tds:Message></tds:SystemRebootResponse>"
                .into(),
        ),
        "StartFirmwareUpgrade" => firmware::start(dev, protocol),
        "UpgradeSystemFirmware" => firmware::inline_system_firmware(dev),
        "GetUsers" => users::get_users(dev),
        "CreateUsers" => users::create_users(dev, op),
        "SetUser" => users::set_user(dev, op),
        "DeleteUsers" => users::delete_users(dev, op),
        "GetNetworkInterfaces" => network::interfaces(dev),
        "GetNetworkDefaultGateway" => network::default_gateway(dev),
        "GetDNS" => network::dns(dev),
        "GetNTP" => network::ntp(dev),
        "SetNTP" => network::set_ntp(dev, op),
        "GetNetworkProtocols" => network::protocols(dev),
        "SetNetworkProtocols" => network::set_protocols(dev, op),
        "GetDiscoveryMode" => network::discovery_mode(dev),
        "SetDiscoveryMode" => network::set_discovery_mode(dev, op),
        _ => Outcome::Fault(SoapFault::receiver(
            "ter:ActionNotSupported",
            None,
            format!("{name} is not supported by this device"),
        )),
    }
}
