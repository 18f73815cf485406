//! Hearing devices while a project is open: WS-Discovery Hello and Bye on the chosen interfaces (the
//! multicast group joined on each), each Hello recorded into the project by the same merge rules as
//! discovery (endpoint reference, MAC, serial), each Bye noted in the audit log. Nothing is ever sent by
//! the listener itself; joining the group makes the OS send an IGMP membership report, so tests and the
//! desktop app's end-to-end walk listen on a unicast loopback address instead ([`ListenOn::Unicast`]).
//!
//! Front ends hold the session behind their own lock, so listening is two halves: [`Listener::run`] streams
//! announcements to a callback (no project access), and [`Session::record_announcement`] applies one. A
//! front end that owns the session for the whole time can use [`Session::listen`], which does both.
//!
//! Announcements are unauthenticated UDP: each source gets a small share and new devices a shared one
//! ([`limit`]); what is refused is summed into one audit entry per source and minute
//! (`announcements.limited`), written as windows close and by [`Session::flush_announcements`].

pub mod limit;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Instant;

use handover_devices::discovery::hello::{Announcement, HelloListener, HelloOptions};
use handover_devices::discovery::wsd;
use handover_model::{DeviceId, DiscoveryMethod};
use handover_store::devices::{Change, Sighting};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result};
use crate::facts;
use crate::session::Session;

/// Where to listen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenOn {
    /// The WS-Discovery group (239.255.255.250) joined on these interfaces (empty: every usable one),
    /// on the WS-Discovery port.
    Interfaces(Vec<String>),
    /// Only datagrams sent to this address; no group is joined and nothing leaves the machine.
    Unicast(SocketAddr),
}

/// A bound listener: the socket is open and the group joined, nothing heard yet.
#[derive(Debug)]
pub struct Listener {
    inner: HelloListener,
    interfaces: Vec<String>,
}

impl Listener {
    /// Binds (with address reuse, so discovery and other listeners can share the port) and joins.
    pub fn bind(on: &ListenOn) -> Result<Self> {
        let (opts, interfaces) = match on {
            ListenOn::Unicast(addr) => (
                HelloOptions {
                    bind: *addr,
                    join: Vec::new(),
                },
                Vec::new(),
            ),
            ListenOn::Interfaces(names) => {
                let chosen: Vec<_> = handover_devices::interfaces::usable()?
                    .into_iter()
                    .filter(|i| names.is_empty() || names.contains(&i.name))
                    .collect();
                if let Some(missing) = names.iter().find(|n| !chosen.iter().any(|i| &i.name == *n))
                {
                    return Err(Error::Invalid(format!(
                        "there is no usable network interface {missing:?} to listen on"
                    )));
                }
                if chosen.is_empty() {
                    return Err(Error::Invalid(
                        "no usable network interface to listen on: connect the laptop to the site network"
                            .into(),
                    ));
                }
                (
                    HelloOptions {
                        bind: SocketAddr::from((Ipv4Addr::UNSPECIFIED, wsd::PORT)),
                        join: chosen.iter().map(|i| i.ipv4).collect(),
                    },
                    chosen.into_iter().map(|i| i.name).collect(),
                )
            }
        };
        let inner = HelloListener::bind(&opts)?;
        // A unicast listener is named by the address it got (the port, when 0 was asked for).
        let interfaces = match on {
            ListenOn::Unicast(_) => vec![inner.local_addr()?.to_string()],
            ListenOn::Interfaces(_) => interfaces,
        };
        Ok(Self { inner, interfaces })
    }

    /// The interfaces joined (or, for a unicast listener, the address it is bound to), for people.
    pub fn interfaces(&self) -> &[String] {
        &self.interfaces
    }

    /// The bound address.
    pub fn local_addr(&self) -> Result<SocketAddr> {
        Ok(self.inner.local_addr()?)
    }

    /// Streams announcements to `on_heard` until `cancel`. Returns how many datagrams were refused as
    /// malformed or hostile.
    pub async fn run<F>(self, cancel: &CancellationToken, on_heard: F) -> u64
    where
        F: FnMut(Announcement),
    {
        self.inner.run(cancel, on_heard).await
    }
}

/// What a recorded Hello did to the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HelloChange {
    /// A device the project did not know.
    New,
    /// A known device at its known address.
    Seen,
    /// A known device at a new address.
    Moved,
    /// Another address claims to be a known device in custody: the device did not move; the claim waits for
    /// proof (the next `discover`).
    Claimed,
}

/// One announcement as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Heard {
    /// A device said Hello (joined the network or came back from a reboot).
    Hello {
        /// The device in the project.
        device: DeviceId,
        /// Where it is.
        address: IpAddr,
        /// What recording it changed.
        change: HelloChange,
        /// Where it was, when it moved.
        moved_from: Option<IpAddr>,
    },
    /// A device said Bye (shutting down or rebooting).
    Bye {
        /// The device, when the project knows its endpoint reference.
        device: Option<DeviceId>,
        /// Its endpoint reference.
        endpoint: String,
        /// Where the Bye came from.
        address: IpAddr,
    },
    /// Not recorded: the source sent more than its share, or too many new devices were announced at once.
    /// Counted into the next `announcements.limited` audit entry.
    Limited {
        /// Where it came from.
        address: IpAddr,
        /// The first refusal from this source in the current window (front ends say so once).
        first: bool,
    },
}

impl Session {
    /// Records one announcement: a Hello as a sighting (merged with the device it is, by endpoint
    /// reference, MAC or serial), a Bye as an audit entry about the device it names.
    pub fn record_announcement(&self, a: &Announcement) -> Result<Heard> {
        self.record_announcement_at(a, Instant::now())
    }

    /// [`Session::record_announcement`] at a given moment (for tests of the rate limits).
    #[doc(hidden)]
    pub fn record_announcement_at(&self, a: &Announcement, now: Instant) -> Result<Heard> {
        self.flush_due_announcements(now, false)?;
        let sighting = match a {
            Announcement::Hello(seen) => {
                let (identity, facts) = facts::from_sighting(seen);
                let role = facts::role_from(&seen.scopes, &seen.types);
                Some(Sighting {
                    identity,
                    address: Some(seen.address),
                    method: Some(DiscoveryMethod::Hello),
                    facts,
                    role,
                    device: None,
                })
            }
            Announcement::Bye { .. } => None,
        };
        let source = match a {
            Announcement::Hello(seen) => seen.address,
            Announcement::Bye { from, .. } => from.ip(),
        };
        let new_device = match &sighting {
            Some(s) => !self.project().knows(s)?,
            None => false,
        };
        let admitted = self
            .announcements
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get_or_insert_with(|| limit::Limiter::new(now))
            .admit(source, new_device, now);
        if let Err(denied) = admitted {
            return Ok(Heard::Limited {
                address: source,
                first: denied.first,
            });
        }
        match (a, sighting) {
            (Announcement::Hello(_), Some(sighting)) => {
                let (device, change) = self.record_sighting(sighting)?;
                let (change, moved_from) = match change {
                    Change::New => (HelloChange::New, None),
                    Change::Seen => (HelloChange::Seen, None),
                    Change::Moved { from } => (HelloChange::Moved, Some(from)),
                    Change::Claimed { .. } => (HelloChange::Claimed, None),
                };
                Ok(Heard::Hello {
                    device: device.id,
                    address: device.address,
                    change,
                    moved_from,
                })
            }
            (Announcement::Bye { endpoint, from }, _) => {
                let device = self
                    .project()
                    .devices()?
                    .into_iter()
                    .find(|d| d.identity.endpoint_ref.as_deref() == Some(endpoint.as_str()))
                    .map(|d| d.id);
                let actor = self.actor().clone();
                let subject = device.map_or_else(|| endpoint.clone(), |d| d.to_string());
                self.project_mut().record(
                    &actor,
                    "device.bye",
                    &subject,
                    serde_json::json!({ "endpoint": endpoint, "address": from.ip().to_string() }),
                )?;
                Ok(Heard::Bye {
                    device,
                    endpoint: endpoint.clone(),
                    address: from.ip(),
                })
            }
            (Announcement::Hello(_), None) => unreachable!("a Hello always makes a sighting"),
        }
    }

    /// Writes the summaries of refused announcements whose window has closed (every one when `all`):
    /// one `announcements.limited` audit entry per source, or one for a flood of new devices.
    fn flush_due_announcements(&self, now: Instant, all: bool) -> Result<()> {
        let due = match self
            .announcements
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_mut()
        {
            Some(limiter) => limiter.due(now, all),
            None => return Ok(()),
        };
        let actor = self.actor().clone();
        for s in due {
            let (subject, why) = match s.from {
                limit::From::Source(ip) => (
                    ip.to_string(),
                    "this address sent more announcements than any device does",
                ),
                limit::From::OtherSources => (
                    "many addresses".to_owned(),
                    "more addresses than can be counted one by one sent too many announcements",
                ),
                limit::From::NewDevices => (
                    "new devices".to_owned(),
                    "more new devices were announced at once than a site powers up",
                ),
            };
            self.project_mut().record(
                &actor,
                "announcements.limited",
                &subject,
                serde_json::json!({
                    "ignored": s.refused.count,
                    "over_seconds": now.saturating_duration_since(s.refused.since).as_secs(),
                    "why": why,
                }),
            )?;
        }
        Ok(())
    }

    /// Writes every pending summary of refused announcements; front ends call it when listening stops.
    pub fn flush_announcements(&self) -> Result<()> {
        self.flush_due_announcements(Instant::now(), true)
    }

    /// Listens until `cancel`, recording every announcement into this project and passing what it did to
    /// `on_heard` (a failed write is passed on too; listening goes on). For front ends that hold the
    /// session for the whole time; the desktop app uses [`Listener::run`] and
    /// [`Session::record_announcement`] around its own lock.
    pub async fn listen<F>(
        &self,
        listener: Listener,
        cancel: &CancellationToken,
        mut on_heard: F,
    ) -> u64
    where
        F: FnMut(Result<Heard>),
    {
        let refused = listener
            .run(cancel, |a| on_heard(self.record_announcement(&a)))
            .await;
        if let Err(e) = self.flush_announcements() {
            on_heard(Err(e));
        }
        refused
    }
}
