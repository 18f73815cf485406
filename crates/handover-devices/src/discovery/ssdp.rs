//! SSDP (UPnP discovery) as a further source: many cameras and NVRs answer M-SEARCH. The codec (building
//! an M-SEARCH, parsing an HTTPU answer with capped size and header count) is pure; `search` sends to
//! the given targets (the group 239.255.255.250:1900 inside a namespace or on a chosen interface, or
//! unicast addresses) and streams sightings keyed by the USN's uuid until the answers stop.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::discovery::{Method, Sighting};
use crate::error::{Error, Result};

/// The SSDP multicast group and port.
pub const GROUP: SocketAddr = SocketAddr::V4(std::net::SocketAddrV4::new(
    std::net::Ipv4Addr::new(239, 255, 255, 250),
    1900,
));

/// An M-SEARCH request for `st` with MX seconds.
pub fn m_search(st: &str, mx: u32) -> String {
    format!(
        "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: {mx}\r\nST: {st}\r\n\r\n"
    )
}

/// The parts of an SSDP answer that matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsdpAnswer {
    /// USN.
    pub usn: String,
    /// LOCATION (device description URL).
    pub location: Option<String>,
    /// SERVER.
    pub server: Option<String>,
    /// ST.
    pub st: Option<String>,
}

impl SsdpAnswer {
    /// The `uuid:...` part of the USN.
    pub fn uuid(&self) -> &str {
        self.usn.split("::").next().unwrap_or(&self.usn)
    }
}

/// Parses an HTTPU answer (`HTTP/1.1 200 OK` or a `NOTIFY`); None when it is not one.
pub fn parse(datagram: &[u8]) -> Option<SsdpAnswer> {
    if datagram.len() > 8192 {
        return None;
    }
    let text = std::str::from_utf8(datagram).ok()?;
    let mut lines = text.split("\r\n");
    let first = lines.next()?;
    if !(first.starts_with("HTTP/1.1 200") || first.starts_with("NOTIFY ")) {
        return None;
    }
    let mut a = SsdpAnswer {
        usn: String::new(),
        location: None,
        server: None,
        st: None,
    };
    for line in lines.take(64) {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim().to_string();
        match k.trim().to_ascii_uppercase().as_str() {
            "USN" => a.usn = v,
            "LOCATION" => a.location = Some(v),
            "SERVER" => a.server = Some(v),
            "ST" | "NT" => a.st = Some(v),
            _ => {}
        }
    }
    (!a.usn.is_empty()).then_some(a)
}

/// Sends M-SEARCH (`ssdp:all`) to `targets` twice and collects answers until `quiet` passes without one.
pub async fn search<F>(
    targets: &[SocketAddr],
    quiet: Duration,
    cancel: &CancellationToken,
    mut on_found: F,
) -> Result<Vec<Sighting>>
where
    F: FnMut(&Sighting),
{
    let sock = UdpSocket::bind("0.0.0.0:0")
        .await
        .map_err(|e| Error::io("binding the SSDP socket", e))?;
    let msg = m_search("ssdp:all", 1);
    for round in 0..2 {
        if round > 0 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        for t in targets {
            let _ = sock.send_to(msg.as_bytes(), t).await;
        }
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut last = Instant::now();
    let mut buf = vec![0u8; 8192];
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return Err(Error::Cancelled),
            _ = tokio::time::sleep_until(last + quiet) => break,
            r = sock.recv_from(&mut buf) => {
                let Ok((n, from)) = r else { continue };
                let Some(a) = parse(&buf[..n]) else { continue };
                last = Instant::now();
                if seen.insert(a.uuid().to_string()) {
                    let s = Sighting {
                        endpoint: a.uuid().to_string(),
                        xaddrs: Vec::new(),
                        scopes: a.server.iter().map(|s| format!("ssdp-server:{s}")).collect(),
                        types: a.st.iter().cloned().collect(),
                        address: from.ip(),
                        method: Method::Ssdp,
                    };
                    on_found(&s);
                    out.push(s);
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_parse_and_junk_does_not() {
        let a = parse(b"HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nLOCATION: http://10.0.0.5:80/desc.xml\r\nSERVER: Linux UPnP/1.0 Camera\r\nST: upnp:rootdevice\r\nUSN: uuid:abc-123::upnp:rootdevice\r\n\r\n").unwrap();
        assert_eq!(a.uuid(), "uuid:abc-123");
        assert_eq!(a.location.as_deref(), Some("http://10.0.0.5:80/desc.xml"));
        assert!(parse(b"M-SEARCH * HTTP/1.1\r\n\r\n").is_none());
        assert!(parse(b"HTTP/1.1 200 OK\r\n\r\n").is_none());
        assert!(m_search("ssdp:all", 1).starts_with("M-SEARCH * HTTP/1.1\r\n"));
    }

    #[tokio::test]
    async fn search_hears_a_loopback_responder() {
        let responder = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = responder.local_addr().unwrap();
        tokio::spawn(async move {
            let mut buf = [0u8; 2048];
            while let Ok((_, from)) = responder.recv_from(&mut buf).await {
                let _ = responder.send_to(b"HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\nUSN: uuid:cam-9::upnp:rootdevice\r\n\r\n", from).await;
            }
        });
        let found = search(
            &[addr],
            Duration::from_millis(200),
            &CancellationToken::new(),
            |_| {},
        )
        .await
        .unwrap();
        assert_eq!(found.len(), 1, "two M-SEARCHes, one device");
        assert_eq!(found[0].endpoint, "uuid:cam-9");
        assert_eq!(found[0].method, Method::Ssdp);
    }
}
