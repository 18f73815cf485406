//! One WS-Discovery unicast round: a probe to every target, re-sent (up to `attempts`) only to targets
//! still silent once APP_MAX_DELAY plus a margin has passed, answers parsed as they arrive, sightings
//! deduplicated by endpoint reference and streamed to a callback. The round ends as soon as every target
//! has answered, or when the last wave has had its quiet time; a hostile answer is recorded against its
//! sender and the round goes on. Sends are paced; the round stops on cancellation.

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

async fn bind_for(targets: &[SocketAddr]) -> Result<UdpSocket> {
    let v6 = targets.first().is_some_and(SocketAddr::is_ipv6);
    let bind: SocketAddr = if v6 { "[::]:0".parse() } else { "0.0.0.0:0".parse() }.map_err(|_| Error::Cancelled)?;
    UdpSocket::bind(bind).await.map_err(|e| Error::io("binding the WS-Discovery probe socket", e))
}

/// Probes `targets` (ip:port) by unicast; `on_found` sees each new endpoint once.
pub async fn probe_unicast<F>(targets: &[SocketAddr], opts: &ProbeOptions, cancel: &CancellationToken, mut on_found: F) -> Result<ProbeRound>
where
    F: FnMut(&Sighting),
{
    let start = Instant::now();
    let mut round = ProbeRound::default();
    if targets.is_empty() {
        return Ok(round);
    }
    let sock = Arc::new(bind_for(targets).await?);
    let probes = wsd::onvif_probes(rand::random);
    let ids: Vec<String> = probes.iter().map(|(id, _)| id.clone()).collect();
    let msgs: Arc<Vec<Vec<u8>>> = Arc::new(probes.into_iter().map(|(_, p)| p.into_bytes()).collect());
    let shared = Arc::new(Mutex::new(Shared { pending: targets.iter().copied().collect(), ..Shared::default() }));
    let sender = {
        let (sock, shared, msgs, opts) = (sock.clone(), shared.clone(), msgs.clone(), opts.clone());
        tokio::spawn(async move { send_waves(&sock, &shared, &msgs, &opts).await })
    };
    let abort = AbortOnDrop(sender.abort_handle());
    let mut sender = Some(sender);
    let mut seen: HashSet<String> = HashSet::new();
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
            let base = [last_send, last_answer].into_iter().flatten().max().unwrap_or(start);
            (base + quiet).min(ceiling)
        };
        tokio::select! {
            _ = cancel.cancelled() => return Err(Error::Cancelled),
            _ = tokio::time::sleep_until(deadline) => break,
            _ = async { if let Some(h) = sender.as_mut() { let _ = h.await; } }, if sending => sender = None,
            r = sock.recv_from(&mut buf) => {
                let Ok((n, from)) = r else { continue };
                match wsd::parse(&buf[..n]) {
                    Ok(Message::ProbeMatches { relates_to, matches }) => {
                        if relates_to.as_deref().is_some_and(|r| !ids.iter().any(|id| id == r)) {
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
                    Ok(_) => {}
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
    round.silent = targets
        .iter()
        .filter(|t| !round.answered.contains(t) && !failed.contains(t) && !hostile.contains(t))
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

async fn send_waves(sock: &UdpSocket, shared: &Mutex<Shared>, msgs: &[Vec<u8>], opts: &ProbeOptions) {
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
                    match sock.send_to(msg, t).await {
                        Ok(_) => sent += 1,
                        Err(e) => {
                            failed.insert(*t, e);
                        }
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
