//! WS-Discovery by multicast on chosen interfaces, all at once: one socket per interface (bound to the
//! interface's address, multicast out of that interface, TTL 1), `attempts` probes spaced by 100 ms,
//! answers merged by endpoint reference across interfaces and streamed to a callback. Each interface's
//! round ends APP_MAX_DELAY plus a margin after its last probe or answer. Never call this from the root
//! network namespace in tests: the datagrams leave through real interfaces.

use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::discovery::wsd::{self, Message};
use crate::discovery::{Method, ProbeOptions, Sighting};
use crate::error::{Error, Result};
use crate::interfaces::Interface;

/// What a multicast round saw on one interface.
#[derive(Debug)]
pub struct InterfaceRound {
    /// The interface.
    pub interface: String,
    /// Distinct endpoints first heard on this interface.
    pub found: usize,
    /// Answers refused as hostile, with their sender.
    pub hostile: Vec<(SocketAddr, wsd::WsdError)>,
    /// Why the interface could not be used, if it could not.
    pub error: Option<Error>,
}

/// What a multicast round saw.
#[derive(Debug, Default)]
pub struct MulticastRound {
    /// Every distinct endpoint found.
    pub found: Vec<Sighting>,
    /// Per interface.
    pub interfaces: Vec<InterfaceRound>,
    /// How long the round took.
    pub elapsed: Duration,
}

fn socket_on(addr: Ipv4Addr) -> std::io::Result<UdpSocket> {
    let s = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
    s.set_nonblocking(true)?;
    s.bind(&SocketAddr::V4(SocketAddrV4::new(addr, 0)).into())?;
    s.set_multicast_if_v4(&addr)?;
    s.set_multicast_ttl_v4(1)?;
    s.set_multicast_loop_v4(false)?;
    UdpSocket::from_std(s.into())
}

enum Event {
    Found(Sighting),
    Done(InterfaceRound),
}

async fn one_interface(
    iface: Interface,
    opts: ProbeOptions,
    cancel: CancellationToken,
    tx: mpsc::Sender<Event>,
) {
    let mut report = InterfaceRound {
        interface: iface.name.clone(),
        found: 0,
        hostile: Vec::new(),
        error: None,
    };
    let sock = match socket_on(iface.ipv4) {
        Ok(s) => s,
        Err(e) => {
            report.error = Some(Error::io(format!("multicast socket on {}", iface.name), e));
            let _ = tx.send(Event::Done(report)).await;
            return;
        }
    };
    let probes = wsd::onvif_probes(rand::random);
    let group = SocketAddr::from((wsd::MULTICAST_V4, opts.port));
    let start = Instant::now();
    let mut last = start;
    let mut sent = 0;
    let mut next_send = start;
    let mut buf = vec![0u8; 65_536];
    loop {
        let sending = sent < opts.attempts.max(1);
        let deadline = if sending {
            next_send
        } else {
            (last + opts.quiet()).min(start + opts.max_round)
        };
        tokio::select! {
            _ = cancel.cancelled() => break,
            _ = tokio::time::sleep_until(deadline) => {
                if !sending {
                    break;
                }
                let mut failed = None;
                for (_, msg) in &probes {
                    if let Err(e) = sock.send_to(msg.as_bytes(), group).await {
                        failed = Some(e);
                    }
                }
                if let Some(e) = failed {
                    report.error = Some(Error::io(format!("multicast probe on {}", iface.name), e));
                    break;
                }
                sent += 1;
                last = last.max(Instant::now());
                next_send = Instant::now() + Duration::from_millis(100);
            }
            r = sock.recv_from(&mut buf) => {
                let Ok((n, from)) = r else { continue };
                match wsd::parse(&buf[..n]) {
                    Ok(Message::ProbeMatches { relates_to, matches }) => {
                        if relates_to.as_deref().is_some_and(|r| !probes.iter().any(|(id, _)| wsd::relates_to_ours(r, id))) {
                            continue;
                        }
                        last = Instant::now();
                        for m in matches {
                            let s = Sighting::from_endpoint(m, from, Method::Multicast { interface: iface.name.clone() });
                            let _ = tx.send(Event::Found(s)).await;
                        }
                    }
                    Ok(_) => {}
                    Err(e) => report.hostile.push((from, e)),
                }
            }
        }
    }
    let _ = tx.send(Event::Done(report)).await;
}

/// Probes by multicast on every interface in `interfaces` at once; `on_found` sees each endpoint once.
pub async fn probe_multicast<F>(
    interfaces: &[Interface],
    opts: &ProbeOptions,
    cancel: &CancellationToken,
    mut on_found: F,
) -> Result<MulticastRound>
where
    F: FnMut(&Sighting),
{
    let start = Instant::now();
    let (tx, mut rx) = mpsc::channel(256);
    let child = cancel.child_token();
    let _stop = child.clone().drop_guard();
    for i in interfaces {
        tokio::spawn(one_interface(
            i.clone(),
            opts.clone(),
            child.clone(),
            tx.clone(),
        ));
    }
    drop(tx);
    let mut round = MulticastRound::default();
    let mut seen = HashSet::new();
    while let Some(ev) = rx.recv().await {
        match ev {
            Event::Found(s) => {
                if seen.insert(s.endpoint.clone()) {
                    on_found(&s);
                    if let Method::Multicast { interface } = &s.method
                        && let Some(r) = round
                            .interfaces
                            .iter_mut()
                            .find(|r| &r.interface == interface)
                    {
                        r.found += 1;
                    }
                    round.found.push(s);
                }
            }
            Event::Done(mut r) => {
                r.found = round
                    .found
                    .iter()
                    .filter(|s| {
                        s.method
                            == Method::Multicast {
                                interface: r.interface.clone(),
                            }
                    })
                    .count();
                round.interfaces.push(r);
            }
        }
    }
    if cancel.is_cancelled() {
        return Err(Error::Cancelled);
    }
    round.elapsed = start.elapsed();
    Ok(round)
}
