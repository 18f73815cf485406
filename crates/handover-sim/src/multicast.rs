//! The site-wide multicast WS-Discovery listener, for runs inside a network namespace: one socket bound
//! to 239.255.255.250:3702 on a given interface (SO_BINDTODEVICE, joined there) hands each Probe to
//! every device's responder, which answers by unicast from its own socket. Never used from the root
//! namespace by tests: multicast sent there would leave the machine.

use std::net::SocketAddr;
use std::sync::Arc;

use socket2::{Domain, InterfaceIndexOrAddress, Protocol, Socket, Type};
use tokio::net::UdpSocket;
use tokio::task::JoinHandle;

use crate::error::{Error, Result};
use crate::wsdiscovery::{MULTICAST_GROUP, PORT, Responder};

fn ifindex(iface: &str) -> std::io::Result<u32> {
    let text = std::fs::read_to_string(format!("/sys/class/net/{iface}/ifindex"))?;
    text.trim()
        .parse()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

/// Binds the multicast listener on `iface` and starts fanning probes out to `responders`.
pub(crate) fn spawn(iface: &str, responders: Vec<Arc<Responder>>) -> Result<JoinHandle<()>> {
    let addr = SocketAddr::from((MULTICAST_GROUP, PORT));
    let bind_err = |source| Error::Bind { addr, source };
    let sock = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
    sock.set_reuse_address(true)?;
    sock.bind_device(Some(iface.as_bytes())).map_err(bind_err)?;
    sock.bind(&addr.into()).map_err(bind_err)?;
    sock.join_multicast_v4_n(
        &MULTICAST_GROUP,
        &InterfaceIndexOrAddress::Index(ifindex(iface)?),
    )
    .map_err(bind_err)?;
    sock.set_nonblocking(true)?;
    let udp = UdpSocket::from_std(sock.into())?;
    Ok(tokio::spawn(async move {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let Ok((n, from)) = udp.recv_from(&mut buf).await else {
                continue;
            };
            for r in &responders {
                r.on_datagram(&buf[..n], from).await;
            }
        }
    }))
}
