//! "Does HTTPS work on this device?", proved rather than read from a setting: the HTTPS port from
//! GetNetworkProtocols, a TLS handshake there (the device's self-signed certificate accepted, its SHA-256
//! fingerprint recorded) and an authenticated GetDeviceInformation over it with the session's credentials.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::onvif::session::{DeviceClient, OnvifSession};
use crate::onvif::types::{DeviceInformation, NetworkProtocol};

/// What proved HTTPS works.
#[derive(Debug, Clone, Serialize)]
pub struct HttpsProof {
    /// The device service over HTTPS (`https://host:port/onvif/device_service`).
    pub xaddr: String,
    /// SHA-256 of the certificate the device presented (`AB:CD:...`).
    pub fingerprint: String,
    /// The protocols the device reported, as read before the proof.
    pub protocols: Vec<NetworkProtocol>,
    /// The authenticated answer that came back over HTTPS.
    pub info: DeviceInformation,
}

/// The same XAddr with the `https` scheme on `port`.
pub fn https_xaddr(xaddr: &str, port: u32) -> Result<String> {
    let invalid = || Error::InvalidAddress {
        input: xaddr.to_string(),
        source: None,
    };
    let uri: hyper::Uri = xaddr.parse().map_err(|_| invalid())?;
    let host = uri.host().ok_or_else(invalid)?;
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let port = u16::try_from(port).map_err(|_| invalid())?;
    Ok(format!("https://{host}:{port}{path}"))
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

impl DeviceClient {
    /// Proves HTTPS works on the device behind `session` (which must carry credentials): reads its
    /// protocols, then makes an authenticated call over HTTPS on the reported port.
    pub async fn check_https(&self, session: &OnvifSession) -> Result<HttpsProof> {
        let unavailable = |addr: &str, reason: String| Error::HttpsUnavailable {
            addr: addr.to_string(),
            reason,
        };
        let creds = session.credentials().cloned().ok_or_else(|| {
            unavailable(
                session.address(),
                "no credentials to make an authenticated call with".into(),
            )
        })?;
        let protocols = session.network_protocols().await?;
        let https = protocols
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case("HTTPS") && p.enabled)
            .ok_or_else(|| {
                unavailable(
                    session.address(),
                    "the device reports HTTPS switched off".into(),
                )
            })?;
        let port = https.ports.first().copied().unwrap_or(443);
        let xaddr = https_xaddr(session.xaddr(), port)?;
        let tls = self.session_with(&xaddr, Some(creds), session.auth_preference())?;
        if let Some(skew) = session.skew_secs() {
            tls.set_skew_secs(skew);
        }
        let addr = tls.address().to_string();
        // Another certificate than the pinned one is said as such, never as "no HTTPS": a caller must not fall
        // back to plain HTTP because someone in the middle presented their own certificate.
        let info = tls.device_information().await.map_err(|e| {
            if e.is_certificate_changed() {
                e
            } else {
                unavailable(&addr, chain(&e))
            }
        })?;
        let fingerprint = self.tls_fingerprint(&xaddr).ok_or_else(|| {
            unavailable(
                &addr,
                "no certificate was recorded for the connection".into(),
            )
        })?;
        Ok(HttpsProof {
            xaddr,
            fingerprint,
            protocols,
            info,
        })
    }
}
