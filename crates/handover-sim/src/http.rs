//! The HTTP side of one simulated device: an accept loop on the device's own socket (hyper 1, HTTP/1.1,
//! keep-alive), SOAP 1.2 over POST to /onvif/*, the vendor activation endpoint, faults on demand
//! (latency, dropped connections, HTTP 500, malformed or hostile XML, a response that never ends) and
//! reboots (the listener closes, so connections are refused, and comes back after the reboot time). The same
//! handler serves HTTPS (TLS from [`crate::tls`]); each scheme answers only while GetNetworkProtocols reports
//! it enabled: with HTTP switched off, plain connections are closed at accept and open ones at their next
//! request, as a real camera's web server does.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt as _;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt as _, Full, Limited, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{CONTENT_TYPE, DATE, HeaderValue, WWW_AUTHENTICATE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;

use crate::auth::{self, AuthRequest, Decision, UsernameToken};
use crate::device::{Device, User, UserLevel};
use crate::faults::{AuthRefusal, FaultSpec, Hostile};
use crate::hostile;
use crate::onvif::{self, Outcome};
use crate::personality::FirstSetup;
use crate::soap::{self, SoapFault};
use crate::tls::SiteTls;

/// Which scheme a listener serves.
#[derive(Debug, Clone)]
pub(crate) enum Scheme {
    /// Plain HTTP.
    Http,
    /// HTTPS with the site's certificate.
    Https(SiteTls),
}

impl Scheme {
    /// The protocol name GetNetworkProtocols uses for it.
    fn protocol(&self) -> &'static str {
        match self {
            Scheme::Http => "HTTP",
            Scheme::Https(_) => "HTTPS",
        }
    }
}

pub(crate) type Body = BoxBody<Bytes, Infallible>;

/// Returned to hyper to close the connection without an answer.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by the simulator")
    }
}

impl std::error::Error for Dropped {}

pub(crate) fn full(s: impl Into<Bytes>) -> Body {
    Full::new(s.into()).boxed()
}

/// Runs a device's HTTP or HTTPS server until the task is aborted.
pub(crate) async fn serve(
    dev: Arc<Device>,
    listener: TcpListener,
    addr: SocketAddr,
    scheme: Scheme,
) {
    let mut reboot_rx = dev.reboot_tx.subscribe();
    let mut listener = Some(listener);
    loop {
        match &listener {
            Some(l) => {
                tokio::select! {
                    r = l.accept() => match r {
                        Ok((stream, peer)) => accepted(&dev, &scheme, stream, peer),
                        // Out of descriptors or a reset before accept: back off briefly.
                        Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                    },
                    _ = reboot_rx.changed() => listener = None,
                }
            }
            None => {
                // Sleep out the reboot; another reboot meanwhile (a power cycle) moves the time it ends.
                loop {
                    let until = dev.state().rebooting_until;
                    let Some(t) = until.filter(|t| *t > std::time::Instant::now()) else {
                        break;
                    };
                    tokio::select! {
                        _ = tokio::time::sleep_until(t.into()) => {}
                        _ = reboot_rx.changed() => {}
                    }
                }
                dev.is_rebooting();
                for _ in 0..100 {
                    match TcpListener::bind(addr).await {
                        Ok(l) => {
                            listener = Some(l);
                            break;
                        }
                        Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
                    }
                }
                if listener.is_none() {
                    tracing::warn!(device = %dev.cfg.name, %addr, "could not rebind after reboot");
                    return;
                }
                reboot_rx.borrow_and_update();
            }
        }
    }
}

/// Starts serving one accepted connection, or closes it when its scheme is switched off.
fn accepted(dev: &Arc<Device>, scheme: &Scheme, stream: tokio::net::TcpStream, peer: SocketAddr) {
    if !dev.protocol_enabled(scheme.protocol()) {
        return;
    }
    let _ = stream.set_nodelay(true);
    let dev = dev.clone();
    match scheme {
        Scheme::Http => {
            tokio::spawn(connection(dev, stream, peer, Scheme::Http.protocol()));
        }
        Scheme::Https(tls) => {
            if dev.state().faults.tls_handshake_fails {
                return;
            }
            let acceptor = if dev.state().faults.tls_certificate_replaced {
                tls.replaced.clone()
            } else {
                tls.acceptor.clone()
            };
            tokio::spawn(async move {
                let handshake = acceptor.accept(stream);
                if let Ok(Ok(s)) = tokio::time::timeout(Duration::from_secs(10), handshake).await {
                    connection(dev, s, peer, "HTTPS").await;
                }
            });
        }
    }
}

async fn connection<S>(dev: Arc<Device>, stream: S, peer: SocketAddr, protocol: &'static str)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut reboot_rx = dev.reboot_tx.subscribe();
    let svc_dev = dev.clone();
    let svc = service_fn(move |req| handle(svc_dev.clone(), peer, protocol, req));
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(30))
        .serve_connection(TokioIo::new(stream), svc);
    tokio::select! {
        _ = conn => {}
        _ = reboot_rx.changed() => {}
    }
}

fn http_date(t: time::OffsetDateTime) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[t.weekday().number_days_from_monday() as usize],
        t.day(),
        MONTHS[u8::from(t.month()) as usize - 1],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

pub(crate) fn respond(dev: &Device, status: StatusCode, body: Body) -> Response<Body> {
    let mut r = Response::new(body);
    *r.status_mut() = status;
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/soap+xml; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&http_date(dev.now())) {
        r.headers_mut().insert(DATE, v);
    }
    r
}

pub(crate) fn fault_response(dev: &Device, f: &SoapFault) -> Response<Body> {
    let status = StatusCode::from_u16(f.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    respond(dev, status, full(f.to_envelope()))
}

/// A refusal of credentials in the form the device's `auth_refusal` switch chooses (ONVIF's ter:NotAuthorized
/// by default); the reason (which says "locked" for a lockout) is kept in every SOAP form.
pub(crate) fn refusal_response(
    dev: &Device,
    f: &SoapFault,
    style: Option<AuthRefusal>,
) -> Response<Body> {
    let wsse = |code: &'static str| SoapFault::sender(code, None, f.reason.clone());
    match style {
        None => fault_response(dev, f),
        Some(AuthRefusal::WsseFailedAuthentication) => {
            fault_response(dev, &wsse("wsse:FailedAuthentication"))
        }
        Some(AuthRefusal::WsseInvalidSecurity) => {
            fault_response(dev, &wsse("wsse:InvalidSecurity"))
        }
        Some(AuthRefusal::WsseInvalidSecurityToken) => {
            fault_response(dev, &wsse("wsse:InvalidSecurityToken"))
        }
        Some(AuthRefusal::Soap11FailedAuthentication) => {
            let mut r = respond(
                dev,
                StatusCode::INTERNAL_SERVER_ERROR,
                full(soap::respond::soap11_fault(
                    "wsse:FailedAuthentication",
                    &f.reason,
                )),
            );
            r.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/xml; charset=utf-8"),
            );
            r
        }
        Some(AuthRefusal::Http401Basic) => {
            let mut r = respond(dev, StatusCode::UNAUTHORIZED, full(""));
            let realm = format!("Basic realm=\"{}\"", dev.cfg.personality.realm);
            if let Ok(v) = HeaderValue::from_str(&realm) {
                r.headers_mut().insert(WWW_AUTHENTICATE, v);
            }
            r
        }
    }
}

pub(crate) fn challenge_response(dev: &Device, stale: bool) -> Response<Body> {
    let nonce = auth::new_nonce(dev);
    let mut r = fault_response(
        dev,
        &SoapFault::not_authorized("HTTP Digest authentication required"),
    );
    *r.status_mut() = StatusCode::UNAUTHORIZED;
    for c in auth::digest::challenges(dev.cfg.personality.realm, &nonce, stale) {
        if let Ok(v) = HeaderValue::from_str(&c) {
            r.headers_mut().append(WWW_AUTHENTICATE, v);
        }
    }
    r
}

fn hostile_response(dev: &Device, h: Hostile) -> Response<Body> {
    let body = match h {
        Hostile::Malformed => full(hostile::malformed_soap()),
        Hostile::EntityBomb => full(hostile::entity_bomb()),
        Hostile::Gigantic => {
            let head = futures::stream::once(async { Bytes::from(hostile::gigantic_head()) });
            let pad = futures::stream::iter(
                (0..hostile::GIGANTIC_CHUNKS).map(|_| hostile::gigantic_chunk()),
            );
            let tail = futures::stream::once(async {
                Bytes::from_static(hostile::GIGANTIC_TAIL.as_bytes())
            });
            let frames = head
                .chain(pad)
                .chain(tail)
                .map(|b| Ok::<_, Infallible>(Frame::data(b)));
            http_body_util::BodyExt::boxed(StreamBody::new(frames))
        }
    };
    respond(dev, StatusCode::OK, body)
}

fn never_ending(dev: &Device) -> Response<Body> {
    let head = Bytes::from(hostile::gigantic_head());
    let frames = futures::stream::once(async move { Ok::<_, Infallible>(Frame::data(head)) })
        .chain(futures::stream::pending());
    respond(
        dev,
        StatusCode::OK,
        http_body_util::BodyExt::boxed(StreamBody::new(frames)),
    )
}

async fn handle(
    dev: Arc<Device>,
    peer: SocketAddr,
    protocol: &'static str,
    req: Request<Incoming>,
) -> Result<Response<Body>, Dropped> {
    if !dev.protocol_enabled(protocol) {
        // Switched off while this keep-alive connection was open: close it.
        return Err(Dropped);
    }
    dev.counters.requests.fetch_add(1, Ordering::Relaxed);
    let faults: FaultSpec = dev.state().faults.clone();
    let delay = faults.draw_latency();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if FaultSpec::draw(faults.drop_connection_share) {
        return Err(Dropped);
    }
    if FaultSpec::draw(faults.http_500_share) {
        return Ok(respond(&dev, StatusCode::INTERNAL_SERVER_ERROR, full("")));
    }
    let path = req.uri().path().to_string();
    let method = req.method().clone();
    if let FirstSetup::Activation { path: act } = dev.cfg.personality.first_setup
        && path == act
        && (method == Method::PUT || method == Method::POST)
    {
        let body = read_body(req).await;
        return Ok(activate(&dev, body.as_deref()));
    }
    if method != Method::POST || !path.starts_with("/onvif/") {
        return Ok(respond(&dev, StatusCode::NOT_FOUND, full("")));
    }
    if let Some(token) = path.strip_prefix("/onvif/firmware/") {
        let token = token.to_owned();
        return Ok(crate::upload::upload_uri(dev, peer, &token, req).await);
    }
    if let Some(b) = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::upload::boundary)
    {
        return Ok(crate::upload::mtom(dev, peer, &b, req).await);
    }
    let authorization = req
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let Some(body) = read_body(req).await else {
        return Ok(respond(&dev, StatusCode::PAYLOAD_TOO_LARGE, full("")));
    };
    if faults.never_ending_response {
        return Ok(never_ending(&dev));
    }
    if let Some(h) = faults.hostile_http {
        return Ok(hostile_response(&dev, h));
    }
    if faults.malformed_xml {
        return Ok(hostile_response(&dev, Hostile::Malformed));
    }
    let root = match soap::parse(&body) {
        Ok(r) if r.name == "Envelope" => r,
        Ok(_) => {
            return Ok(fault_response(
                &dev,
                &SoapFault::sender("ter:WellFormed", None, "not a SOAP envelope"),
            ));
        }
        Err(e) => {
            return Ok(fault_response(
                &dev,
                &SoapFault::sender("ter:WellFormed", None, e.to_string()),
            ));
        }
    };
    let Some(op) = root.child("Body").and_then(|b| b.children.first()) else {
        return Ok(fault_response(
            &dev,
            &SoapFault::sender("ter:InvalidArgVal", None, "empty SOAP body"),
        ));
    };
    let auth_req = AuthRequest {
        op: &op.name,
        token: UsernameToken::from_envelope(&root),
        authorization: authorization.as_deref(),
        method: method.as_str(),
        client: peer.ip(),
    };
    let level = match auth::authenticate(&dev, &auth_req) {
        Decision::Allowed { level, .. } => level,
        Decision::Challenge { stale } => return Ok(challenge_response(&dev, stale)),
        Decision::Refused(f) => return Ok(refusal_response(&dev, &f, faults.auth_refusal)),
    };
    if op.name == "SetUser" {
        dev.counters.set_user_calls.fetch_add(1, Ordering::Relaxed);
    }
    match onvif::dispatch(&dev, op, level, protocol) {
        Outcome::Body(b) => Ok(respond(&dev, StatusCode::OK, full(soap::envelope(&b)))),
        Outcome::Fault(f) => Ok(fault_response(&dev, &f)),
        Outcome::BodyThenReboot(b) => {
            let d = dev.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(300)).await;
                d.start_reboot();
            });
            Ok(respond(&dev, StatusCode::OK, full(soap::envelope(&b))))
        }
        Outcome::SilentReboot => {
            dev.start_reboot();
            Err(Dropped)
        }
        Outcome::Unauthorized => Ok(challenge_response(&dev, false)),
    }
}

async fn read_body(req: Request<Incoming>) -> Option<Bytes> {
    let limited = Limited::new(req.into_body(), soap::parse::MAX_INPUT);
    tokio::time::timeout(Duration::from_secs(30), limited.collect())
        .await
        .ok()?
        .ok()
        .map(|c| c.to_bytes())
}

/// The vendor activation endpoint (simplified: the password travels in a `<password>` element; real
/// Hikvision firmware encrypts it with a session challenge first).
fn activate(dev: &Device, body: Option<&[u8]>) -> Response<Body> {
    let status_doc = |code: u8, s: &str| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ResponseStatus><statusCode>{code}</statusCode><statusString>{s}</statusString></ResponseStatus>"
        )
    };
    let password = body.and_then(|b| soap::parse(b).ok()).and_then(|root| {
        if root.name == "password" {
            Some(root.text.clone())
        } else {
            root.child("password").map(|p| p.text.clone())
        }
    });
    let Some(password) = password else {
        return respond(
            dev,
            StatusCode::BAD_REQUEST,
            full(status_doc(4, "Invalid XML Content")),
        );
    };
    // Decide under the lock, answer after it is released (respond() reads the device clock).
    let outcome = {
        let mut st = dev.state();
        if st.activated {
            Err((StatusCode::FORBIDDEN, "Device already activated"))
        } else if dev.cfg.personality.password_rules.check(&password).is_err() {
            Err((
                StatusCode::BAD_REQUEST,
                "Invalid Password: too weak or too long",
            ))
        } else {
            st.users = vec![User {
                username: dev.cfg.personality.default_user.to_string(),
                password,
                level: UserLevel::Administrator,
                preexisting: true,
            }];
            st.activated = true;
            Ok(())
        }
    };
    if let Err((code, text)) = outcome {
        return respond(dev, code, full(status_doc(4, text)));
    }
    respond(dev, StatusCode::OK, full(status_doc(1, "OK")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_use_the_imf_fixdate_form() {
        let t = time::macros::datetime!(2026-11-22 04:05:06 UTC);
        assert_eq!(http_date(t), "Sun, 22 Nov 2026 04:05:06 GMT");
    }
}
