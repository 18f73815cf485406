//! The one shared HTTP/1.1 client every device session uses (hyper with a keep-alive pool: building a
//! client per device costs many times the CPU), with a cap on every body read, a deadline on every
//! exchange, a global bound on requests in flight and a gate that keeps at most one request in flight
//! per device. It speaks `http://` and `https://` (rustls, see [`crate::tls`]: self-signed device certificates
//! accepted, their fingerprints recorded, pinned ones enforced per endpoint). It knows HTTP, not SOAP or
//! authentication.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, DATE, HeaderValue, USER_AGENT, WWW_AUTHENTICATE};
use hyper::{Method, Request, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::sync::{OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};

use crate::error::{Error, Result};
use crate::tls::{self, SeenCertificates};

type Connector = tls::PinningConnector;

/// Limits for the shared client.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// TCP connect timeout.
    pub connect_timeout: Duration,
    /// Deadline for one whole exchange (connect, send, read the full body).
    pub request_timeout: Duration,
    /// Largest body read from a device, in bytes.
    pub max_body: usize,
    /// Requests in flight across all devices.
    pub max_in_flight: usize,
    /// Idle keep-alive connections kept per device.
    pub pool_idle_per_host: usize,
    /// How long an idle keep-alive connection is kept. Short: a workflow talks to a device in a burst (its
    /// requests follow each other within a second) and then not again for a long while, embedded devices accept
    /// only a few connections at a time, and a site has thousands of them.
    pub pool_idle_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(3),
            request_timeout: Duration::from_secs(10),
            max_body: 1 << 20,
            max_in_flight: 256,
            pool_idle_per_host: 1,
            pool_idle_timeout: Duration::from_secs(5),
        }
    }
}

/// What came back from one POST.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub status: u16,
    pub challenges: Vec<String>,
    pub date: Option<String>,
    pub body: Bytes,
}

/// The body of a streamed upload (a firmware image read from disk as it is sent).
pub(crate) type UploadBody = http_body_util::combinators::BoxBody<Bytes, std::io::Error>;

/// The shared client.
pub(crate) struct Http {
    client: Client<Connector, Full<Bytes>>,
    /// The same connector (and so the same pins), for streamed request bodies.
    pub(crate) upload: Client<Connector, UploadBody>,
    pub opts: ClientOptions,
    certs: SeenCertificates,
    in_flight: Arc<Semaphore>,
    gates: Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http").field("opts", &self.opts).finish()
    }
}

/// Held while a request to one device is in flight.
pub(crate) struct DeviceGate {
    _device: OwnedMutexGuard<()>,
    _global: OwnedSemaphorePermit,
}

impl Http {
    pub fn new(opts: ClientOptions) -> Self {
        let mut conn = HttpConnector::new();
        conn.set_connect_timeout(Some(opts.connect_timeout));
        conn.set_nodelay(true);
        conn.enforce_http(false);
        let certs = SeenCertificates::default();
        let conn = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls::client_config())
            .https_or_http()
            .enable_http1()
            .wrap_connector(conn);
        let conn = tls::PinningConnector::new(conn, certs.clone());
        let upload = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(0)
            .build(conn.clone());
        // Without a timer the pool never evicts an idle connection (only a later checkout for the same device
        // would): one socket per device stayed open on both sides, and at 5,000 devices the simulator ran out of
        // descriptors half way through `fix --all` (every device in flight waited 10 s, un-accepted).
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(hyper_util::rt::TokioTimer::new())
            .pool_max_idle_per_host(opts.pool_idle_per_host)
            .pool_idle_timeout(opts.pool_idle_timeout)
            .build(conn);
        Http {
            client,
            upload,
            certs,
            in_flight: Arc::new(Semaphore::new(opts.max_in_flight.max(1))),
            opts,
            gates: Mutex::new(HashMap::new()),
        }
    }

    /// SHA-256 fingerprint of the certificate the endpoint (`host:port`) of `uri` last presented over TLS.
    pub fn tls_fingerprint(&self, uri: &Uri) -> Option<String> {
        self.certs.get(&tls::endpoint(uri)?)
    }

    /// Forgets every certificate pinned on the host of `uri`, on any port.
    pub fn unpin_host(&self, uri: &Uri) {
        if let Some(host) = uri.host() {
            self.certs
                .unpin_host(host.trim_start_matches('[').trim_end_matches(']'));
        }
    }

    /// From now on the endpoint of `uri` must present the certificate with this fingerprint (None: any).
    pub fn pin(&self, uri: &Uri, fingerprint: Option<&str>) {
        if let Some(e) = tls::endpoint(uri) {
            self.certs.pin(&e, fingerprint);
        }
    }

    /// Waits until no other request to `authority` is in flight and a global slot is free.
    pub async fn gate(&self, authority: &str) -> DeviceGate {
        let lock = {
            let mut gates = self.gates.lock().unwrap_or_else(|p| p.into_inner());
            if gates.len() > 4096 {
                gates.retain(|_, w| w.strong_count() > 0);
            }
            match gates.get(authority).and_then(Weak::upgrade) {
                Some(l) => l,
                None => {
                    let l = Arc::new(tokio::sync::Mutex::new(()));
                    gates.insert(authority.to_string(), Arc::downgrade(&l));
                    l
                }
            }
        };
        let device = lock.lock_owned().await;
        let global = self
            .in_flight
            .clone()
            .acquire_owned()
            .await
            .expect("the request semaphore is never closed");
        DeviceGate {
            _device: device,
            _global: global,
        }
    }

    /// The error for an HTTPS endpoint reached over a keep-alive connection made before its pin, if any.
    pub(crate) fn unpinned(&self, uri: &Uri) -> Option<Error> {
        if uri.scheme_str() != Some("https") {
            return None;
        }
        let m = tls::endpoint(uri).and_then(|e| self.certs.unpinned_connection(&e))?;
        Some(Error::CertificateChanged {
            addr: authority(uri),
            pinned: m.pinned,
            presented: m.presented,
        })
    }

    /// POSTs a SOAP body; reads at most `max_body` bytes of the answer within `request_timeout`.
    pub async fn post_soap(
        &self,
        uri: &Uri,
        action: &str,
        authorization: Option<&str>,
        body: Bytes,
    ) -> Result<Response> {
        let addr = authority(uri);
        // A keep-alive connection made before a pin may carry another certificate: nothing goes over it.
        if uri.scheme_str() == Some("https")
            && let Some(m) = tls::endpoint(uri).and_then(|e| self.certs.unpinned_connection(&e))
        {
            return Err(Error::CertificateChanged {
                addr,
                pinned: m.pinned,
                presented: m.presented,
            });
        }
        let ct = format!("application/soap+xml; charset=utf-8; action=\"{action}\"");
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(uri.clone())
            .header(CONTENT_TYPE, ct)
            .header(USER_AGENT, HeaderValue::from_static("handover"));
        if let Some(a) = authorization {
            req = req.header(AUTHORIZATION, a);
        }
        let req = req
            .body(Full::new(body))
            .map_err(|e| Error::InvalidAddress {
                input: uri.to_string(),
                source: Some(e.into()),
            })?;
        let limit = self.opts.max_body;
        let timeout = self.opts.request_timeout;
        let exchange = async {
            let resp = self
                .client
                .request(req)
                .await
                .map_err(|e| request_error(&addr, e))?;
            let status = resp.status().as_u16();
            let headers = resp.headers();
            let challenges = headers
                .get_all(WWW_AUTHENTICATE)
                .iter()
                .take(8)
                .filter_map(|v| v.to_str().ok().map(str::to_string))
                .collect();
            let date = headers
                .get(DATE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            if let Some(len) = headers
                .get(hyper::header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
                && len > limit as u64
            {
                return Err(Error::BodyTooLarge {
                    addr: addr.clone(),
                    limit,
                });
            }
            let body = Limited::new(resp.into_body(), limit)
                .collect()
                .await
                .map_err(|e| {
                    if e.downcast_ref::<http_body_util::LengthLimitError>()
                        .is_some()
                    {
                        Error::BodyTooLarge {
                            addr: addr.clone(),
                            limit,
                        }
                    } else {
                        Error::Http {
                            addr: addr.clone(),
                            source: e,
                        }
                    }
                })?;
            Ok(Response {
                status,
                challenges,
                date,
                body: body.to_bytes(),
            })
        };
        match tokio::time::timeout(timeout, exchange).await {
            Ok(r) => r,
            Err(_) => Err(Error::Timeout {
                addr,
                after: timeout,
            }),
        }
    }
}

/// Our error for a failed exchange: a pinned certificate not presented, no connection, or a broken exchange.
pub(crate) fn request_error(addr: &str, e: hyper_util::client::legacy::Error) -> Error {
    if let Some(m) = tls::mismatch_in(&e) {
        Error::CertificateChanged {
            addr: addr.to_owned(),
            pinned: m.pinned.clone(),
            presented: m.presented.clone(),
        }
    } else if e.is_connect() {
        Error::Connect {
            addr: addr.to_owned(),
            source: e.into(),
        }
    } else {
        Error::Http {
            addr: addr.to_owned(),
            source: e.into(),
        }
    }
}

/// host:port of a URI, for messages and the per-device gate.
pub(crate) fn authority(uri: &Uri) -> String {
    uri.authority()
        .map_or_else(|| uri.to_string(), |a| a.to_string())
}

/// Parses an HTTP date (`Sun, 22 Nov 2026 04:05:06 GMT`) into a unix time.
pub(crate) fn parse_http_date(s: &str) -> Option<i64> {
    let fmt = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::PrimitiveDateTime::parse(s.trim(), fmt)
        .ok()
        .map(|t| t.assume_utc().unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An idle keep-alive connection is closed once the idle time has passed, without another request to the
    /// same device: a site's thousands of devices must not each keep a socket open on the laptop and the device.
    #[tokio::test]
    async fn an_idle_connection_is_closed_after_the_idle_timeout() {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = vec![0u8; 64 * 1024];
            let mut seen = Vec::new();
            // Read the request (headers and its small body), answer with keep-alive.
            while !String::from_utf8_lossy(&seen).contains("</x>") {
                let n = s.read(&mut buf).await.unwrap();
                assert!(n > 0, "the request arrives");
                seen.extend_from_slice(&buf[..n]);
            }
            let body = "<x/>";
            let answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            s.write_all(answer.as_bytes()).await.unwrap();
            // Then wait for the client to close the connection (a read of 0 bytes).
            let started = std::time::Instant::now();
            let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
                .await
                .expect("the client closes the idle connection within 5 s")
                .unwrap();
            (n, started.elapsed())
        });
        let http = Http::new(ClientOptions {
            pool_idle_timeout: Duration::from_millis(300),
            ..ClientOptions::default()
        });
        let uri: Uri = format!("http://{addr}/onvif/device_service")
            .parse()
            .unwrap();
        let r = http
            .post_soap(&uri, "urn:test", None, Bytes::from_static(b"<x></x>"))
            .await
            .unwrap();
        assert_eq!(r.status, 200);
        let (n, after) = server.await.unwrap();
        assert_eq!(n, 0, "closed, not another request");
        assert!(
            after >= Duration::from_millis(250),
            "kept for its idle time first: {after:?}"
        );
    }

    #[test]
    fn http_dates_parse() {
        assert_eq!(
            parse_http_date("Sun, 22 Nov 2026 04:05:06 GMT"),
            Some(1_795_320_306)
        );
        assert_eq!(parse_http_date("yesterday"), None);
    }
}
