//! WS-Discovery (2005/04) responder of one device: answers unicast Probes on the device's own UDP
//! socket after a random 0..APP_MAX_DELAY wait, as devices do; honours the discovery mode and reboots;
//! sends Hello and Bye to configured unicast targets (and to the multicast group only when a multicast
//! interface was given, i.e. inside a network namespace). Faults: a share of datagrams dropped, hostile
//! ProbeMatches. The site-wide multicast listener lives in multicast.rs.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::Rng;
use tokio::net::UdpSocket;

use crate::device::Device;
use crate::faults::{DiscoveryQuirk, FaultSpec, Hostile};
use crate::hostile;
use crate::soap::{Element, escape, parse};

/// WS-Discovery multicast group and port.
pub const MULTICAST_GROUP: std::net::Ipv4Addr = std::net::Ipv4Addr::new(239, 255, 255, 250);
/// WS-Discovery port.
pub const PORT: u16 = 3702;
/// APP_MAX_DELAY of WS-Discovery 2005/04: devices answer after a random delay up to this.
pub const APP_MAX_DELAY: Duration = Duration::from_millis(500);
/// Largest datagram read.
const MAX_DATAGRAM: usize = 16 * 1024;

const NS: &str = concat!(
    r#"xmlns:s="http://www.w3.org/2003/05/soap-envelope" "#,
    r#"xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" "#,
    r#"xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" "#,
    r#"xmlns:dn="http://www.onvif.org/ver10/network/wsdl" "#,
    r#"xmlns:tds="http://www.onvif.org/ver10/device/wsdl""#
);

/// Settings shared by every responder of a site.
#[derive(Debug, Clone)]
pub struct DiscoveryOptions {
    /// Upper bound of the random answer delay (APP_MAX_DELAY; tests may shorten it).
    pub app_max_delay: Duration,
    /// Unicast receivers of Hello and Bye (e.g. a test's socket on 127.0.0.1).
    pub hello_targets: Vec<SocketAddr>,
    /// Send Hello/Bye to 239.255.255.250 as well (only inside a network namespace).
    pub multicast_announce: bool,
    /// A fleet's answer capacity, shared by every device of the site: at most this many probes answered in one
    /// window, the rest dropped (a bounded answer queue in a simulator that serves many devices from one
    /// process). None: no limit.
    pub answer_budget: Option<AnswerBudget>,
}

/// At most `answers` probes answered per `window`, across the site.
#[derive(Debug, Clone)]
pub struct AnswerBudget {
    /// Answers per window.
    pub answers: usize,
    /// The window.
    pub window: Duration,
    state: Arc<std::sync::Mutex<Option<(std::time::Instant, usize)>>>,
}

impl AnswerBudget {
    /// A budget of `answers` per `window`.
    pub fn new(answers: usize, window: Duration) -> Self {
        AnswerBudget {
            answers,
            window,
            state: Arc::default(),
        }
    }

    /// Takes one answer from the budget; false when it is spent for this window.
    fn take(&self) -> bool {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let now = std::time::Instant::now();
        let (start, used) = st.get_or_insert((now, 0));
        if now.duration_since(*start) > self.window {
            *start = now;
            *used = 0;
        }
        if *used >= self.answers {
            return false;
        }
        *used += 1;
        true
    }
}

impl Default for DiscoveryOptions {
    fn default() -> Self {
        DiscoveryOptions {
            app_max_delay: APP_MAX_DELAY,
            hello_targets: Vec::new(),
            multicast_announce: false,
            answer_budget: None,
        }
    }
}

pub(crate) struct Responder {
    pub dev: Arc<Device>,
    /// The address's WS-Discovery socket, shared by every device on that address.
    pub socket: Arc<UdpSocket>,
    pub opts: Arc<DiscoveryOptions>,
    pub instance_id: u64,
    pub message_number: AtomicU64,
    /// MessageIDs of probes seen (the DropsRepeatedMessageIds quirk), oldest first, bounded.
    pub seen_ids: std::sync::Mutex<std::collections::VecDeque<String>>,
}

/// MessageIDs a device remembers for duplicate detection.
const SEEN_IDS: usize = 256;

fn uuid_v4() -> String {
    let b: [u8; 16] = rand::random();
    format!(
        "urn:uuid:{}-{}-4{}-a{}-{}",
        hex::encode(&b[0..4]),
        hex::encode(&b[4..6]),
        &hex::encode(&b[6..8])[1..],
        &hex::encode(&b[8..10])[1..],
        hex::encode(&b[10..16])
    )
}

/// True when a probe's Types and Scopes (RFC 3986 prefix matching) select this device.
pub fn probe_matches(probe: &Element, device_types: &str, device_scopes: &[String]) -> bool {
    let local = |q: &str| q.rsplit(':').next().unwrap_or(q).to_string();
    let have: Vec<String> = device_types.split_whitespace().map(local).collect();
    let types_ok = probe.child("Types").is_none_or(|t| {
        t.text
            .split_whitespace()
            .all(|want| have.contains(&local(want)))
    });
    let scopes_ok = probe.child("Scopes").is_none_or(|s| {
        s.text.split_whitespace().all(|want| {
            let want = want.trim_end_matches('/');
            device_scopes.iter().any(|have| {
                have == want
                    || (have.starts_with(want) && have.as_bytes().get(want.len()) == Some(&b'/'))
            })
        })
    });
    types_ok && scopes_ok
}

impl Responder {
    fn app_sequence(&self) -> String {
        let n = self.message_number.fetch_add(1, Ordering::Relaxed) + 1;
        format!(
            r#"<d:AppSequence InstanceId="{}" MessageNumber="{n}"/>"#,
            self.instance_id
        )
    }

    fn xaddrs(&self) -> String {
        self.dev.xaddr()
    }

    fn scopes(&self) -> String {
        escape(&self.dev.cfg.scopes().join(" "))
    }

    /// The ProbeMatch in another device's dialect (`quirks`); the simulator's own shape when empty.
    pub(crate) fn probe_match_with(&self, relates_to: &str, quirks: &[DiscoveryQuirk]) -> String {
        if quirks.is_empty() {
            return self.probe_match(relates_to);
        }
        let c = &self.dev.cfg;
        let has = |q| quirks.contains(&q);
        let mut all = c.scopes();
        if has(DiscoveryQuirk::BareScopes) {
            all.retain(|s| s.contains("/type/") || s.contains("/Profile/"));
        }
        let scopes = if has(DiscoveryQuirk::RawSpaces) {
            escape(&all.join(" ").replace("%20", " "))
        } else {
            escape(&all.join(" "))
        };
        let relates_to = if has(DiscoveryQuirk::RelatesToWithoutUrn) {
            relates_to.strip_prefix("urn:").unwrap_or(relates_to)
        } else {
            relates_to
        };
        let (env, wsa, d, ns, pre) = if has(DiscoveryQuirk::Soap11) {
            (
                "SOAP-ENV",
                "wsa",
                "",
                concat!(
                    r#"xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" "#,
                    r#"xmlns:wsa="http://www.w3.org/2005/08/addressing" "#,
                    r#"xmlns:wsdd="http://schemas.xmlsoap.org/ws/2005/04/discovery" "#,
                    r#"xmlns:tdn="http://www.onvif.org/ver10/network/wsdl" "#,
                    r#"xmlns:tds="http://www.onvif.org/ver10/device/wsdl""#
                ),
                r#" xmlns="http://schemas.xmlsoap.org/ws/2005/04/discovery""#,
            )
        } else {
            ("s", "a", "d:", NS, "")
        };
        let types = if has(DiscoveryQuirk::Soap11) {
            c.types().replace("dn:", "tdn:")
        } else {
            c.types().to_owned()
        };
        let inner = format!(
            "<{d}ProbeMatch{pre}><{wsa}:EndpointReference><{wsa}:Address>{}</{wsa}:Address></{wsa}:EndpointReference><{d}Types>{types}</{d}Types><{d}Scopes>{scopes}</{d}Scopes><{d}XAddrs>{}</{d}XAddrs><{d}MetadataVersion>1</{d}MetadataVersion></{d}ProbeMatch>",
            c.endpoint,
            self.xaddrs()
        );
        let body = if has(DiscoveryQuirk::Unwrapped) {
            inner
        } else if d.is_empty() {
            format!(
                r#"<ProbeMatches xmlns="http://schemas.xmlsoap.org/ws/2005/04/discovery">{}</ProbeMatches>"#,
                inner.replacen(pre, "", 1)
            )
        } else {
            format!("<{d}ProbeMatches>{inner}</{d}ProbeMatches>")
        };
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><{env}:Envelope {ns}><{env}:Header><{wsa}:MessageID>{}</{wsa}:MessageID><{wsa}:RelatesTo>{}</{wsa}:RelatesTo><{wsa}:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</{wsa}:To><{wsa}:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</{wsa}:Action></{env}:Header><{env}:Body>{body}</{env}:Body></{env}:Envelope>"#,
            uuid_v4(),
            escape(relates_to),
        )
    }

    /// The ProbeMatches answer to a probe with this MessageID.
    pub(crate) fn probe_match(&self, relates_to: &str) -> String {
        let c = &self.dev.cfg;
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><s:Envelope {NS}><s:Header><a:MessageID>{}</a:MessageID><a:RelatesTo>{}</a:RelatesTo><a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</a:Action>{}</s:Header><s:Body><d:ProbeMatches><d:ProbeMatch><a:EndpointReference><a:Address>{}</a:Address></a:EndpointReference><d:Types>{}</d:Types><d:Scopes>{}</d:Scopes><d:XAddrs>{}</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>"#,
            uuid_v4(),
            escape(relates_to),
            self.app_sequence(),
            c.endpoint,
            c.types(),
            self.scopes(),
            self.xaddrs()
        )
    }

    fn announcement(&self, hello: bool) -> String {
        let c = &self.dev.cfg;
        let (action, body) = if hello {
            (
                "Hello",
                format!(
                    "<d:Hello><a:EndpointReference><a:Address>{}</a:Address></a:EndpointReference><d:Types>{}</d:Types><d:Scopes>{}</d:Scopes><d:XAddrs>{}</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:Hello>",
                    c.endpoint,
                    c.types(),
                    self.scopes(),
                    self.xaddrs()
                ),
            )
        } else {
            (
                "Bye",
                format!(
                    "<d:Bye><a:EndpointReference><a:Address>{}</a:Address></a:EndpointReference></d:Bye>",
                    c.endpoint
                ),
            )
        };
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><s:Envelope {NS}><s:Header><a:MessageID>{}</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/{action}</a:Action>{}</s:Header><s:Body>{body}</s:Body></s:Envelope>"#,
            uuid_v4(),
            self.app_sequence()
        )
    }

    pub(crate) async fn announce(&self, hello: bool) {
        if !self.dev.state().discoverable {
            return;
        }
        let msg = self.announcement(hello);
        for t in &self.opts.hello_targets {
            let _ = self.socket.send_to(msg.as_bytes(), t).await;
        }
        if self.opts.multicast_announce {
            let _ = self
                .socket
                .send_to(msg.as_bytes(), (MULTICAST_GROUP, PORT))
                .await;
        }
    }

    /// Handles one datagram from `from`; sends the (possibly delayed, possibly hostile) answer.
    pub(crate) async fn on_datagram(self: &Arc<Self>, data: &[u8], from: SocketAddr) {
        let faults = self.dev.state().faults.clone();
        if FaultSpec::draw(faults.udp_drop_share) {
            self.dev
                .counters
                .datagrams_dropped
                .fetch_add(1, Ordering::Relaxed);
            return;
        }
        if self.dev.is_rebooting() || !self.dev.state().discoverable {
            return;
        }
        let Ok(root) = parse(data) else { return };
        let Some(probe) = root.path(&["Body", "Probe"]) else {
            return;
        };
        if !probe_matches(probe, self.dev.cfg.types(), &self.dev.cfg.scopes()) {
            return;
        }
        let relates_to = root
            .text_at(&["Header", "MessageID"])
            .unwrap_or_default()
            .to_string();
        if faults
            .discovery_quirks
            .contains(&DiscoveryQuirk::DropsRepeatedMessageIds)
        {
            let mut seen = self.seen_ids.lock().unwrap_or_else(|p| p.into_inner());
            if seen.contains(&relates_to) {
                return;
            }
            if seen.len() >= SEEN_IDS {
                seen.pop_front();
            }
            seen.push_back(relates_to.clone());
        }
        if let Some(b) = &self.opts.answer_budget
            && !b.take()
        {
            return;
        }
        let delay = if self.opts.app_max_delay.is_zero() {
            Duration::ZERO
        } else {
            rand::thread_rng().gen_range(Duration::ZERO..=self.opts.app_max_delay)
        };
        let me = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let valid = me.probe_match_with(&relates_to, &faults.discovery_quirks);
            let msg = match faults.hostile_discovery {
                None => valid,
                Some(Hostile::Malformed) => hostile::malformed_probe_match(&valid),
                Some(Hostile::Gigantic) => hostile::gigantic_probe_match(&valid),
                Some(Hostile::EntityBomb) => hostile::entity_bomb(),
            };
            if FaultSpec::draw(faults.udp_answer_drop_share) {
                return;
            }
            let sent = if faults
                .discovery_quirks
                .contains(&DiscoveryQuirk::AnswerFromOtherPort)
            {
                let local = me.socket.local_addr().map(|a| SocketAddr::new(a.ip(), 0));
                match local {
                    Ok(l) => match UdpSocket::bind(l).await {
                        Ok(s) => s.send_to(msg.as_bytes(), from).await.is_ok(),
                        Err(_) => false,
                    },
                    Err(_) => false,
                }
            } else {
                me.socket.send_to(msg.as_bytes(), from).await.is_ok()
            };
            if sent {
                me.dev
                    .counters
                    .probes_answered
                    .fetch_add(1, Ordering::Relaxed);
            }
        });
    }
}

pub(crate) fn instance_id() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_secs())
}

/// Runs the responders of one address (sharing one socket) until the task is aborted: every probe goes to each
/// of them (each answers with its own ProbeMatch), Hello at start, Bye/Hello around each device's reboots.
pub(crate) async fn serve(group: Vec<Arc<Responder>>) {
    let Some(first) = group.first() else { return };
    let socket = first.socket.clone();
    let mut watchers = Vec::with_capacity(group.len());
    for r in &group {
        r.announce(true).await;
        watchers.push(AbortOnDrop(tokio::spawn(watch_reboots(r.clone()))));
    }
    loop {
        if socket.readable().await.is_err() {
            return;
        }
        // Allocated per datagram, so an idle site of thousands of devices holds no buffers.
        let mut buf = vec![0u8; MAX_DATAGRAM];
        match socket.try_recv_from(&mut buf) {
            Ok((n, from)) => {
                for r in &group {
                    r.on_datagram(&buf[..n], from).await;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);
impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Bye when the device goes down for a reboot, Hello when it is back.
async fn watch_reboots(r: Arc<Responder>) {
    let mut reboot_rx = r.dev.reboot_tx.subscribe();
    while reboot_rx.changed().await.is_ok() {
        r.announce(false).await;
        let until = r.dev.state().rebooting_until;
        let me = r.clone();
        tokio::spawn(async move {
            if let Some(t) = until {
                tokio::time::sleep_until(t.into()).await;
            }
            me.announce(true).await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(types: &str, scopes: &str) -> Element {
        let doc = format!(
            r#"<s:Envelope xmlns:s="x" xmlns:d="y"><s:Body><d:Probe><d:Types>{types}</d:Types><d:Scopes>{scopes}</d:Scopes></d:Probe></s:Body></s:Envelope>"#
        );
        parse(doc.as_bytes())
            .unwrap()
            .path(&["Body", "Probe"])
            .unwrap()
            .clone()
    }

    #[test]
    fn types_and_scopes_match_like_rfc3986_prefixes() {
        let scopes = vec![
            "onvif://www.onvif.org/type/camera".to_string(),
            "onvif://www.onvif.org/name/cam-1".into(),
        ];
        let t = "dn:NetworkVideoTransmitter tds:Device";
        assert!(probe_matches(
            &probe("dn:NetworkVideoTransmitter", ""),
            t,
            &scopes
        ));
        assert!(probe_matches(
            &probe("", "onvif://www.onvif.org/type"),
            t,
            &scopes
        ));
        assert!(probe_matches(
            &probe("", "onvif://www.onvif.org/type/camera"),
            t,
            &scopes
        ));
        assert!(!probe_matches(
            &probe("", "onvif://www.onvif.org/type/cam"),
            t,
            &scopes
        ));
        assert!(!probe_matches(
            &probe("tds:Device", "onvif://www.onvif.org/type/intercom"),
            t,
            &scopes
        ));
        assert!(!probe_matches(
            &probe("tac:AccessController", ""),
            t,
            &scopes
        ));
    }
}
