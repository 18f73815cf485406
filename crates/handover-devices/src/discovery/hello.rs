//! Listening for WS-Discovery Hello and Bye while the app is open: a socket on the discovery port (with
//! address reuse, so several listeners can coexist), joined to the multicast group on the chosen
//! interfaces, streaming announcements to a callback until cancelled. With no interfaces to join it
//! only hears unicast announcements (what tests use in the root namespace).

use std::net::{Ipv4Addr, SocketAddr};

use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::UdpSocket;
use tokio_util::sync::CancellationToken;

use crate::discovery::wsd::{self, Message};
use crate::discovery::{Method, Sighting};
use crate::error::{Error, Result};

/// An announcement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Announcement {
    /// A device joined (or came back from a reboot).
    Hello(Sighting),
    /// A device is leaving.
    Bye {
        /// Its endpoint reference.
        endpoint: String,
        /// Where the Bye came from.
        from: SocketAddr,
    },
}

/// Where to listen.
#[derive(Debug, Clone)]
pub struct HelloOptions {
    /// Local address and port (0.0.0.0:3702 for real use).
    pub bind: SocketAddr,
    /// Interface addresses to join 239.255.255.250 on.
    pub join: Vec<Ipv4Addr>,
}

/// A bound listener (bind first, to learn the port, then run).
#[derive(Debug)]
pub struct HelloListener {
    sock: UdpSocket,
}

impl HelloListener {
    /// Binds and joins.
    pub fn bind(opts: &HelloOptions) -> Result<Self> {
        let ctx = |what: &str| format!("{what} for Hello/Bye on {}", opts.bind);
        let s = Socket::new(
            Domain::for_address(opts.bind),
            Type::DGRAM,
            Some(Protocol::UDP),
        )
        .map_err(|e| Error::io(ctx("socket"), e))?;
        s.set_reuse_address(true)
            .map_err(|e| Error::io(ctx("reuse"), e))?;
        s.set_nonblocking(true)
            .map_err(|e| Error::io(ctx("non-blocking"), e))?;
        s.bind(&opts.bind.into())
            .map_err(|e| Error::io(ctx("bind"), e))?;
        for iface in &opts.join {
            s.join_multicast_v4(&wsd::MULTICAST_V4, iface)
                .map_err(|e| Error::io(ctx("joining the group"), e))?;
        }
        let sock = UdpSocket::from_std(s.into()).map_err(|e| Error::io(ctx("registering"), e))?;
        Ok(HelloListener { sock })
    }

    /// The bound address.
    pub fn local_addr(&self) -> Result<SocketAddr> {
        self.sock
            .local_addr()
            .map_err(|e| Error::io("local address of the Hello listener", e))
    }

    /// Streams announcements to `on_event` until `cancel`; hostile datagrams are skipped (and counted).
    pub async fn run<F>(self, cancel: &CancellationToken, mut on_event: F) -> u64
    where
        F: FnMut(Announcement),
    {
        let mut buf = vec![0u8; 65_536];
        let mut refused = 0;
        loop {
            tokio::select! {
                _ = cancel.cancelled() => return refused,
                r = self.sock.recv_from(&mut buf) => {
                    let Ok((n, from)) = r else { continue };
                    match wsd::parse(&buf[..n]) {
                        Ok(Message::Hello(e)) => on_event(Announcement::Hello(Sighting::from_endpoint(e, from, Method::Hello))),
                        Ok(Message::Bye { reference }) => on_event(Announcement::Bye { endpoint: reference, from }),
                        Ok(_) => {}
                        Err(_) => refused += 1,
                    }
                }
            }
        }
    }
}
