//! Where a person finds a device: its address, and the port of its service where several devices share the
//! address (an encoder's channels, an NVR, a NAT'd site), so that every line a front end or the report prints
//! names one device. Pure: it reads only the devices given.

use std::collections::HashMap;
use std::net::IpAddr;

use handover_model::Device;

/// `10.0.0.5`, or `10.0.0.5:8081` when another of `all` is at the same address.
pub fn shown_address(d: &Device, all: &[Device]) -> String {
    let shared = all.iter().any(|o| o.id != d.id && o.address == d.address);
    shown(d, shared)
}

/// [`shown_address`] of every device in `all`, in order, in one pass (a grid of thousands).
pub fn shown_addresses(all: &[Device]) -> Vec<String> {
    let mut at: HashMap<IpAddr, usize> = HashMap::new();
    for d in all {
        *at.entry(d.address).or_default() += 1;
    }
    all.iter()
        .map(|d| shown(d, at.get(&d.address).is_some_and(|n| *n > 1)))
        .collect()
}

fn shown(d: &Device, shared: bool) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use handover_model::{DeviceFacts, DeviceId, DeviceIdentity, DeviceLabel};

    fn device(id: i64, address: &str, xaddr: Option<&str>) -> Device {
        Device {
            id: DeviceId(id),
            identity: DeviceIdentity::default(),
            address: address.parse().unwrap(),
            previous_addresses: Vec::new(),
            role: None,
            found_by: Default::default(),
            facts: DeviceFacts {
                xaddr: xaddr.map(str::to_owned),
                ..DeviceFacts::default()
            },
            label: DeviceLabel::default(),
            first_seen: time::OffsetDateTime::UNIX_EPOCH,
            last_seen: time::OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_shared_address_shows_each_devices_port_and_a_lone_one_stays_bare() {
        let all = [
            device(
                1,
                "10.0.0.5",
                Some("http://10.0.0.5:8081/onvif/device_service"),
            ),
            device(
                2,
                "10.0.0.5",
                Some("https://admin@10.0.0.5:8443/onvif/device_service"),
            ),
            device(
                3,
                "10.0.0.6",
                Some("http://10.0.0.6:8080/onvif/device_service"),
            ),
            device(4, "10.0.0.7", None),
            device(5, "10.0.0.7", None),
        ];
        let shown = shown_addresses(&all);
        assert_eq!(
            shown,
            [
                "10.0.0.5:8081",
                "10.0.0.5:8443",
                "10.0.0.6",
                "10.0.0.7",
                "10.0.0.7"
            ],
            "user info is dropped; without a service address there is no port to show"
        );
        for (d, s) in all.iter().zip(&shown) {
            assert_eq!(
                &shown_address(d, &all),
                s,
                "one rule, one or many at a time"
            );
        }
    }
}
