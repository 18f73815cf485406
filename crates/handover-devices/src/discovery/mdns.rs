//! mDNS / DNS-SD as a further source (RFC 6762/6763): many cameras announce `_http._tcp`,
//! `_rtsp._tcp` or a vendor service (`_axis-video._tcp`). The codec builds a one-shot PTR query and
//! parses answers (PTR, SRV, A, with name compression, loop-safe and size-capped); `search` sends the
//! query to the given targets (224.0.0.251:5353 inside a namespace or on a chosen interface, or unicast
//! addresses) and streams one sighting per service instance until the answers stop.

use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::discovery::{Method, Sighting};
use crate::error::{Error, Result};

/// The mDNS group and port.
pub const GROUP: SocketAddr = SocketAddr::V4(std::net::SocketAddrV4::new(
    Ipv4Addr::new(224, 0, 0, 251),
    5353,
));

/// Services cameras commonly announce.
pub const CAMERA_SERVICES: [&str; 4] = [
    "_onvif._tcp.local",
    "_axis-video._tcp.local",
    "_rtsp._tcp.local",
    "_http._tcp.local",
];

const PTR: u16 = 12;
const SRV: u16 = 33;
const A: u16 = 1;

/// A one-shot query for the PTR records of `services` (QU bit set: answers may come by unicast).
pub fn query(services: &[&str]) -> Vec<u8> {
    let mut q = vec![0, 0, 0, 0, 0, services.len() as u8, 0, 0, 0, 0, 0, 0];
    q[4] = (services.len() >> 8) as u8;
    for s in services {
        for label in s.split('.').filter(|l| !l.is_empty()) {
            q.push(label.len().min(63) as u8);
            q.extend_from_slice(&label.as_bytes()[..label.len().min(63)]);
        }
        q.push(0);
        q.extend_from_slice(&PTR.to_be_bytes());
        q.extend_from_slice(&0x8001u16.to_be_bytes());
    }
    q
}

/// What an answer said about one service instance.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Instance {
    /// Service type (`_http._tcp.local`).
    pub service: String,
    /// Instance name (`AXIS P3265 - ACCC8E000000._http._tcp.local`).
    pub name: String,
    /// SRV target host and port.
    pub target: Option<(String, u16)>,
    /// An A record for the target, when included.
    pub ipv4: Option<Ipv4Addr>,
}

/// Why a datagram was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum MdnsError {
    /// Shorter than its own counts say.
    #[error("truncated DNS message")]
    Truncated,
    /// A compression pointer loop or an over-long name.
    #[error("bad DNS name")]
    BadName,
    /// Not a response.
    #[error("not a DNS response")]
    NotResponse,
}

fn name(msg: &[u8], mut pos: usize) -> Result<(String, usize), MdnsError> {
    let mut out = String::new();
    let mut end = None;
    for _ in 0..128 {
        let len = *msg.get(pos).ok_or(MdnsError::Truncated)? as usize;
        if len == 0 {
            return Ok((out, end.unwrap_or(pos + 1)));
        }
        if len & 0xC0 == 0xC0 {
            let lo = *msg.get(pos + 1).ok_or(MdnsError::Truncated)? as usize;
            end.get_or_insert(pos + 2);
            pos = ((len & 0x3F) << 8) | lo;
            continue;
        }
        let label = msg
            .get(pos + 1..pos + 1 + len)
            .ok_or(MdnsError::Truncated)?;
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(&String::from_utf8_lossy(label));
        if out.len() > 255 {
            return Err(MdnsError::BadName);
        }
        pos += 1 + len;
    }
    Err(MdnsError::BadName)
}

fn u16_at(msg: &[u8], pos: usize) -> Result<u16, MdnsError> {
    msg.get(pos..pos + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .ok_or(MdnsError::Truncated)
}

/// Parses a response into service instances (PTR answers, completed by SRV and A records).
pub fn parse(msg: &[u8]) -> Result<Vec<Instance>, MdnsError> {
    if msg.len() < 12 || msg.len() > 9000 {
        return Err(MdnsError::Truncated);
    }
    if msg[2] & 0x80 == 0 {
        return Err(MdnsError::NotResponse);
    }
    let qd = u16_at(msg, 4)? as usize;
    let records = u16_at(msg, 6)? as usize + u16_at(msg, 8)? as usize + u16_at(msg, 10)? as usize;
    let mut pos = 12;
    for _ in 0..qd {
        pos = name(msg, pos)?.1 + 4;
    }
    let mut out: Vec<Instance> = Vec::new();
    let mut srv: Vec<(String, String, u16)> = Vec::new();
    let mut a: Vec<(String, Ipv4Addr)> = Vec::new();
    for _ in 0..records.min(256) {
        let (owner, p) = name(msg, pos)?;
        let rtype = u16_at(msg, p)?;
        let rdlen = u16_at(msg, p + 8)? as usize;
        let rdata = p + 10;
        if msg.len() < rdata + rdlen {
            return Err(MdnsError::Truncated);
        }
        match rtype {
            PTR => out.push(Instance {
                service: owner,
                name: name(msg, rdata)?.0,
                ..Instance::default()
            }),
            SRV => srv.push((owner, name(msg, rdata + 6)?.0, u16_at(msg, rdata + 4)?)),
            A if rdlen == 4 => a.push((
                owner,
                Ipv4Addr::new(msg[rdata], msg[rdata + 1], msg[rdata + 2], msg[rdata + 3]),
            )),
            _ => {}
        }
        pos = rdata + rdlen;
    }
    for i in &mut out {
        if let Some((_, host, port)) = srv.iter().find(|(o, _, _)| o.eq_ignore_ascii_case(&i.name))
        {
            i.target = Some((host.clone(), *port));
            i.ipv4 = a
                .iter()
                .find(|(o, _)| o.eq_ignore_ascii_case(host))
                .map(|(_, ip)| *ip);
        }
    }
    Ok(out)
}

/// Sends the query for `services` to `targets` twice and collects instances until `quiet` passes
/// without an answer.
pub async fn search<F>(
    targets: &[SocketAddr],
    services: &[&str],
    quiet: Duration,
    cancel: &CancellationToken,
    mut on_found: F,
) -> Result<Vec<Sighting>>
where
    F: FnMut(&Sighting),
{
    let sock = UdpSocket::bind("0.0.0.0:0")
        .await
        .map_err(|e| Error::io("binding the mDNS socket", e))?;
    let q = query(services);
    for round in 0..2 {
        if round > 0 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        for t in targets {
            let _ = sock.send_to(&q, t).await;
        }
    }
    let (mut seen, mut out, mut last) = (HashSet::new(), Vec::new(), Instant::now());
    let mut buf = vec![0u8; 9000];
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return Err(Error::Cancelled),
            _ = tokio::time::sleep_until(last + quiet) => break,
            r = sock.recv_from(&mut buf) => {
                let Ok((n, from)) = r else { continue };
                let Ok(instances) = parse(&buf[..n]) else { continue };
                last = Instant::now();
                for i in instances {
                    if !seen.insert(i.name.clone()) {
                        continue;
                    }
                    let address = i.ipv4.map_or(from.ip(), std::net::IpAddr::V4);
                    let xaddrs = match (&i.target, i.service.starts_with("_onvif.")) {
                        (Some((_, port)), true) => vec![format!("http://{address}:{port}/onvif/device_service")],
                        _ => Vec::new(),
                    };
                    let s = Sighting { endpoint: format!("mdns:{}", i.name), xaddrs, scopes: Vec::new(), types: vec![i.service.clone()], address, method: Method::Mdns };
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

    fn label(out: &mut Vec<u8>, name: &str) {
        for l in name.split('.') {
            out.push(l.len() as u8);
            out.extend_from_slice(l.as_bytes());
        }
        out.push(0);
    }

    /// A response: PTR _http._tcp.local -> cam1._http._tcp.local, SRV cam1 -> cam1.local:80 (the
    /// instance name compressed by pointer), A cam1.local -> 10.0.0.5.
    fn response() -> Vec<u8> {
        let mut m = vec![0, 0, 0x84, 0, 0, 0, 0, 3, 0, 0, 0, 0];
        label(&mut m, "_http._tcp.local");
        m.extend_from_slice(&[0, 12, 0, 1, 0, 0, 0, 120]);
        let mut rd = Vec::new();
        label(&mut rd, "cam1._http._tcp.local");
        let inst_at = m.len() + 2;
        m.extend_from_slice(&(rd.len() as u16).to_be_bytes());
        m.extend_from_slice(&rd);
        m.extend_from_slice(&[0xC0, inst_at as u8]);
        m.extend_from_slice(&[0, 33, 0x80, 1, 0, 0, 0, 120]);
        let mut srv = vec![0, 0, 0, 0, 0, 80];
        label(&mut srv, "cam1.local");
        m.extend_from_slice(&(srv.len() as u16).to_be_bytes());
        m.extend_from_slice(&srv);
        label(&mut m, "cam1.local");
        m.extend_from_slice(&[0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4, 10, 0, 0, 5]);
        m
    }

    #[test]
    fn answers_parse_with_compression() {
        let got = parse(&response()).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].service, "_http._tcp.local");
        assert_eq!(got[0].name, "cam1._http._tcp.local");
        assert_eq!(got[0].target, Some(("cam1.local".into(), 80)));
        assert_eq!(got[0].ipv4, Some(Ipv4Addr::new(10, 0, 0, 5)));
    }

    #[test]
    fn hostile_answers_are_refused() {
        let mut looped = vec![0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0];
        looped.extend_from_slice(&[0xC0, 12]);
        assert_eq!(parse(&looped), Err(MdnsError::BadName));
        let r = response();
        assert_eq!(parse(&r[..r.len() - 3]), Err(MdnsError::Truncated));
        assert_eq!(
            parse(&query(&["_http._tcp.local"])),
            Err(MdnsError::NotResponse)
        );
        let q = query(&CAMERA_SERVICES);
        assert_eq!(q[5], 4);
    }

    #[tokio::test]
    async fn search_hears_a_loopback_responder() {
        let responder = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = responder.local_addr().unwrap();
        let answer = response();
        tokio::spawn(async move {
            let mut buf = [0u8; 2048];
            while let Ok((_, from)) = responder.recv_from(&mut buf).await {
                let _ = responder.send_to(&answer, from).await;
            }
        });
        let found = search(
            &[addr],
            &CAMERA_SERVICES,
            Duration::from_millis(200),
            &CancellationToken::new(),
            |_| {},
        )
        .await
        .unwrap();
        assert_eq!(found.len(), 1, "two queries, one instance");
        assert_eq!(found[0].endpoint, "mdns:cam1._http._tcp.local");
        assert_eq!(
            found[0].address,
            std::net::IpAddr::V4(Ipv4Addr::new(10, 0, 0, 5))
        );
        assert_eq!(found[0].method, Method::Mdns);
    }
}
