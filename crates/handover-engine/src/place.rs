//! Where a person finds a device: its address, and the port of its service where several devices share the
//! address (an encoder's channels, an NVR, a NAT'd site), so that every line a front end or the report prints
//! names one device. Pure: it reads only the devices given.

use handover_model::Device;

/// `10.0.0.5`, or `10.0.0.5:8081` when another of `all` is at the same address.
pub fn shown_address(d: &Device, all: &[Device]) -> String {
    let shared = all.iter().any(|o| o.id != d.id && o.address == d.address);
    let authority = d
        .facts
        .xaddr
        .as_deref()
        .and_then(|x| x.split_once("://"))
        .and_then(|(_, rest)| rest.split(['/', '?', '#']).next())
        .map(|a| a.rsplit('@').next().unwrap_or(a))
        .filter(|a| !a.is_empty());
    match (shared, authority) {
        (true, Some(a)) => a.to_owned(),
        _ => d.address.to_string(),
    }
}
