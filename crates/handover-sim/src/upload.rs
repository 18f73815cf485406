//! Firmware images arriving over HTTP: the one-time upload URI StartFirmwareUpgrade hands out (`POST
//! /onvif/firmware/<token>`, HTTP Digest with an administrator's password, the image as the body) and the older
//! UpgradeSystemFirmware as MTOM (`multipart/related`: the SOAP envelope first, authenticated like any
//! operation, then the image as the attachment). Both stream the image through [`firmware::Receiver`] at the
//! device's upload throughput and keep none of it; a valid image is installed after the answer.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt as _;
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};

use crate::auth::{self, AuthRequest, Decision, UsernameToken};
use crate::device::{Device, UserLevel};
use crate::firmware::{self, Receiver};
use crate::http::{Body, challenge_response, fault_response, full, refusal_response, respond};
use crate::soap::{self, SoapFault};

/// How long an upload may stall between two pieces.
const STALL: Duration = Duration::from_secs(30);

fn text(dev: &Device, status: StatusCode, msg: &str) -> Response<Body> {
    let mut r = respond(dev, status, full(msg.to_owned()));
    r.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// Authenticates an upload as `op`; `Some` is the answer to send instead.
fn admin(
    dev: &Device,
    op: &str,
    peer: SocketAddr,
    authorization: Option<&str>,
    token: Option<UsernameToken>,
) -> Option<Response<Body>> {
    let req = AuthRequest {
        op,
        token,
        authorization,
        method: "POST",
        client: peer.ip(),
    };
    match auth::authenticate(dev, &req) {
        Decision::Allowed {
            level: Some(UserLevel::Administrator) | None,
            ..
        } => None,
        Decision::Allowed { .. } => Some(fault_response(
            dev,
            &SoapFault::not_authorized("firmware upgrades require the Administrator level"),
        )),
        Decision::Challenge { stale } => Some(challenge_response(dev, stale)),
        Decision::Refused(f) => Some(refusal_response(dev, &f, dev.state().faults.auth_refusal)),
    }
}

/// Paces a receiver to the device's upload throughput.
struct Pace {
    started: Instant,
    bytes_per_sec: u64,
}

impl Pace {
    async fn after(&self, received: u64) {
        if self.bytes_per_sec == 0 {
            return;
        }
        let due = Duration::from_secs_f64(received as f64 / self.bytes_per_sec as f64);
        let spent = self.started.elapsed();
        if due > spent {
            tokio::time::sleep(due - spent).await;
        }
    }
}

fn pace(dev: &Device) -> Pace {
    Pace {
        started: Instant::now(),
        bytes_per_sec: dev.state().faults.upload_bytes_per_sec,
    }
}

/// Judges a received image; on success answers 200 and installs it (reboot) right after.
fn conclude(dev: &Arc<Device>, rx: Receiver, soap_answer: bool) -> Response<Body> {
    match rx.finish(dev) {
        Ok(version) => {
            let d = dev.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(200)).await;
                firmware::install(&d, version);
            });
            if soap_answer {
                let body = "<tds:UpgradeSystemFirmwareResponse><tds:Message>Upgrading; the device reboots</tds:Message></tds:UpgradeSystemFirmwareResponse>";
                respond(dev, StatusCode::OK, full(soap::envelope(body)))
            } else {
                text(dev, StatusCode::OK, "image accepted; the device reboots")
            }
        }
        Err(refusal) if soap_answer => fault_response(
            dev,
            &SoapFault::sender(
                "ter:InvalidArgVal",
                Some("ter:InvalidFirmware"),
                refusal.to_string(),
            ),
        ),
        Err(refusal) => text(
            dev,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &format!("refused: {refusal}"),
        ),
    }
}

/// The body broke off or stalled.
struct BrokeOff;

/// The next piece of a body, or None at its end.
async fn next(body: &mut Incoming) -> Result<Option<Bytes>, BrokeOff> {
    loop {
        match tokio::time::timeout(STALL, body.frame()).await {
            Ok(None) => return Ok(None),
            Ok(Some(Ok(frame))) => {
                if let Ok(data) = frame.into_data() {
                    return Ok(Some(data));
                }
            }
            Ok(Some(Err(_))) | Err(_) => return Err(BrokeOff),
        }
    }
}

/// `POST /onvif/firmware/<token>`.
pub(crate) async fn upload_uri(
    dev: Arc<Device>,
    peer: SocketAddr,
    token: &str,
    req: Request<Incoming>,
) -> Response<Body> {
    if !firmware::token_valid(&dev, token) {
        return text(
            &dev,
            StatusCode::NOT_FOUND,
            "no such upload (expired or used)",
        );
    }
    let authorization = req
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(answer) = admin(
        &dev,
        "StartFirmwareUpgrade",
        peer,
        authorization.as_deref(),
        None,
    ) {
        return answer;
    }
    let empty = req
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .is_some_and(|v| v.as_bytes() == b"0");
    if empty {
        return text(&dev, StatusCode::BAD_REQUEST, "no image in the request");
    }
    if !firmware::take_token(&dev, token) {
        return text(
            &dev,
            StatusCode::NOT_FOUND,
            "no such upload (expired or used)",
        );
    }
    let mut body = req.into_body();
    let mut rx = Receiver::default();
    let pace = pace(&dev);
    loop {
        match next(&mut body).await {
            Ok(Some(piece)) => {
                rx.feed(&piece);
                pace.after(rx.received).await;
            }
            Ok(None) => break,
            Err(BrokeOff) => return text(&dev, StatusCode::BAD_REQUEST, "the upload broke off"),
        }
    }
    conclude(&dev, rx, false)
}

/// The `boundary` parameter of a `multipart/related` content type.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/related") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// UpgradeSystemFirmware as MTOM on the device service.
pub(crate) async fn mtom(
    dev: Arc<Device>,
    peer: SocketAddr,
    boundary: &str,
    req: Request<Incoming>,
) -> Response<Body> {
    let authorization = req
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bad = |dev: &Device, why: &str| {
        fault_response(
            dev,
            &SoapFault::sender("ter:InvalidArgVal", None, why.to_owned()),
        )
    };
    let mut body = req.into_body();
    let (open, delim) = (format!("--{boundary}\r\n"), format!("\r\n--{boundary}"));
    // The envelope part and the attachment's headers: small, read whole.
    let mut buf = BytesMut::new();
    let envelope_end = loop {
        if let Some(start) = find(&buf, open.as_bytes())
            && let Some(hdr_end) = find(&buf[start..], b"\r\n\r\n")
            && let Some(end) = find(&buf[start + hdr_end..], delim.as_bytes())
        {
            let env = buf[start + hdr_end + 4..start + hdr_end + end].to_vec();
            let rest_at = start + hdr_end + end + delim.len();
            break Some((env, rest_at));
        }
        if buf.len() > soap::parse::MAX_INPUT {
            break None;
        }
        match next(&mut body).await {
            Ok(Some(piece)) => buf.extend_from_slice(&piece),
            _ => break None,
        }
    };
    let Some((envelope, rest_at)) = envelope_end else {
        return bad(&dev, "no SOAP part in the multipart request");
    };
    let Ok(root) = soap::parse(&envelope) else {
        return bad(&dev, "the SOAP part is not well-formed");
    };
    let op = root
        .child("Body")
        .and_then(|b| b.children.first())
        .map(|o| o.name.clone());
    if op.as_deref() != Some("UpgradeSystemFirmware") {
        return bad(
            &dev,
            "a multipart request carries only UpgradeSystemFirmware",
        );
    }
    if dev.cfg.personality.firmware_upload_uri {
        return fault_response(
            &dev,
            &SoapFault::receiver(
                "ter:ActionNotSupported",
                None,
                "UpgradeSystemFirmware is not supported by this device: use StartFirmwareUpgrade",
            ),
        );
    }
    let token = UsernameToken::from_envelope(&root);
    if let Some(answer) = admin(
        &dev,
        "UpgradeSystemFirmware",
        peer,
        authorization.as_deref(),
        token,
    ) {
        return answer;
    }
    // The attachment: skip its headers, then stream until the closing delimiter (held back as it may straddle
    // two pieces).
    let mut pending = buf.split_off(rest_at);
    let closing = format!("\r\n--{boundary}--");
    let mut rx = Receiver::default();
    let pace = pace(&dev);
    let mut in_data = false;
    loop {
        if !in_data && let Some(at) = find(&pending, b"\r\n\r\n") {
            let _ = pending.split_to(at + 4);
            in_data = true;
        }
        if in_data && pending.len() > closing.len() + 2 {
            let keep = closing.len() + 2;
            let out = pending.split_to(pending.len() - keep);
            rx.feed(&out);
            pace.after(rx.received).await;
        }
        match next(&mut body).await {
            Ok(Some(piece)) => pending.extend_from_slice(&piece),
            Ok(None) => break,
            Err(BrokeOff) => return bad(&dev, "the upload broke off"),
        }
    }
    let Some(end) = find(&pending, closing.as_bytes()) else {
        return bad(&dev, "the attachment broke off before its closing boundary");
    };
    rx.feed(&pending[..end]);
    conclude(&dev, rx, true)
}
