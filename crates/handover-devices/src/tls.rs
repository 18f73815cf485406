//! TLS for device sessions over `https://` XAddrs. Cameras ship self-signed certificates, so no chain is
//! checked: the handshake's signature is still verified against the certificate's key (the peer holds that
//! key), and the SHA-256 fingerprint of every certificate seen is recorded, to be shown as evidence.
//! Trust on first use: an endpoint whose fingerprint the caller pinned (the project remembers the first one
//! seen) must present that same certificate, or the new connection is dropped right after the handshake,
//! before any request (or credential) is written to it ([`PinningConnector`]). Records and pins are per
//! endpoint (`host:port`), so devices behind one address (cameras an NVR exposes on its own ports) each keep
//! their own certificate.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use hyper::Uri;
use hyper_rustls::{HttpsConnector, MaybeHttpsStream};
use hyper_util::client::legacy::connect::HttpConnector;

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

/// A certificate other than the pinned one: the pinned fingerprint and the one presented. As an error it is
/// what [`PinningConnector`] refuses a connection with (the HTTP layer finds it in the client error's chain).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("certificate {presented} is not the pinned {pinned}")]
pub(crate) struct Mismatch {
    pub pinned: String,
    pub presented: String,
}

#[derive(Debug, Default)]
struct Certs {
    /// The fingerprint each endpoint last presented.
    seen: HashMap<String, String>,
    /// The fingerprint each endpoint must present.
    pins: HashMap<String, String>,
}

/// Fingerprints of the certificates devices presented, and the ones they must present, by endpoint.
#[derive(Debug, Clone, Default)]
pub(crate) struct SeenCertificates(Arc<Mutex<Certs>>);

/// The endpoint key of a URI: `host:port`, the port defaulting by scheme (443 for https, 80 otherwise).
pub(crate) fn endpoint(uri: &Uri) -> Option<String> {
    let host = uri.host()?.trim_start_matches('[').trim_end_matches(']');
    let port = uri
        .port_u16()
        .unwrap_or(if uri.scheme_str() == Some("https") {
            443
        } else {
            80
        });
    Some(format!("{host}:{port}"))
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

    /// What the endpoint last presented.
    pub fn get(&self, endpoint: &str) -> Option<String> {
        self.lock().seen.get(endpoint).cloned()
    }

    /// Forgets every pin on `host`, whatever the port (a device's HTTPS port is not its HTTP one).
    pub fn unpin_host(&self, host: &str) {
        let prefix = format!("{host}:");
        self.lock().pins.retain(|e, _| !e.starts_with(&prefix));
    }

    /// From now on `endpoint` must present the certificate with this fingerprint (None: any certificate).
    pub fn pin(&self, endpoint: &str, fp: Option<&str>) {
        let mut c = self.lock();
        match fp {
            Some(fp) => {
                bounded(&mut c.pins).insert(endpoint.to_string(), fp.to_ascii_uppercase());
            }
            None => {
                c.pins.remove(endpoint);
            }
        }
    }

    /// When `endpoint` is pinned and the certificate it last presented (on a connection that may still be
    /// open in the pool, made before the pin) is another one.
    pub fn unpinned_connection(&self, endpoint: &str) -> Option<Mismatch> {
        let c = self.lock();
        match (c.pins.get(endpoint), c.seen.get(endpoint)) {
            (Some(pinned), Some(presented)) if pinned != presented => Some(Mismatch {
                pinned: pinned.clone(),
                presented: presented.clone(),
            }),
            _ => None,
        }
    }

    /// Records what `endpoint` presented; refuses it when the endpoint is pinned to another certificate.
    fn check(&self, endpoint: String, fp: String) -> Result<(), Mismatch> {
        let mut c = self.lock();
        if let Some(pinned) = c.pins.get(&endpoint).cloned()
            && pinned != fp
        {
            return Err(Mismatch {
                pinned,
                presented: fp,
            });
        }
        bounded(&mut c.seen).insert(endpoint, fp);
        Ok(())
    }
}

/// The pin refusal behind a client error, if that is why the connection failed.
pub(crate) fn mismatch_in<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a Mismatch> {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(m) = err.downcast_ref::<Mismatch>() {
            return Some(m);
        }
        cur = err.source();
    }
    None
}

type Inner = HttpsConnector<HttpConnector>;
type Stream = MaybeHttpsStream<hyper_util::rt::TokioIo<tokio::net::TcpStream>>;
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The HTTPS connector with pins: after the TLS handshake, before the connection is handed to the client
/// (so before any request is written), the certificate the endpoint presented is recorded and compared with
/// its pin; another one drops the connection.
#[derive(Clone)]
pub(crate) struct PinningConnector {
    inner: Inner,
    certs: SeenCertificates,
}

impl PinningConnector {
    pub fn new(inner: Inner, certs: SeenCertificates) -> Self {
        PinningConnector { inner, certs }
    }
}

impl tower_service::Service<Uri> for PinningConnector {
    type Response = Stream;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Stream, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let key = endpoint(&uri);
        let connecting = self.inner.call(uri);
        let certs = self.certs.clone();
        Box::pin(async move {
            let stream = connecting.await?;
            if let (MaybeHttpsStream::Https(tls), Some(key)) = (&stream, key) {
                let (_, conn) = tls.inner().get_ref();
                if let Some(der) = conn.peer_certificates().and_then(|c| c.first()) {
                    certs.check(key, fingerprint(der))?;
                }
            }
            Ok(stream)
        })
    }
}

/// Accepts the device's own certificate and checks the handshake signatures (pins are checked per endpoint
/// by [`PinningConnector`], which knows the port).
#[derive(Debug)]
struct SelfSignedVerifier {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for SelfSignedVerifier {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
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

/// The client TLS configuration (ring provider, TLS 1.2 and 1.3; the connector adds ALPN for HTTP/1.1).
pub(crate) fn client_config() -> rustls::ClientConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("the ring provider supports the default protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(SelfSignedVerifier { provider }))
        .with_no_client_auth()
}
