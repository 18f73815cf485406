//! Merging sightings from every source into one device each: the same endpoint reference is one device;
//! a sighting without a shared reference (SSDP, manual add) joins the device already seen at the same
//! address. Keeps every method that saw the device. Pure data, no IO.

use std::collections::BTreeSet;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::discovery::{Method, Sighting};

/// One device as discovery knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Found {
    /// Endpoint reference (the first WS-Discovery one seen, else the first source's key).
    pub endpoint: String,
    /// Every address it was seen at.
    pub addresses: BTreeSet<IpAddr>,
    /// Every device service URL.
    pub xaddrs: Vec<String>,
    /// Scopes (from WS-Discovery).
    pub scopes: Vec<String>,
    /// Types.
    pub types: Vec<String>,
    /// Every method that saw it.
    pub methods: Vec<Method>,
}

/// The merged view.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Inventory {
    devices: Vec<Found>,
}

fn is_wsd(m: &Method) -> bool {
    matches!(
        m,
        Method::Multicast { .. } | Method::Unicast | Method::Hello
    )
}

impl Inventory {
    /// An empty inventory.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a sighting; returns true when it is a new device.
    pub fn add(&mut self, s: &Sighting) -> bool {
        let by_ref = self.devices.iter().position(|d| d.endpoint == s.endpoint);
        let idx = by_ref.or_else(|| {
            self.devices.iter().position(|d| {
                d.addresses.contains(&s.address)
                    && (!is_wsd(&s.method) || !d.methods.iter().any(is_wsd))
            })
        });
        match idx {
            Some(i) => {
                let d = &mut self.devices[i];
                if is_wsd(&s.method) && !d.methods.iter().any(is_wsd) {
                    d.endpoint = s.endpoint.clone();
                }
                d.addresses.insert(s.address);
                for x in &s.xaddrs {
                    if !d.xaddrs.contains(x) {
                        d.xaddrs.push(x.clone());
                    }
                }
                if d.scopes.is_empty() {
                    d.scopes = s.scopes.clone();
                }
                if d.types.is_empty() {
                    d.types = s.types.clone();
                }
                if !d.methods.contains(&s.method) {
                    d.methods.push(s.method.clone());
                }
                false
            }
            None => {
                self.devices.push(Found {
                    endpoint: s.endpoint.clone(),
                    addresses: [s.address].into_iter().collect(),
                    xaddrs: s.xaddrs.clone(),
                    scopes: s.scopes.clone(),
                    types: s.types.clone(),
                    methods: vec![s.method.clone()],
                });
                true
            }
        }
    }

    /// Forgets a device (after a Bye).
    pub fn remove(&mut self, endpoint: &str) -> Option<Found> {
        let i = self.devices.iter().position(|d| d.endpoint == endpoint)?;
        Some(self.devices.remove(i))
    }

    /// Every device.
    pub fn devices(&self) -> &[Found] {
        &self.devices
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.devices.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.devices.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(ep: &str, ip: &str, m: Method) -> Sighting {
        Sighting {
            endpoint: ep.into(),
            xaddrs: vec![format!("http://{ip}/onvif/device_service")],
            scopes: vec![],
            types: vec![],
            address: ip.parse().unwrap(),
            method: m,
        }
    }

    #[test]
    fn one_device_per_reference_and_per_address_across_methods() {
        let mut inv = Inventory::new();
        assert!(inv.add(&s(
            "urn:uuid:a",
            "10.0.0.5",
            Method::Multicast {
                interface: "eth0".into()
            }
        )));
        assert!(!inv.add(&s("urn:uuid:a", "10.0.0.5", Method::Unicast)));
        assert!(!inv.add(&s("uuid:ssdp-x", "10.0.0.5", Method::Ssdp)));
        assert!(inv.add(&s("urn:uuid:b", "10.0.0.6", Method::Unicast)));
        // A manual add first, then WS-Discovery at the same address: one device, keyed by the reference.
        assert!(inv.add(&s(
            "http://10.0.0.7/onvif/device_service",
            "10.0.0.7",
            Method::Manual
        )));
        assert!(!inv.add(&s("urn:uuid:c", "10.0.0.7", Method::Unicast)));
        assert_eq!(inv.len(), 3);
        let a = &inv.devices()[0];
        assert_eq!(a.methods.len(), 3);
        assert_eq!(inv.devices()[2].endpoint, "urn:uuid:c");
        assert!(inv.remove("urn:uuid:b").is_some());
        assert_eq!(inv.len(), 2);
    }
}
