//! TLS for device sessions over `https://` XAddrs. Cameras ship self-signed certificates, so no chain is
//! checked: the handshake's signature is still verified against the certificate's key (the peer holds that
//! key), and the SHA-256 fingerprint of every certificate seen is recorded per host, to be shown as evidence
//! (and compared by a person or a later check), never trusted silently as proof of identity.

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

/// Fingerprints of the certificates devices presented, by host (IP address or name).
#[derive(Debug, Clone, Default)]
pub(crate) struct SeenCertificates(Arc<Mutex<HashMap<String, String>>>);

impl SeenCertificates {
    pub fn get(&self, host: &str) -> Option<String> {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(host)
            .cloned()
    }

    fn record(&self, host: String, fp: String) {
        let mut m = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if m.len() > 16_384 {
            m.clear();
        }
        m.insert(host, fp);
    }
}

/// Accepts the device's own certificate, checks the handshake signatures, records the fingerprint.
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
        self.seen.record(host, fingerprint(end_entity));
        Ok(ServerCertVerified::assertion())
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
