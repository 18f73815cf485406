//! What the simulator's tests share: a minimal SOAP-over-HTTP client (raw hyper,
//! optionally from a chosen loopback source address), WS-UsernameToken and HTTP Digest headers, and
//! fault readers. Test support only.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use handover_sim::soap::{Element, parse};
use http_body_util::{BodyExt as _, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::net::TcpSocket;

/// A response as the tests read it.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: hyper::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn xml(&self) -> Element {
        parse(self.body.as_bytes())
            .unwrap_or_else(|e| panic!("reply is not XML ({e}): {}", self.body))
    }
    /// (subcode, subsubcode) of a SOAP fault.
    pub fn fault(&self) -> Option<(String, Option<String>)> {
        let root = parse(self.body.as_bytes()).ok()?;
        let code = root.path(&["Body", "Fault", "Code"])?;
        let sub = code.text_at(&["Subcode", "Value"])?.to_string();
        Some((
            sub,
            code.text_at(&["Subcode", "Subcode", "Value"])
                .map(str::to_string),
        ))
    }
    pub fn is_fault(&self, sub: &str) -> bool {
        self.fault()
            .is_some_and(|(s, ss)| s == sub || ss.as_deref() == Some(sub))
    }
    pub fn text(&self, path: &[&str]) -> Option<String> {
        let root = self.xml();
        let body = root.child("Body")?.children.first()?;
        body.text_at(path).map(str::to_string)
    }
}

pub fn envelope(header: &str, body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema"><s:Header>{header}</s:Header><s:Body>{body}</s:Body></s:Envelope>"#
    )
}

/// A UsernameToken header with a chosen Created time and nonce.
pub fn wsse_at(user: &str, password: &str, created: time::OffsetDateTime, nonce: &[u8]) -> String {
    let created = created
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let digest = handover_sim::auth::wsse::digest(nonce, &created, password);
    format!(
        r#"<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><wsse:UsernameToken><wsse:Username>{user}</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">{digest}</wsse:Password><wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">{}</wsse:Nonce><wsu:Created>{created}</wsu:Created></wsse:UsernameToken></wsse:Security>"#,
        base64::engine::general_purpose::STANDARD.encode(nonce)
    )
}

/// A fresh UsernameToken signed with the local clock.
pub fn wsse(user: &str, password: &str) -> String {
    let nonce: [u8; 16] = rand::random();
    wsse_at(user, password, time::OffsetDateTime::now_utc(), &nonce)
}

/// POSTs a SOAP envelope, optionally from a given source address and with extra headers.
pub async fn post_from(
    addr: SocketAddr,
    source: Option<IpAddr>,
    envelope: &str,
    extra: &[(&str, String)],
) -> std::io::Result<Reply> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    if let Some(src) = source {
        socket.bind(SocketAddr::new(src, 0))?;
    }
    let stream = tokio::time::timeout(Duration::from_secs(5), socket.connect(addr))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out"))??;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(std::io::Error::other)?;
    tokio::spawn(conn);
    let mut req = Request::post("/onvif/device_service")
        .header("host", addr.to_string())
        .header("content-type", "application/soap+xml; charset=utf-8");
    for (k, v) in extra {
        req = req.header(*k, v.as_str());
    }
    let req = req
        .body(Full::new(Bytes::from(envelope.to_string())))
        .unwrap();
    let fut = async {
        let resp = sender
            .send_request(req)
            .await
            .map_err(std::io::Error::other)?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp
            .into_body()
            .collect()
            .await
            .map_err(std::io::Error::other)?
            .to_bytes();
        Ok(Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    };
    tokio::time::timeout(Duration::from_secs(10), fut)
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer"))?
}

pub async fn post(addr: SocketAddr, envelope: &str) -> Reply {
    post_from(addr, None, envelope, &[])
        .await
        .expect("device answers")
}

/// Calls an operation with a WS-UsernameToken.
pub async fn call(addr: SocketAddr, user: &str, password: &str, body: &str) -> Reply {
    post(addr, &envelope(&wsse(user, password), body)).await
}

/// Calls an operation with HTTP Digest (401 challenge, then the answer), from `source`.
pub async fn call_digest(
    addr: SocketAddr,
    source: Option<IpAddr>,
    user: &str,
    password: &str,
    body: &str,
    sha256: bool,
) -> Reply {
    let env = envelope("", body);
    let first = post_from(addr, source, &env, &[]).await.expect("challenge");
    assert_eq!(first.status, 401, "expected a challenge: {}", first.body);
    let want = if sha256 { "SHA-256" } else { "MD5" };
    let challenge = first
        .headers
        .get_all("www-authenticate")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains(&format!("algorithm={want}")))
        .expect("challenge for the algorithm")
        .to_string();
    let field = |name: &str| {
        let start = challenge.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        challenge[start..].split('"').next().unwrap().to_string()
    };
    let (realm, nonce) = (field("realm"), field("nonce"));
    let uri = "/onvif/device_service";
    let h = |s: String| {
        use sha2::Digest as _;
        if sha256 {
            hex::encode(sha2::Sha256::digest(s))
        } else {
            hex::encode(md5::Md5::digest(s))
        }
    };
    let ha1 = h(format!("{user}:{realm}:{password}"));
    let ha2 = h(format!("POST:{uri}"));
    let response = h(format!("{ha1}:{nonce}:00000001:c0ffee:auth:{ha2}"));
    let auth = format!(
        r#"Digest username="{user}", realm="{realm}", nonce="{nonce}", uri="{uri}", algorithm={want}, response="{response}", qop=auth, nc=00000001, cnonce="c0ffee""#
    );
    post_from(addr, source, &env, &[("authorization", auth)])
        .await
        .expect("answer")
}
