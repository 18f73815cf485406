//! HTTPS for simulated devices: one self-signed certificate per site (rcgen, ECDSA P-256, made once at spawn
//! and only when some device offers HTTPS), served with rustls (ring provider) on each such device's HTTPS
//! port, in front of the same ONVIF handler as plain HTTP. Cameras ship self-signed certificates too. A second
//! certificate stands in for a replaced or reset device (or someone in the middle) when a fault asks for it.

use std::net::IpAddr;
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sha2::{Digest as _, Sha256};
use tokio_rustls::TlsAcceptor;

use crate::error::{Error, Result};

/// The site's certificate and the acceptor every HTTPS listener shares.
#[derive(Clone)]
pub(crate) struct SiteTls {
    pub acceptor: TlsAcceptor,
    /// SHA-256 of the certificate (DER), upper-case hex pairs joined by colons.
    pub fingerprint: String,
    /// Another certificate, for a device replaced, reset, or impersonated.
    pub replaced: TlsAcceptor,
    /// Its SHA-256.
    pub replaced_fingerprint: String,
}

impl std::fmt::Debug for SiteTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SiteTls")
            .field("fingerprint", &self.fingerprint)
            .field("replaced_fingerprint", &self.replaced_fingerprint)
            .finish()
    }
}

/// SHA-256 of DER bytes in the form browsers show (`AB:CD:...`).
pub fn fingerprint(der: &[u8]) -> String {
    let hex = hex::encode_upper(Sha256::digest(der));
    let pairs: Vec<&str> = (0..hex.len()).step_by(2).map(|i| &hex[i..i + 2]).collect();
    pairs.join(":")
}

/// Makes the site certificate for these addresses and a TLS 1.2/1.3 acceptor offering HTTP/1.1, and a second,
/// different one for devices told to present another certificate (`tls_certificate_replaced`).
pub(crate) fn site_tls(addresses: &[IpAddr]) -> Result<SiteTls> {
    let mut names = vec!["handover-sim".to_string()];
    for a in addresses {
        let s = a.to_string();
        if !names.contains(&s) {
            names.push(s);
        }
    }
    let (site, fingerprint) = acceptor(names.clone())?;
    let (replaced, replaced_fingerprint) = acceptor(names)?;
    Ok(SiteTls {
        acceptor: site,
        fingerprint,
        replaced,
        replaced_fingerprint,
    })
}

/// A fresh self-signed certificate for `names` and an acceptor serving it.
fn acceptor(names: Vec<String>) -> Result<(TlsAcceptor, String)> {
    let tls_err = |e: &dyn std::fmt::Display| Error::Tls(e.to_string());
    let ck = rcgen::generate_simple_self_signed(names).map_err(|e| tls_err(&e))?;
    let cert: CertificateDer<'static> = ck.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ck.key_pair.serialize_der()));
    let fp = fingerprint(&cert);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_err(&e))?
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .map_err(|e| tls_err(&e))?;
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((TlsAcceptor::from(Arc::new(cfg)), fp))
}
