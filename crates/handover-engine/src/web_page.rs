//! A device's own web page, for the technician on site (to focus a lens, say): its HTTPS address where the
//! device offers HTTPS, its plain HTTP address only where it offers nothing better.

use std::net::IpAddr;

use handover_model::{Device, DeviceId};
use serde::Serialize;

use crate::error::Result;
use crate::session::Session;

/// Where a device's web page is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebPage {
    /// The address to open.
    pub url: String,
    /// Over HTTPS.
    pub secure: bool,
    /// The certificate Handover pinned for the device (SHA-256), to compare with what the browser shows.
    pub certificate: Option<String>,
}

/// `host` or `[host]` as a URL needs it.
fn host(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

/// The port a reported protocol (`HTTPS:443`) is on, when enabled.
fn port(d: &Device, name: &str) -> Option<u16> {
    d.facts.protocols.iter().find_map(|p| {
        let (n, port) = p.split_once(':')?;
        n.eq_ignore_ascii_case(name)
            .then(|| port.parse().ok())
            .flatten()
    })
}

/// The port of an `https://` XAddr (443 when it names none); `None` for any other XAddr.
fn https_port(xaddr: &str) -> Option<u16> {
    let rest = xaddr
        .get(..8)
        .filter(|p| p.eq_ignore_ascii_case("https://"))
        .and_then(|_| xaddr.get(8..))?;
    let authority = rest.split('/').next()?;
    let after_host = authority.rsplit_once(']').map_or(authority, |(_, r)| r);
    match after_host.rsplit_once(':') {
        Some((_, p)) => p.parse().ok(),
        None => Some(443),
    }
}

/// The device's web page: its HTTPS XAddr's host and port, or the HTTPS port it reports, or else HTTP.
pub fn web_page(d: &Device) -> WebPage {
    let url = |scheme: &str, port: Option<u16>| {
        let default = if scheme == "https" { 443 } else { 80 };
        match port {
            Some(p) if p != default => format!("{scheme}://{}:{p}/", host(d.address)),
            _ => format!("{scheme}://{}/", host(d.address)),
        }
    };
    let https_xaddr_port = d.facts.xaddr.as_deref().and_then(https_port);
    let (url, secure) = match (https_xaddr_port, port(d, "HTTPS"), port(d, "HTTP")) {
        (Some(p), _, _) | (None, Some(p), _) => (url("https", Some(p)), true),
        (None, None, p) => (url("http", p), false),
    };
    WebPage {
        url,
        secure,
        certificate: d.facts.tls_fingerprint.clone(),
    }
}

impl Session {
    /// Where device `id`'s web page is (see [`web_page`]).
    pub fn web_page(&self, id: DeviceId) -> Result<WebPage> {
        Ok(web_page(&self.project().device(id)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(xaddr: Option<&str>, protocols: &[&str]) -> Device {
        Device {
            id: DeviceId(1),
            identity: Default::default(),
            address: "10.0.0.9".parse().unwrap(),
            previous_addresses: Vec::new(),
            role: None,
            found_by: Default::default(),
            facts: handover_model::DeviceFacts {
                xaddr: xaddr.map(str::to_owned),
                protocols: protocols.iter().map(|p| (*p).to_owned()).collect(),
                ..Default::default()
            },
            label: Default::default(),
            first_seen: time::OffsetDateTime::UNIX_EPOCH,
            last_seen: time::OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn https_wins_wherever_the_device_offers_it() {
        let d = device(
            Some("http://10.0.0.9/onvif/device_service"),
            &["HTTP:80", "HTTPS:443"],
        );
        assert_eq!(web_page(&d).url, "https://10.0.0.9/");
        assert!(web_page(&d).secure);
        let d = device(
            Some("https://10.0.0.9:8443/onvif/device_service"),
            &["HTTP:80"],
        );
        assert_eq!(web_page(&d).url, "https://10.0.0.9:8443/");
        let d = device(None, &["HTTP:8080", "HTTPS:7443"]);
        assert_eq!(web_page(&d).url, "https://10.0.0.9:7443/");
        let mut d = device(Some("https://[fe80::1]:9443/onvif/device_service"), &[]);
        d.address = "fe80::1".parse().unwrap();
        assert_eq!(web_page(&d).url, "https://[fe80::1]:9443/");
    }

    #[test]
    fn plain_http_only_where_nothing_better_is_offered() {
        let d = device(
            Some("http://10.0.0.9:8080/onvif/device_service"),
            &["HTTP:8080"],
        );
        let w = web_page(&d);
        assert_eq!(w.url, "http://10.0.0.9:8080/");
        assert!(!w.secure);
        let mut d = device(None, &[]);
        d.address = "fe80::1".parse().unwrap();
        assert_eq!(web_page(&d).url, "http://[fe80::1]/");
    }
}
