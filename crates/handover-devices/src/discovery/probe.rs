//! One WS-Discovery unicast round: a probe to every target, re-sent (up to `attempts`) only to targets
//! still silent once APP_MAX_DELAY plus a margin has passed, answers parsed as they arrive, sightings
//! deduplicated by endpoint reference and streamed to a callback. The round ends as soon as every target
//! has answered, or when the last wave has had its quiet time; a hostile answer is recorded against its
//! sender and the round goes on. Sends are paced; the round stops on cancellation.
//!
//! Probing absent hosts on a local subnet parks each datagram in the kernel's ARP queue, charged to
//! the sending socket, for the seconds ARP takes to give up: one socket's send buffer fills after about
//! a hundred absent hosts and every later send would wait. So probes go out through a small pool of
//! sockets with enlarged buffers, and a send that cannot go out at once is left for the next wave
//! instead of holding up the others.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::discovery::wsd::{self, Message};
use crate::discovery::{Method, ProbeOptions, Sighting};
use crate::error::{Error, Result};

/// What one unicast round saw.
#[derive(Debug, Default)]
pub struct ProbeRound {
    /// Every distinct endpoint found, in order of arrival.
    pub found: Vec<Sighting>,
    /// Targets that answered with a valid message.
    pub answered: HashSet<SocketAddr>,
    /// Targets whose answer was refused (malformed, gigantic, entity bomb).
    pub hostile: Vec<(SocketAddr, wsd::WsdError)>,
    /// Targets that answered with a well-formed WS-Discovery message that was no ProbeMatch for our probe (and
    /// sent none that was), with what it was: they are not silent.
    pub unreadable: Vec<(SocketAddr, String)>,
    /// Targets the probe could not even be sent to (no route, ...).
    pub send_failed: Vec<(SocketAddr, std::io::Error)>,
    /// Targets that stayed silent through every attempt.
    pub silent: Vec<SocketAddr>,
    /// Probes sent.
    pub probes_sent: u64,
    /// How long the round took.
    pub elapsed: Duration,
}

#[derive(Default)]
struct Shared {
    pending: HashSet<SocketAddr>,
    send_failed: Vec<(SocketAddr, std::io::Error)>,
    last_send: Option<Instant>,
    sent: u64,
}

fn lock(s: &Mutex<Shared>) -> std::sync::MutexGuard<'_, Shared> {
    s.lock().unwrap_or_else(|p| p.into_inner())
}

/// Targets per socket of the pool (the pool has at most [`MAX_SOCKETS`]).
const TARGETS_PER_SOCKET: usize = 64;
/// Largest socket pool.
const MAX_SOCKETS: usize = 16;
/// How long one send may wait for buffer space before the target is left for the next wave.
const SEND_WAIT: Duration = Duration::from_millis(20);

fn bind_for(targets: &[SocketAddr]) -> Result<UdpSocket> {
    use socket2::{Domain, Protocol, Socket, Type};
    let v6 = targets.first().is_some_and(SocketAddr::is_ipv6);
    let (domain, bind) = if v6 {
        (
            Domain::IPV6,
            SocketAddr::from((std::net::Ipv6Addr::UNSPECIFIED, 0)),
        )
    } else {
        (
            Domain::IPV4,
            SocketAddr::from((std::net::Ipv4Addr::UNSPECIFIED, 0)),
        )
    };
    let ctx = |e| Error::io("binding a WS-Discovery probe socket", e);
    let s = Socket::new(domain, Type::DGRAM, Some(Protocol::UDP)).map_err(ctx)?;
    // Best effort: the kernel caps it at net.core.wmem_max.
    let _ = s.set_send_buffer_size(1 << 20);
    let _ = s.set_recv_buffer_size(1 << 20);
    s.set_nonblocking(true).map_err(ctx)?;
    s.bind(&bind.into()).map_err(ctx)?;
    UdpSocket::from_std(s.into()).map_err(ctx)
}

fn pool_index(t: &SocketAddr, n: usize) -> usize {
    let h = match t.ip() {
        std::net::IpAddr::V4(v4) => u32::from(v4) as usize,
        std::net::IpAddr::V6(v6) => v6.segments()[7] as usize,
    };
    (h ^ t.port() as usize) % n
}

/// Probes `targets` (ip:port) by unicast; `on_found` sees each new endpoint once.
pub async fn probe_unicast<F>(
    targets: &[SocketAddr],
    opts: &ProbeOptions,
    cancel: &CancellationToken,
    mut on_found: F,
) -> Result<ProbeRound>
where
    F: FnMut(&Sighting),
{
    let start = Instant::now();
    let mut round = ProbeRound::default();
    if targets.is_empty() {
        return Ok(round);
    }
    let n = targets
        .len()
        .div_ceil(TARGETS_PER_SOCKET)
        .clamp(1, MAX_SOCKETS);
    let socks: Arc<Vec<UdpSocket>> =
        Arc::new((0..n).map(|_| bind_for(targets)).collect::<Result<_>>()?);
    let probes = wsd::onvif_probes(rand::random);
    let ids: Vec<String> = probes.iter().map(|(id, _)| id.clone()).collect();
    let msgs: Arc<Vec<Vec<u8>>> =
        Arc::new(probes.into_iter().map(|(_, p)| p.into_bytes()).collect());
    let shared = Arc::new(Mutex::new(Shared {
        pending: targets.iter().copied().collect(),
        ..Shared::default()
    }));
    let sender = {
        let (socks, shared, msgs, opts) =
            (socks.clone(), shared.clone(), msgs.clone(), opts.clone());
        tokio::spawn(async move { send_waves(&socks, &shared, &msgs, &opts).await })
    };
    let abort = AbortOnDrop(sender.abort_handle());
    let mut sender = Some(sender);
    let mut seen: HashSet<String> = HashSet::new();
    let mut unreadable: HashMap<SocketAddr, String> = HashMap::new();
    let mut last_answer: Option<Instant> = None;
    let mut buf = vec![0u8; 65_536];
    let quiet = opts.quiet();
    let ceiling = start + opts.max_round;
    loop {
        let sending = sender.is_some();
        let (pending_empty, last_send) = {
            let s = lock(&shared);
            (s.pending.is_empty(), s.last_send)
        };
        if pending_empty {
            // Every target answered (or cannot be reached): nothing more can come.
            break;
        }
        let deadline = if sending {
            ceiling
        } else {
            let base = [last_send, last_answer]
                .into_iter()
                .flatten()
                .max()
                .unwrap_or(start);
            (base + quiet).min(ceiling)
        };
        tokio::select! {
            _ = cancel.cancelled() => return Err(Error::Cancelled),
            _ = tokio::time::sleep_until(deadline) => break,
            _ = async { if let Some(h) = sender.as_mut() { let _ = h.await; } }, if sending => sender = None,
            r = recv_any(&socks, &mut buf) => {
                let Ok((n, from)) = r else { continue };
                match wsd::parse(&buf[..n]) {
                    Ok(Message::ProbeMatches { relates_to, matches }) => {
                        if let Some(r) = relates_to.as_deref()
                            && !ids.iter().any(|id| wsd::relates_to_ours(r, id))
                        {
                            unreadable
                                .entry(from)
                                .or_insert_with(|| format!("a ProbeMatch for another probe (RelatesTo {r:?})"));
                            continue;
                        }
                        lock(&shared).pending.remove(&from);
                        round.answered.insert(from);
                        last_answer = Some(Instant::now());
                        for m in matches {
                            if seen.insert(m.reference.clone()) {
                                let s = Sighting::from_endpoint(m, from, Method::Unicast);
                                on_found(&s);
                                round.found.push(s);
                            }
                        }
                    }
                    Ok(other) => {
                        unreadable.entry(from).or_insert_with(|| match other {
                            Message::Hello(_) => "a Hello instead of a ProbeMatch".to_owned(),
                            Message::Bye { .. } => "a Bye instead of a ProbeMatch".to_owned(),
                            _ => "a WS-Discovery message that is no ProbeMatch".to_owned(),
                        });
                    }
                    Err(e) => {
                        if lock(&shared).pending.remove(&from) {
                            round.hostile.push((from, e));
                        }
                    }
                }
            }
        }
    }
    drop(abort);
    let mut s = lock(&shared);
    round.send_failed = std::mem::take(&mut s.send_failed);
    let failed: HashSet<SocketAddr> = round.send_failed.iter().map(|(a, _)| *a).collect();
    let hostile: HashSet<SocketAddr> = round.hostile.iter().map(|(a, _)| *a).collect();
    let targeted: HashSet<&SocketAddr> = targets.iter().collect();
    round.unreadable = unreadable
        .into_iter()
        .filter(|(a, _)| {
            targeted.contains(a) && !round.answered.contains(a) && !hostile.contains(a)
        })
        .collect();
    round.unreadable.sort_by_key(|(a, _)| *a);
    let unread: HashSet<SocketAddr> = round.unreadable.iter().map(|(a, _)| *a).collect();
    round.silent = targets
        .iter()
        .filter(|t| {
            !round.answered.contains(t)
                && !failed.contains(t)
                && !hostile.contains(t)
                && !unread.contains(t)
        })
        .copied()
        .collect();
    round.probes_sent = s.sent;
    round.elapsed = start.elapsed();
    Ok(round)
}

struct AbortOnDrop(tokio::task::AbortHandle);
impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Receives from whichever socket of the pool has a datagram.
async fn recv_any(socks: &[UdpSocket], buf: &mut [u8]) -> std::io::Result<(usize, SocketAddr)> {
    std::future::poll_fn(|cx| {
        for s in socks {
            let mut rb = tokio::io::ReadBuf::new(buf);
            match s.poll_recv_from(cx, &mut rb) {
                std::task::Poll::Ready(Ok(from)) => {
                    return std::task::Poll::Ready(Ok((rb.filled().len(), from)));
                }
                std::task::Poll::Ready(Err(e)) => return std::task::Poll::Ready(Err(e)),
                std::task::Poll::Pending => {}
            }
        }
        std::task::Poll::Pending
    })
    .await
}

async fn send_waves(
    socks: &[UdpSocket],
    shared: &Mutex<Shared>,
    msgs: &[Vec<u8>],
    opts: &ProbeOptions,
) {
    let batch = (opts.sends_per_ms.max(1) as usize) * 5;
    for attempt in 0..opts.attempts.max(1) {
        if attempt > 0 {
            tokio::time::sleep(opts.quiet()).await;
        }
        let mut wave: Vec<SocketAddr> = lock(shared).pending.iter().copied().collect();
        if wave.is_empty() {
            return;
        }
        wave.sort();
        for chunk in wave.chunks(batch) {
            let mut failed: HashMap<SocketAddr, std::io::Error> = HashMap::new();
            let mut sent = 0;
            for msg in msgs {
                for t in chunk {
                    if failed.contains_key(t) {
                        continue;
                    }
                    let sock = &socks[pool_index(t, socks.len())];
                    match tokio::time::timeout(SEND_WAIT, sock.send_to(msg, t)).await {
                        Ok(Ok(_)) => sent += 1,
                        Ok(Err(e)) => {
                            failed.insert(*t, e);
                        }
                        // No buffer space now (datagrams parked in ARP queues): next wave.
                        Err(_) => {}
                    }
                }
            }
            {
                let mut s = lock(shared);
                s.sent += sent;
                s.last_send = Some(Instant::now());
                for (t, e) in failed {
                    s.pending.remove(&t);
                    s.send_failed.push((t, e));
                }
            }
            if chunk.len() == batch {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }
}
