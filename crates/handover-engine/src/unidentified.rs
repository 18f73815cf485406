//! Hosts that answered on a planned subnet but could not be identified (ONVIF switched off, refusing Handover,
//! not announcing itself): the one rule that picks them from the latest discovery notes and words why and what
//! to do next. The report's method appendix and the front ends' lists both read it, so they always agree. It
//! is not discovery itself (that is `discover`) and it decides nothing about devices in the project.

use handover_model::Device;
use handover_store::discovery::StoredNote;
use serde::Serialize;

use crate::error::Result;
use crate::session::Session;

/// A host a sweep followed up that is not a device in the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnidentifiedHost {
    /// The planned subnet it answered on.
    pub subnet: String,
    /// Its address.
    pub address: String,
    /// Why it is not in the inventory, in plain words.
    pub reason: String,
    /// What the technician can do about it.
    pub next: String,
}

/// One subnet's follow-ups: the hosts listed, and how many hosts were up with every camera port closed (counted,
/// not listed: on a busy subnet those are PCs and printers).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FollowUps {
    /// Hosts with a reason.
    pub hosts: Vec<UnidentifiedHost>,
    /// Hosts up with no camera service on the ONVIF ports.
    pub no_camera_service: u32,
}

/// A sweep's follow-up verdict (stored as its Debug text, e.g. `NotOnvif { port: 80, detail: ".." }` or
/// `PortsClosed`) as (why, what next). `None` for `PortsClosed`.
pub fn explain(verdict: &str) -> Option<(String, String)> {
    let kind = verdict.split([' ', '{']).next().unwrap_or_default();
    let port = verdict
        .split("port: ")
        .nth(1)
        .and_then(|r| r.split([',', ' ', '}']).next())
        .unwrap_or("?");
    Some(match kind {
        "PortsClosed" => return None,
        "OnvifNotDiscoverable" => (
            format!(
                "a camera service (ONVIF, port {port}) answers, but the device does not announce itself, so it \
                 was never identified"
            ),
            "Switch discovery (WS-Discovery) on in the device's web page and discover again, or add the device \
             by its address"
                .to_owned(),
        ),
        "OnvifRefusing" => (
            format!(
                "a camera service (ONVIF, port {port}) refused Handover: wrong or unknown credentials, or a lockout"
            ),
            "Wait a few minutes in case the device locked Handover out, then discover again; if it still refuses, \
             find its password (or reset it) and add it by its address"
                .to_owned(),
        ),
        "NotOnvif" => (
            format!(
                "a service answers on port {port} but not the camera protocol (ONVIF): not a camera, or a camera \
                 with ONVIF switched off (as recent Hikvision firmware ships)"
            ),
            "Open its web page: if it is a camera, switch ONVIF on (with an ONVIF user) and discover again; if it \
             is not a camera, nothing to do"
                .to_owned(),
        ),
        "HostileAnswer" => (
            "answered discovery with a malformed or oversized message, which was ignored".to_owned(),
            "Find out what this host is before trusting it: nothing it sent was recorded".to_owned(),
        ),
        _ => (
            format!("answered, but could not be identified ({kind})"),
            "Open its web page to see what it is, then discover again".to_owned(),
        ),
    })
}

/// The follow-ups recorded for `subnet` in `notes` (the latest run's), leaving out addresses that are devices.
pub fn follow_ups(notes: &[StoredNote], devices: &[Device], subnet: &str) -> FollowUps {
    let mut out = FollowUps::default();
    for n in notes.iter().filter(|n| n.note.subnet == subnet) {
        let Some(host) = n.note.method.strip_prefix("follow-up ") else {
            continue;
        };
        if devices.iter().any(|d| d.address.to_string() == host) {
            continue;
        }
        match explain(&n.note.detail) {
            Some((reason, next)) => out.hosts.push(UnidentifiedHost {
                subnet: subnet.to_owned(),
                address: host.to_owned(),
                reason,
                next,
            }),
            None => out.no_camera_service += 1,
        }
    }
    out
}

impl Session {
    /// Every planned subnet's unidentified hosts from its latest discovery run, in plan order.
    pub fn unidentified_hosts(&self) -> Result<Vec<UnidentifiedHost>> {
        let p = self.project();
        let (notes, devices) = (p.discovery_notes()?, p.devices()?);
        Ok(p.plan()?
            .vlans
            .iter()
            .flat_map(|v| follow_ups(&notes, &devices, &v.subnet.to_string()).hosts)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::explain;

    #[test]
    fn every_listed_verdict_says_what_to_do_next() {
        assert_eq!(explain("PortsClosed"), None);
        for (verdict, why, next) in [
            (
                "NotOnvif { port: 80, detail: \"HTTP 404\" }",
                "port 80",
                "switch ONVIF on",
            ),
            (
                "OnvifRefusing { port: 8080, detail: \"401\" }",
                "port 8080",
                "locked Handover out",
            ),
            (
                "OnvifNotDiscoverable { port: 80 }",
                "does not announce",
                "add the device by its address",
            ),
            ("HostileAnswer", "malformed", "before trusting it"),
            ("SomethingNew { port: 1 }", "SomethingNew", "web page"),
        ] {
            let (r, n) = explain(verdict).unwrap();
            assert!(r.contains(why), "{verdict}: {r}");
            assert!(n.contains(next), "{verdict}: {n}");
        }
    }
}
