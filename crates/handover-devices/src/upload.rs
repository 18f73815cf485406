//! Streaming a firmware image to a device: read from disk in 64 KiB pieces as the connection takes them (never
//! the whole image in memory), paced by the site's [`Uplink`], over the shared client's connector (so a pinned
//! certificate is enforced exactly as for SOAP), with HTTP Digest answered from a bodiless first request (a
//! streamed body cannot be sent twice).

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt as _, Limited, StreamBody};
use hyper::body::Frame;
use hyper::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, USER_AGENT};
use hyper::{Method, Request, Uri};
use tokio::io::AsyncReadExt as _;
use tokio::time::Instant;

use crate::creds::Credentials;
use crate::digest;
use crate::error::{Error, Result};
use crate::http::{Http, UploadBody, authority, request_error};

const PIECE: usize = 64 * 1024;

/// The site's uplink, shared by every upload of a run: at most `bytes_per_sec` leave in total (0: unpaced).
/// Each piece reserves its share of time on one virtual clock, so many uploads together never exceed it.
#[derive(Debug)]
pub struct Uplink {
    bytes_per_sec: u64,
    next: Mutex<Option<Instant>>,
}

impl Uplink {
    /// An uplink of this rate (0: no limit).
    pub fn new(bytes_per_sec: u64) -> Self {
        Self {
            bytes_per_sec,
            next: Mutex::new(None),
        }
    }

    /// The rate, bytes per second (0: no limit).
    pub fn rate(&self) -> u64 {
        self.bytes_per_sec
    }

    /// Waits until `n` more bytes may leave.
    pub async fn take(&self, n: usize) {
        if self.bytes_per_sec == 0 {
            return;
        }
        let start = {
            let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let start = next.map_or(now, |t| t.max(now));
            *next = Some(start + Duration::from_secs_f64(n as f64 / self.bytes_per_sec as f64));
            start
        };
        tokio::time::sleep_until(start).await;
    }
}

/// What the device said once the whole image was in.
#[derive(Debug, Clone)]
pub struct UploadReceipt {
    /// Bytes sent.
    pub bytes: u64,
    /// The device's answer body (a line of text or a SOAP response), capped.
    pub answer: String,
}

/// The parts of a streamed body: bytes before the file, the file, bytes after it.
pub(crate) struct Framed<'a> {
    pub head: Bytes,
    pub file: &'a Path,
    pub tail: Bytes,
}

async fn open(file: &Path) -> Result<(tokio::fs::File, u64)> {
    let f = tokio::fs::File::open(file)
        .await
        .map_err(|e| Error::io(format!("opening {}", file.display()), e))?;
    let len = f
        .metadata()
        .await
        .map_err(|e| Error::io(format!("reading {}", file.display()), e))?
        .len();
    Ok((f, len))
}

/// The body: head, the file in pieces (each waiting for the uplink), tail.
fn body(
    f: tokio::fs::File,
    head: Bytes,
    tail: Bytes,
    uplink: &std::sync::Arc<Uplink>,
) -> UploadBody {
    let uplink = uplink.clone();
    let file = futures::stream::unfold(Some(f), move |f| {
        let uplink = uplink.clone();
        async move {
            let mut f = f?;
            let mut buf = BytesMut::zeroed(PIECE);
            match f.read(&mut buf).await {
                Ok(0) => None,
                Ok(n) => {
                    buf.truncate(n);
                    uplink.take(n).await;
                    Some((Ok(Frame::data(buf.freeze())), Some(f)))
                }
                Err(e) => Some((Err(e), None)),
            }
        }
    });
    let head = futures::stream::once(async move { Ok(Frame::data(head)) });
    let tail = futures::stream::once(async move { Ok(Frame::data(tail)) });
    use futures::StreamExt as _;
    http_body_util::BodyExt::boxed(StreamBody::new(head.chain(file).chain(tail)))
}

impl Http {
    /// Answers the device's Digest challenge for `uri` from a bodiless POST (`probe`: the body to send, empty
    /// for an upload URI, an anonymous SOAP call for the device service). `None` when it asks for none.
    pub(crate) async fn digest_for(
        &self,
        uri: &Uri,
        probe: Bytes,
        creds: &Credentials,
    ) -> Result<Option<String>> {
        let r = self.post_soap(uri, "", None, probe).await?;
        if r.status != 401 {
            return Ok(None);
        }
        let ch =
            digest::best_challenge(r.challenges.iter().map(String::as_str)).ok_or_else(|| {
                Error::AuthRejected {
                    addr: authority(uri),
                    fault: None,
                }
            })?;
        let cnonce = hex::encode(rand::random::<[u8; 8]>());
        Ok(Some(digest::authorization(
            &ch,
            &creds.username,
            creds.password.expose(),
            "POST",
            uri.path(),
            1,
            &cnonce,
        )))
    }

    /// POSTs `parts` to `uri` streamed, with `authorization`; the answer must be 2xx.
    pub(crate) async fn post_streamed(
        &self,
        uri: &Uri,
        content_type: &str,
        authorization: Option<&str>,
        parts: Framed<'_>,
        uplink: &std::sync::Arc<Uplink>,
    ) -> Result<UploadReceipt> {
        let addr = authority(uri);
        if let Some(e) = self.unpinned(uri) {
            return Err(e);
        }
        let (f, len) = open(parts.file).await?;
        let total = parts.head.len() as u64 + len + parts.tail.len() as u64;
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(uri.clone())
            .header(CONTENT_TYPE, content_type)
            .header(CONTENT_LENGTH, total)
            .header(USER_AGENT, HeaderValue::from_static("handover"));
        if let Some(a) = authorization {
            req = req.header(AUTHORIZATION, a);
        }
        let req = req
            .body(body(f, parts.head, parts.tail, uplink))
            .map_err(|e| Error::InvalidAddress {
                input: uri.to_string(),
                source: Some(e.into()),
            })?;
        let resp = self
            .upload
            .request(req)
            .await
            .map_err(|e| request_error(&addr, e))?;
        let status = resp.status().as_u16();
        let answer = tokio::time::timeout(
            self.opts.request_timeout,
            Limited::new(resp.into_body(), 64 * 1024).collect(),
        )
        .await
        .map_err(|_| Error::Timeout {
            addr: addr.clone(),
            after: self.opts.request_timeout,
        })?
        .map(|c| String::from_utf8_lossy(&c.to_bytes()).into_owned())
        .unwrap_or_default();
        match status {
            200..=299 => Ok(UploadReceipt {
                bytes: total,
                answer,
            }),
            401 => Err(Error::AuthRejected { addr, fault: None }),
            _ => Err(Error::ImageRefused {
                addr,
                status,
                reason: reason_of(&answer),
            }),
        }
    }
}

/// What a refusal says: the SOAP fault's reason, or the first line of text.
fn reason_of(answer: &str) -> String {
    if let Ok(Some(f)) = crate::onvif::fault::scan(answer.as_bytes()) {
        return f.to_string();
    }
    answer
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(300)
        .collect()
}
