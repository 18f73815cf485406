//! The laptop's usable network interfaces for discovery: up, IPv4, not loopback (unless asked), with
//! their address and prefix, so the technician can pick some or use them all at once.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One usable interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interface {
    /// OS name (eth0, wlan0).
    pub name: String,
    /// IPv4 address.
    pub ipv4: Ipv4Addr,
    /// Prefix length.
    pub prefix_len: u8,
}

impl Interface {
    /// The interface's subnet.
    pub fn subnet(&self) -> Option<ipnet::Ipv4Net> {
        ipnet::Ipv4Net::new(self.ipv4, self.prefix_len)
            .ok()
            .map(|n| n.trunc())
    }
}

/// Every up, non-loopback IPv4 interface.
pub fn usable() -> Result<Vec<Interface>> {
    list(false)
}

/// Every IPv4 interface, loopback included when `loopback` is true.
pub fn list(loopback: bool) -> Result<Vec<Interface>> {
    let all = if_addrs::get_if_addrs().map_err(|e| Error::io("listing network interfaces", e))?;
    let mut out: Vec<Interface> = all
        .into_iter()
        .filter(|i| loopback || !i.is_loopback())
        .filter_map(|i| match i.addr {
            if_addrs::IfAddr::V4(v4) => Some(Interface {
                name: i.name.clone(),
                ipv4: v4.ip,
                prefix_len: u32::from(v4.netmask).count_ones() as u8,
            }),
            if_addrs::IfAddr::V6(_) => None,
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.ipv4.cmp(&b.ipv4)));
    out.dedup();
    Ok(out)
}

/// The interfaces named in `names` (all usable ones when empty); unknown names are an error.
pub fn pick(names: &[&str]) -> Result<Vec<Interface>> {
    let all = usable()?;
    if names.is_empty() {
        return Ok(all);
    }
    for n in names {
        if !all.iter().any(|i| i.name == *n) {
            return Err(Error::InvalidAddress {
                input: (*n).to_string(),
                source: Some("no such usable interface".into()),
            });
        }
    }
    Ok(all
        .into_iter()
        .filter(|i| names.contains(&i.name.as_str()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_listed_only_when_asked() {
        let with = list(true).unwrap();
        assert!(
            with.iter().any(|i| i.ipv4 == Ipv4Addr::LOCALHOST),
            "{with:?}"
        );
        assert!(usable().unwrap().iter().all(|i| !i.ipv4.is_loopback()));
        assert!(pick(&["no-such-iface0"]).is_err());
    }
}
