//! TLS for device sessions over `https://` XAddrs. Cameras ship self-signed certificates, so no chain is
//! checked: the handshake's signature is still verified against the certificate's key (the peer holds that
//! key), and the SHA-256 fingerprint of every certificate seen is recorded per host, to be shown as evidence.
//! Trust on first use: a host whose fingerprint the caller pinned (the project remembers the first one seen)
//! must present that same certificate, or the handshake is refused before any request (or credential) is sent.
//! Pins and records are per host (IP address or name): one device per address, as on a site.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rustls::DigitallySignedStruct;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use sha2::{Digest as _, Sha256};

/// SHA-256 of a certificate (DER) in the form browsers show: upper-case hex pairs joined by colons.
pub fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// What a refused handshake was refused for: the pinned fingerprint and the one presented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mismatch {
    pub pinned: String,
    pub presented: String,
}

#[derive(Debug, Default)]
struct Certs {
    /// The fingerprint each host last presented.
    seen: HashMap<String, String>,
    /// The fingerprint each host must present.
    pins: HashMap<String, String>,
    /// The last refused handshake per host.
    refused: HashMap<String, Mismatch>,
}

/// Fingerprints of the certificates devices presented, and the ones they must present, by host.
#[derive(Debug, Clone, Default)]
pub(crate) struct SeenCertificates(Arc<Mutex<Certs>>);

fn bare(host: &str) -> &str {
    host.trim_start_matches('[').trim_end_matches(']')
}

/// Keeps a map from growing without bound on a hostile or enormous site.
fn bounded<V>(m: &mut HashMap<String, V>) -> &mut HashMap<String, V> {
    if m.len() > 65_536 {
        m.clear();
    }
    m
}

impl SeenCertificates {
    fn lock(&self) -> std::sync::MutexGuard<'_, Certs> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn get(&self, host: &str) -> Option<String> {
        self.lock().seen.get(bare(host)).cloned()
    }

    /// From now on `host` must present the certificate with this fingerprint (None: any certificate).
    pub fn pin(&self, host: &str, fp: Option<&str>) {
        let mut c = self.lock();
        match fp {
            Some(fp) => {
                bounded(&mut c.pins).insert(bare(host).to_string(), fp.to_ascii_uppercase());
            }
            None => {
                c.pins.remove(bare(host));
            }
        }
        c.refused.remove(bare(host));
    }

    /// The last handshake `host` failed for presenting another certificate than its pin.
    pub fn refused(&self, host: &str) -> Option<Mismatch> {
        self.lock().refused.get(bare(host)).cloned()
    }

    /// Records what `host` presented; refuses it when the host is pinned to another certificate.
    fn check(&self, host: String, fp: String) -> Result<(), Mismatch> {
        let mut c = self.lock();
        if let Some(pinned) = c.pins.get(&host).cloned()
            && pinned != fp
        {
            let m = Mismatch {
                pinned,
                presented: fp,
            };
            bounded(&mut c.refused).insert(host, m.clone());
            return Err(m);
        }
        c.refused.remove(&host);
        bounded(&mut c.seen).insert(host, fp);
        Ok(())
    }
}

/// Accepts the device's own certificate (the pinned one, when the host is pinned), checks the handshake
/// signatures, records the fingerprint.
#[derive(Debug)]
struct RecordingVerifier {
    provider: Arc<CryptoProvider>,
    seen: SeenCertificates,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let host = match server_name {
            ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
            ServerName::DnsName(d) => d.as_ref().to_string(),
            other => format!("{other:?}"),
        };
        match self.seen.check(host, fingerprint(end_entity)) {
            Ok(()) => Ok(ServerCertVerified::assertion()),
            Err(m) => Err(rustls::Error::General(format!(
                "certificate {} is not the pinned {}",
                m.presented, m.pinned
            ))),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// The client TLS configuration (ring provider, TLS 1.2 and 1.3; the connector adds ALPN for HTTP/1.1)
/// recording into `seen`.
pub(crate) fn client_config(seen: SeenCertificates) -> rustls::ClientConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("the ring provider supports the default protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(RecordingVerifier { provider, seen }))
        .with_no_client_auth()
}
