//! Bringing a whole simulated site up: every device's HTTP listener and WS-Discovery socket (on its own
//! loopback address, or its own ports on one address), the optional multicast listener (network
//! namespaces only), the SNMP switch and the status endpoint, all on the caller's tokio runtime. Devices that
//! offer HTTPS also get an HTTPS listener (HTTP port + 363, so 8080 -> 8443; see `bind_https`), all
//! sharing one self-signed site certificate made at spawn.
//! `SimSite` owns the tasks: dropping it stops everything.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use tokio::net::{TcpListener, UdpSocket};
use tokio::task::JoinHandle;

use crate::device::{Device, DeviceConfig, DeviceHandle, Endpoints};
use crate::error::{Error, Result};
use crate::http::Scheme;
use crate::manifest::{SiteManifest, SwitchSpec};
use crate::tls::{self, SiteTls};
use crate::wsdiscovery::{self, DiscoveryOptions, Responder};
use crate::{http, multicast, snmp, status};

/// Where devices listen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Addressing {
    /// Each device on its own manifest address (127.x.y.z), HTTP and WS-Discovery on these ports
    /// (0 = an ephemeral port per device; XAddrs carry the real port).
    PerDevice {
        /// HTTP port (default 8080).
        http_port: u16,
        /// WS-Discovery UDP port (default 3702).
        discovery_port: u16,
    },
    /// Every device on one address, device i on `base + i` (a base of 0 = ephemeral ports), for
    /// systems where only 127.0.0.1 exists.
    SingleAddress {
        /// The shared address.
        address: Ipv4Addr,
        /// HTTP port of the first device.
        http_base_port: u16,
        /// WS-Discovery port of the first device.
        discovery_base_port: u16,
    },
}

/// How to run a manifest.
#[derive(Debug, Clone)]
pub struct SpawnOptions {
    /// Addresses and ports.
    pub addressing: Addressing,
    /// Run a WS-Discovery responder per device.
    pub discovery: bool,
    /// WS-Discovery timing and announcements.
    pub discovery_options: DiscoveryOptions,
    /// Overrides the switch's SNMP port from the manifest (0 = ephemeral).
    pub switch_port: Option<u16>,
    /// Status endpoint address (HTTP JSON); None disables it.
    pub status: Option<SocketAddr>,
    /// Network interface to join 239.255.255.250 on (only inside a network namespace).
    pub multicast_interface: Option<String>,
}

impl Default for SpawnOptions {
    /// The demo's defaults: own addresses, HTTP 8080, WS-Discovery 3702, status on 127.0.0.1:18080.
    fn default() -> Self {
        SpawnOptions {
            addressing: Addressing::PerDevice {
                http_port: 8080,
                discovery_port: wsdiscovery::PORT,
            },
            discovery: true,
            discovery_options: DiscoveryOptions::default(),
            switch_port: None,
            status: Some(SocketAddr::from(([127, 0, 0, 1], 18080))),
            multicast_interface: None,
        }
    }
}

impl SpawnOptions {
    /// Own addresses, but every port ephemeral (tests running in parallel never collide).
    pub fn ephemeral() -> Self {
        SpawnOptions {
            addressing: Addressing::PerDevice {
                http_port: 0,
                discovery_port: 0,
            },
            switch_port: Some(0),
            status: Some(SocketAddr::from(([127, 0, 0, 1], 0))),
            ..SpawnOptions::default()
        }
    }

    /// Everything on 127.0.0.1 with ephemeral ports.
    pub fn single_address() -> Self {
        SpawnOptions {
            addressing: Addressing::SingleAddress {
                address: Ipv4Addr::LOCALHOST,
                http_base_port: 0,
                discovery_base_port: 0,
            },
            ..SpawnOptions::ephemeral()
        }
    }
}

/// A running simulated site.
pub struct SimSite {
    manifest: SiteManifest,
    devices: Vec<DeviceHandle>,
    switch: Option<(SocketAddr, SwitchSpec, Arc<async_snmp::agent::Agent>)>,
    status: Option<SocketAddr>,
    tls: Option<SiteTls>,
    tasks: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for SimSite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimSite")
            .field("site", &self.manifest.site.name)
            .field("devices", &self.devices.len())
            .field("switch", &self.switch.as_ref().map(|s| s.0))
            .field("status", &self.status)
            .finish()
    }
}

/// A fixed port moved up by a device's `port_offset` (an ephemeral port stays ephemeral).
fn offset_by(port: u16, offset: u16) -> u16 {
    if port == 0 {
        0
    } else {
        port.saturating_add(offset)
    }
}

fn ports_for(
    addressing: &Addressing,
    ip: Ipv4Addr,
    index: usize,
    port_offset: u16,
) -> (SocketAddr, SocketAddr) {
    let offset = |base: u16| {
        if base == 0 {
            0
        } else {
            base.saturating_add(index as u16)
        }
    };
    match addressing {
        Addressing::PerDevice {
            http_port,
            discovery_port,
        } => (
            SocketAddr::from((ip, offset_by(*http_port, port_offset))),
            SocketAddr::from((ip, *discovery_port)),
        ),
        Addressing::SingleAddress {
            address,
            http_base_port,
            discovery_base_port,
        } => (
            SocketAddr::from((*address, offset(*http_base_port))),
            SocketAddr::from((*address, offset(*discovery_base_port))),
        ),
    }
}

/// Binds a device's HTTPS listener. A fixed HTTP port gets HTTP + 363 (8080 -> 8443) on its own address, or
/// `base + devices + index` on a shared one; an ephemeral HTTP port gets the port just above the one the kernel
/// gave (bind(0) hands out even ports, so that one is nearly always free, and thousands more ephemeral binds
/// on one address would cost seconds), else any free port.
async fn bind_https(
    addressing: &Addressing,
    http: SocketAddr,
    index: usize,
    devices: usize,
) -> Result<TcpListener> {
    let fixed = match addressing {
        Addressing::PerDevice { http_port: 0, .. }
        | Addressing::SingleAddress {
            http_base_port: 0, ..
        } => None,
        Addressing::PerDevice { .. } => Some(http.port().saturating_add(363)),
        Addressing::SingleAddress { http_base_port, .. } => u16::try_from(devices + index)
            .ok()
            .and_then(|n| http_base_port.checked_add(n)),
    };
    let at = |port: u16| SocketAddr::from((http.ip(), port));
    if let Some(port) = fixed {
        return TcpListener::bind(at(port))
            .await
            .map_err(|source| Error::Bind {
                addr: at(port),
                source,
            });
    }
    if let Some(next) = http.port().checked_add(1)
        && let Ok(l) = TcpListener::bind(at(next)).await
    {
        return Ok(l);
    }
    TcpListener::bind(at(0))
        .await
        .map_err(|source| Error::Bind {
            addr: at(0),
            source,
        })
}

/// Raises the open-file limit to fit `devices` (up to three sockets each, plus connections).
fn raise_nofile(devices: usize) {
    let want = (devices as u64) * 4 + 1024;
    if let Ok((soft, hard)) = rlimit::Resource::NOFILE.get()
        && soft < want
    {
        let _ = rlimit::Resource::NOFILE.set(want.min(hard), hard);
    }
}

impl SimSite {
    /// Starts every device, the switch and the status endpoint.
    pub async fn spawn(manifest: SiteManifest, opts: SpawnOptions) -> Result<SimSite> {
        manifest.validate()?;
        raise_nofile(manifest.devices.len());
        let dopts = Arc::new(opts.discovery_options.clone());
        let instance_id = wsdiscovery::instance_id();
        let mut site = SimSite {
            devices: Vec::with_capacity(manifest.devices.len()),
            switch: None,
            status: None,
            tls: None,
            tasks: Vec::with_capacity(manifest.devices.len() * 2 + 3),
            manifest,
        };
        let https_ips: Vec<std::net::IpAddr> = site
            .manifest
            .devices
            .iter()
            .enumerate()
            .filter(|(_, d)| d.https)
            .map(|(i, d)| {
                ports_for(&opts.addressing, d.address, i, d.port_offset)
                    .0
                    .ip()
            })
            .collect();
        if !https_ips.is_empty() {
            site.tls = Some(tls::site_tls(&https_ips)?);
        }
        let mut responders = Vec::new();
        let mut groups: Vec<(SocketAddr, Vec<Arc<Responder>>)> = Vec::new();
        for (i, spec) in site.manifest.devices.iter().enumerate() {
            let cfg = DeviceConfig::resolve(&site.manifest, i);
            let dev = Device::new(cfg, spec);
            let (http_addr, disc_addr) =
                ports_for(&opts.addressing, spec.address, i, spec.port_offset);
            let listener = TcpListener::bind(http_addr)
                .await
                .map_err(|source| Error::Bind {
                    addr: http_addr,
                    source,
                })?;
            let http_addr = listener.local_addr()?;
            let mut discovery = None;
            let mut socket = None;
            if opts.discovery {
                // Devices on one address share its WS-Discovery socket (an ephemeral port is never shared).
                let shared = (disc_addr.port() != 0)
                    .then(|| groups.iter().position(|(a, _)| *a == disc_addr))
                    .flatten();
                let s = match shared {
                    Some(g) => groups[g].1[0].socket.clone(),
                    None => Arc::new(UdpSocket::bind(disc_addr).await.map_err(|source| {
                        Error::Bind {
                            addr: disc_addr,
                            source,
                        }
                    })?),
                };
                discovery = Some(s.local_addr()?);
                socket = Some((s, shared));
            }
            let mut https = None;
            if let (true, Some(tls)) = (spec.https, &site.tls) {
                let l =
                    bind_https(&opts.addressing, http_addr, i, site.manifest.devices.len()).await?;
                let bound = l.local_addr()?;
                dev.set_protocol_port("HTTPS", bound.port());
                https = Some(bound);
                site.tasks.push(tokio::spawn(http::serve(
                    dev.clone(),
                    l,
                    bound,
                    Scheme::Https(tls.clone()),
                )));
            }
            let _ = dev.endpoints.set(Endpoints {
                http: http_addr,
                discovery,
                https,
            });
            site.tasks.push(tokio::spawn(http::serve(
                dev.clone(),
                listener,
                http_addr,
                Scheme::Http,
            )));
            if let Some((socket, shared)) = socket {
                let r = Arc::new(Responder {
                    dev: dev.clone(),
                    socket,
                    opts: dopts.clone(),
                    instance_id,
                    message_number: AtomicU64::new(0),
                    seen_ids: std::sync::Mutex::new(std::collections::VecDeque::new()),
                });
                match shared {
                    Some(g) => groups[g].1.push(r.clone()),
                    None => groups.push((disc_addr, vec![r.clone()])),
                }
                responders.push(r);
            }
            site.devices.push(DeviceHandle(dev));
        }
        for (_, group) in groups {
            site.tasks.push(tokio::spawn(wsdiscovery::serve(group)));
        }
        if let Some(iface) = &opts.multicast_interface {
            let task = multicast::spawn(iface, responders)?;
            site.tasks.push(task);
        }
        if let Some(sw) = site.manifest.switch.clone() {
            let ports: Vec<_> = site
                .devices
                .iter()
                .map(|d| (d.0.cfg.switch_port, d.0.cfg.port_vlan, d.0.cfg.mac))
                .collect();
            let table = snmp::build_table(&site.manifest, &sw, &ports);
            let ip = match opts.addressing {
                Addressing::SingleAddress { address, .. } => address,
                Addressing::PerDevice { .. } => sw.address,
            };
            let bind = SocketAddr::from((ip, opts.switch_port.unwrap_or(sw.port)));
            let running = snmp::spawn(table, &sw, bind).await?;
            site.switch = Some((running.addr, sw, running.agent));
        }
        if let Some(addr) = opts.status {
            let (bound, task) =
                status::spawn(addr, site.devices.clone(), site.manifest.site.name.clone()).await?;
            site.status = Some(bound);
            site.tasks.push(task);
        }
        Ok(site)
    }

    /// The manifest this site runs.
    pub fn manifest(&self) -> &SiteManifest {
        &self.manifest
    }
    /// Every device, in manifest order.
    pub fn devices(&self) -> &[DeviceHandle] {
        &self.devices
    }
    /// A device by name.
    pub fn device(&self, name: &str) -> Option<&DeviceHandle> {
        self.devices.iter().find(|d| d.name() == name)
    }
    /// The switch's SNMP address.
    pub fn switch_addr(&self) -> Option<SocketAddr> {
        self.switch.as_ref().map(|s| s.0)
    }
    /// The switch's settings (community, v3 user and passphrases).
    pub fn switch_spec(&self) -> Option<&SwitchSpec> {
        self.switch.as_ref().map(|s| &s.1)
    }
    /// SHA-256 of the site's self-signed HTTPS certificate (`AB:CD:...`), when some device offers HTTPS.
    pub fn tls_fingerprint(&self) -> Option<&str> {
        self.tls.as_ref().map(|t| t.fingerprint.as_str())
    }

    /// SHA-256 of the other certificate devices with `tls_certificate_replaced` present.
    pub fn replaced_tls_fingerprint(&self) -> Option<&str> {
        self.tls.as_ref().map(|t| t.replaced_fingerprint.as_str())
    }
    /// The status endpoint's address.
    pub fn status_addr(&self) -> Option<SocketAddr> {
        self.status
    }
    /// Stops everything.
    pub fn shutdown(self) {
        drop(self);
    }

    /// A human-readable listing of every address (what the binary prints).
    pub fn describe(&self) -> String {
        use std::fmt::Write as _;
        let mut s = format!(
            "Simulated site: {} ({} devices)\n",
            self.manifest.site.name,
            self.devices.len()
        );
        if let Some(a) = self.status {
            let _ = writeln!(s, "status endpoint: http://{a}/status");
        }
        if let Some((a, sw, _)) = &self.switch {
            let _ = writeln!(
                s,
                "switch {}: SNMP {a} (v2c community {:?}; v3 user {:?} authPriv SHA-256/AES-128)",
                sw.name, sw.community, sw.v3_user
            );
        }
        for d in &self.devices {
            let disc = d
                .discovery_addr()
                .map_or_else(|| "-".to_string(), |a| a.to_string());
            let _ = writeln!(
                s,
                "{:<20} {:<10} {:<15} {:<40} ws-discovery {:<22} mac {}",
                d.name(),
                d.vendor().key(),
                d.role().as_str(),
                d.xaddr(),
                disc,
                d.mac()
            );
        }
        s
    }
}

impl Drop for SimSite {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
        if let Some((_, _, agent)) = &self.switch {
            agent.cancel();
        }
    }
}

/// Runs a manifest until Ctrl-C, printing every address first (what the `handover-sim` binary runs).
pub async fn run_until_ctrl_c(manifest: SiteManifest, opts: SpawnOptions) -> Result<()> {
    let site = SimSite::spawn(manifest, opts).await?;
    println!("{}", site.describe());
    println!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c().await?;
    site.shutdown();
    Ok(())
}
