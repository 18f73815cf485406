//! One WS-Discovery unicast round: a probe to every target, re-sent (up to `attempts`) only to targets
//! still silent once APP_MAX_DELAY plus a margin has passed, answers parsed as they arrive, sightings
//! deduplicated by endpoint reference and streamed to a callback. The round ends once every target has
//! answered and the last probe's answer window (APP_MAX_DELAY plus the margin) has passed, so every device
//! answering from one address is heard, or when the last wave has had its quiet time; a hostile answer is recorded against its
//! sender and the round goes on. Sends are paced; the round stops on cancellation.
//!
//! Every probe datagram carries a MessageID of its own, derived from the target's index, the wave and the
//! probe type under a per-round secret key ([`MessageIds`]). So an answer is attributed to the target it
//! answers by its RelatesTo, whatever address or port it comes from (a device answering from another socket,
//! a NAT, a fleet behind one address), the counts of probed and answered hosts are exact, a retry is a new
//! message that a device's WS-Discovery duplicate detection does not discard, and nobody who has not seen a
//! probe can claim to answer it. Answers without a RelatesTo are attributed by their source address.
//!
//! Probing absent hosts on a local subnet parks each datagram in the kernel's ARP queue, charged to
//! the sending socket, for the seconds ARP takes to give up: one socket's send buffer fills after about
//! a hundred absent hosts and every later send would wait. So probes go out through a small pool of
//! sockets with enlarged buffers, and a send that cannot go out at once — or fails with a transient error
//! (no buffer space, a full neighbour table) — is left for the next wave instead of holding up the others;
//! only a target no probe ever reached is reported as not probed.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};
use std::net::{IpAddr, SocketAddr};
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
    /// Targets (as probed) that answered with a valid ProbeMatch, whatever address the answer came from.
    pub answered: HashSet<SocketAddr>,
    /// Targets at least one probe was sent to.
    pub probed: HashSet<SocketAddr>,
    /// Targets whose answer was refused (malformed, gigantic, entity bomb).
    pub hostile: Vec<(SocketAddr, wsd::WsdError)>,
    /// Targets that answered with a well-formed WS-Discovery message that was no ProbeMatch for our probe (and
    /// sent none that was), with what it was: they are not silent.
    pub unreadable: Vec<(SocketAddr, String)>,
    /// Targets no probe could be sent to (no route, a permanent error, or no buffer space through every wave),
    /// with the last error: they were not probed.
    pub send_failed: Vec<(SocketAddr, std::io::Error)>,
    /// Probed targets that stayed silent through every attempt.
    pub silent: Vec<SocketAddr>,
    /// Valid ProbeMatches from addresses that were not probed (and named no probe of ours by RelatesTo).
    pub strays: usize,
    /// Probes sent.
    pub probes_sent: u64,
    /// How long the round took.
    pub elapsed: Duration,
}

/// Per-round MessageIDs: `urn:uuid:` values whose bytes carry the target's index, the wave and the probe type,
/// and a 64-bit tag keyed by a secret of this round, so an answer's RelatesTo names its target and cannot be
/// forged by a host that never saw the probe.
pub(crate) struct MessageIds {
    key: std::collections::hash_map::RandomState,
    round: u64,
}

impl MessageIds {
    pub(crate) fn new() -> Self {
        MessageIds {
            key: std::collections::hash_map::RandomState::new(),
            round: rand::random(),
        }
    }

    fn tag(&self, index: u32, wave: u8, kind: u8) -> u64 {
        let mut h = self.key.build_hasher();
        h.write_u64(self.round);
        h.write_u32(index);
        h.write_u8(wave);
        h.write_u8(kind);
        h.finish()
    }

    /// The MessageID of probe `kind` to target `index` in wave `wave`.
    pub(crate) fn id(&self, index: u32, wave: u8, kind: u8) -> String {
        let mut b = [0u8; 16];
        b[0..4].copy_from_slice(&index.to_be_bytes());
        b[4] = wave;
        b[5] = kind;
        // Bytes 6 and 8 carry the UUID version and variant; the tag fills the rest.
        let t = self.tag(index, wave, kind).to_be_bytes();
        b[7] = t[0];
        b[9..16].copy_from_slice(&t[1..8]);
        wsd::message_id(b)
    }

    /// The target index a RelatesTo names, when it is one of this round's MessageIDs.
    pub(crate) fn target(&self, relates_to: &str) -> Option<u32> {
        let s = relates_to.trim();
        let s = strip_prefix_ci(s, "urn:").unwrap_or(s);
        let s = strip_prefix_ci(s, "uuid:").unwrap_or(s);
        let b = *uuid::Uuid::parse_str(s).ok()?.as_bytes();
        let index = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        let t = self.tag(index, b[4], b[5]).to_be_bytes();
        (b[7] == t[0] && b[9..16] == t[1..8]).then_some(index)
    }
}

fn strip_prefix_ci<'a>(s: &'a str, p: &str) -> Option<&'a str> {
    s.get(..p.len())
        .filter(|h| h.eq_ignore_ascii_case(p))
        .map(|_| &s[p.len()..])
}

#[derive(Default)]
struct Shared {
    /// Indexes of targets still to be probed or answered.
    pending: HashSet<u32>,
    /// Indexes of targets at least one probe went out to.
    probed: HashSet<u32>,
    /// Targets dropped for a permanent send error.
    send_failed: Vec<(u32, std::io::Error)>,
    /// The last transient error per target not yet probed (reported if no wave gets a probe out).
    transient: HashMap<u32, std::io::Error>,
    last_send: Option<Instant>,
    /// When the first wave (a probe to every target) was through.
    first_wave_done: Option<Instant>,
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
    // Best effort: the kernel caps them at net.core.wmem_max / rmem_max.
    let _ = s.set_send_buffer_size(1 << 20);
    let _ = s.set_recv_buffer_size(4 << 20);
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

/// True for a send error that may clear by itself (buffer space, a full neighbour table, an interrupted call):
/// the target is tried again in the next wave rather than given up.
fn transient(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(e.kind(), WouldBlock | Interrupted | OutOfMemory | TimedOut)
        // ENOBUFS (105) and ENOMEM (12): no buffer space / a full neighbour table; EAGAIN is WouldBlock.
        || matches!(e.raw_os_error(), Some(105 | 12))
}

/// How long a round may last at most, once its first wave is through (the first wave itself, a probe to every
/// target, is never cut short: each send waits at most [`SEND_WAIT`]): the caller's ceiling, or longer for a
/// round so big that its later waves, as long as the first one took, would not fit in it.
fn ceiling(first_wave: Duration, opts: &ProbeOptions) -> Duration {
    opts.max_round
        .max((first_wave + opts.quiet()) * opts.attempts.max(1) + opts.quiet())
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
    if targets.len() > u32::MAX as usize {
        return Err(Error::InvalidAddress {
            input: format!("{} targets", targets.len()),
            source: None,
        });
    }
    let n = targets
        .len()
        .div_ceil(TARGETS_PER_SOCKET)
        .clamp(1, MAX_SOCKETS);
    let socks: Arc<Vec<UdpSocket>> =
        Arc::new((0..n).map(|_| bind_for(targets)).collect::<Result<_>>()?);
    let ids = Arc::new(MessageIds::new());
    let targets: Arc<Vec<SocketAddr>> = Arc::new(targets.to_vec());
    // Answers without a RelatesTo are attributed by their source: its address and port, or its address alone.
    let by_addr: HashMap<SocketAddr, u32> = targets
        .iter()
        .enumerate()
        .map(|(i, t)| (*t, i as u32))
        .collect();
    let mut by_ip: HashMap<IpAddr, Option<u32>> = HashMap::new();
    for (i, t) in targets.iter().enumerate() {
        by_ip
            .entry(t.ip())
            .and_modify(|v| *v = None) // several targets on one address: the port must say which
            .or_insert(Some(i as u32));
    }
    let shared = Arc::new(Mutex::new(Shared {
        pending: (0..targets.len() as u32).collect(),
        ..Shared::default()
    }));
    let sender = {
        let (socks, shared, ids, targets, opts) = (
            socks.clone(),
            shared.clone(),
            ids.clone(),
            targets.clone(),
            opts.clone(),
        );
        tokio::spawn(async move { send_waves(&socks, &shared, &ids, &targets, &opts).await })
    };
    let abort = AbortOnDrop(sender.abort_handle());
    let mut sender = Some(sender);
    let mut seen: HashSet<String> = HashSet::new();
    let mut answered: HashSet<u32> = HashSet::new();
    let mut unreadable: HashMap<u32, String> = HashMap::new();
    let mut hostile: HashMap<u32, wsd::WsdError> = HashMap::new();
    let mut last_answer: Option<Instant> = None;
    let mut buf = vec![0u8; 65_536];
    let quiet = opts.quiet();
    // Far enough never to come while the first wave is still going out (only cancellation stops it then).
    let first_wave_ceiling = start + Duration::from_secs(86_400);
    let source_target = |from: &SocketAddr| {
        by_addr
            .get(from)
            .copied()
            .or_else(|| by_ip.get(&from.ip()).copied().flatten())
    };
    loop {
        let sending = sender.is_some();
        let (pending_empty, last_send, first_wave_done) = {
            let s = lock(&shared);
            (s.pending.is_empty(), s.last_send, s.first_wave_done)
        };
        let ceiling = match first_wave_done {
            Some(done) => start + ceiling(done - start, opts),
            None if sending => first_wave_ceiling,
            None => start + opts.max_round,
        };
        let deadline = if pending_empty {
            // Every target answered (or cannot be reached). Several devices may answer from one address (an
            // encoder's channels, an NVR, a NAT'd site), each after its own random delay: the last probe's
            // answer window stays open, then the round ends.
            (last_send.unwrap_or(start) + quiet).min(ceiling)
        } else if sending {
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
                        let target = match relates_to.as_deref() {
                            Some(r) => match ids.target(r) {
                                Some(i) if (i as usize) < targets.len() => Some(i),
                                _ => {
                                    if let Some(i) = source_target(&from) {
                                        unreadable.entry(i).or_insert_with(|| {
                                            format!("a ProbeMatch for another probe (RelatesTo {r:?})")
                                        });
                                    }
                                    continue;
                                }
                            },
                            None => source_target(&from),
                        };
                        match target {
                            Some(i) => {
                                lock(&shared).pending.remove(&i);
                                answered.insert(i);
                            }
                            None => round.strays += 1,
                        }
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
                        if let Some(i) = source_target(&from) {
                            unreadable.entry(i).or_insert_with(|| match other {
                                Message::Hello(_) => "a Hello instead of a ProbeMatch".to_owned(),
                                Message::Bye { .. } => "a Bye instead of a ProbeMatch".to_owned(),
                                _ => "a WS-Discovery message that is no ProbeMatch".to_owned(),
                            });
                        }
                    }
                    Err(e) => {
                        if let Some(i) = source_target(&from)
                            && lock(&shared).pending.remove(&i)
                        {
                            hostile.insert(i, e);
                        }
                    }
                }
            }
        }
    }
    drop(abort);
    let mut s = lock(&shared);
    let addr = |i: &u32| targets[*i as usize];
    // A target no wave could get a probe out to was not probed: its last error says why.
    let never: Vec<u32> = s
        .transient
        .keys()
        .filter(|i| !s.probed.contains(i))
        .copied()
        .collect();
    for i in never {
        if let Some(e) = s.transient.remove(&i) {
            s.send_failed.push((i, e));
        }
    }
    // Whatever was neither probed nor refused by the OS when the round ended (cancelled mid-wave) was not probed.
    let accounted: HashSet<u32> = s
        .probed
        .iter()
        .copied()
        .chain(s.send_failed.iter().map(|(i, _)| *i))
        .collect();
    for i in 0..targets.len() as u32 {
        if !accounted.contains(&i) {
            s.send_failed.push((
                i,
                std::io::Error::other("the round ended before a probe was sent to it"),
            ));
        }
    }
    let failed: HashSet<u32> = s.send_failed.iter().map(|(i, _)| *i).collect();
    round.send_failed = std::mem::take(&mut s.send_failed)
        .into_iter()
        .map(|(i, e)| (addr(&i), e))
        .collect();
    round.send_failed.sort_by_key(|(a, _)| *a);
    round.probed = s.probed.iter().map(addr).collect();
    round.answered = answered.iter().map(addr).collect();
    let mut hostile: Vec<(u32, wsd::WsdError)> = hostile
        .into_iter()
        .filter(|(i, _)| !answered.contains(i))
        .collect();
    hostile.sort_by_key(|(i, _)| *i);
    round.hostile = hostile.into_iter().map(|(i, e)| (addr(&i), e)).collect();
    let hostile: HashSet<SocketAddr> = round.hostile.iter().map(|(a, _)| *a).collect();
    let mut unread: Vec<(u32, String)> = unreadable
        .into_iter()
        .filter(|(i, _)| !answered.contains(i) && !hostile.contains(&addr(i)))
        .collect();
    unread.sort_by_key(|(i, _)| *i);
    round.unreadable = unread.into_iter().map(|(i, w)| (addr(&i), w)).collect();
    let unread: HashSet<SocketAddr> = round.unreadable.iter().map(|(a, _)| *a).collect();
    round.silent = (0..targets.len() as u32)
        .filter(|i| !answered.contains(i) && !failed.contains(i) && s.probed.contains(i))
        .map(|i| addr(&i))
        .filter(|a| !hostile.contains(a) && !unread.contains(a))
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
    ids: &MessageIds,
    targets: &[SocketAddr],
    opts: &ProbeOptions,
) {
    let batch = (opts.sends_per_ms.max(1) as usize) * 5;
    for attempt in 0..opts.attempts.max(1) {
        if attempt > 0 {
            tokio::time::sleep(opts.quiet()).await;
        }
        let wave_no = u8::try_from(attempt).unwrap_or(u8::MAX);
        let mut wave: Vec<u32> = lock(shared).pending.iter().copied().collect();
        if wave.is_empty() {
            return;
        }
        wave.sort_unstable();
        for chunk in wave.chunks(batch) {
            let mut failed: HashMap<u32, std::io::Error> = HashMap::new();
            let mut later: HashMap<u32, std::io::Error> = HashMap::new();
            let mut out: HashSet<u32> = HashSet::new();
            let mut sent = 0;
            for (kind, t) in wsd::ONVIF_TYPES.iter().enumerate() {
                for &i in chunk {
                    if failed.contains_key(&i) {
                        continue;
                    }
                    let to = targets[i as usize];
                    let msg = wsd::probe(&ids.id(i, wave_no, kind as u8), &[t]);
                    let sock = &socks[pool_index(&to, socks.len())];
                    match tokio::time::timeout(SEND_WAIT, sock.send_to(msg.as_bytes(), to)).await {
                        Ok(Ok(_)) => {
                            sent += 1;
                            out.insert(i);
                        }
                        Ok(Err(e)) if transient(&e) => {
                            later.insert(i, e);
                        }
                        Ok(Err(e)) => {
                            failed.insert(i, e);
                        }
                        // No buffer space now (datagrams parked in ARP queues): next wave.
                        Err(_) => {
                            later.entry(i).or_insert_with(|| {
                                std::io::Error::new(
                                    std::io::ErrorKind::TimedOut,
                                    "no buffer space to send the probe (datagrams waiting for ARP)",
                                )
                            });
                        }
                    }
                }
            }
            {
                let mut s = lock(shared);
                s.sent += sent;
                s.last_send = Some(Instant::now());
                for i in &out {
                    s.probed.insert(*i);
                    s.transient.remove(i);
                }
                for (i, e) in later {
                    if !out.contains(&i) {
                        s.transient.insert(i, e);
                    }
                }
                for (i, e) in failed {
                    if !out.contains(&i) {
                        s.pending.remove(&i);
                        s.transient.remove(&i);
                        s.send_failed.push((i, e));
                    }
                }
            }
            if chunk.len() == batch {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
        if attempt == 0 {
            lock(shared).first_wave_done = Some(Instant::now());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_name_their_target_and_cannot_be_forged() {
        let ids = MessageIds::new();
        let mut all = HashSet::new();
        for i in [0u32, 1, 509, 510, 1021, 65_533] {
            for wave in 0..3u8 {
                for kind in 0..2u8 {
                    let id = ids.id(i, wave, kind);
                    assert!(id.starts_with("urn:uuid:"), "{id}");
                    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
                    assert!(all.insert(id.clone()), "ids repeat: {id}");
                    assert_eq!(ids.target(&id), Some(i));
                    // RelatesTo as devices echo it: without urn:, upper case, padded.
                    let bare = format!(" {} ", id.trim_start_matches("urn:").to_uppercase());
                    assert_eq!(ids.target(&bare), Some(i), "{bare}");
                }
            }
        }
        // Another round's ids, a changed index, random uuids: not ours.
        let other = MessageIds::new();
        assert_eq!(ids.target(&other.id(5, 0, 0)), None);
        let id = ids.id(5, 0, 0);
        let mut b = *uuid::Uuid::parse_str(&id).unwrap().as_bytes();
        b[3] ^= 1;
        assert_eq!(
            ids.target(&uuid::Uuid::from_bytes(b).urn().to_string()),
            None
        );
        assert_eq!(ids.target(&wsd::message_id(rand::random())), None);
        assert_eq!(ids.target("not a uuid"), None);
    }

    #[test]
    fn big_rounds_get_time_for_their_waves() {
        let o = ProbeOptions::default();
        assert_eq!(ceiling(Duration::from_millis(20), &o), o.max_round);
        // A /16 whose first wave took 14 s: the later waves get as long, with their quiet times.
        let c = ceiling(Duration::from_secs(14), &o);
        assert_eq!(c, (Duration::from_secs(14) + o.quiet()) * 3 + o.quiet());
    }
}
