//! One simulated device: its fixed identity (`DeviceConfig`, resolved from the manifest and the vendor
//! personality), its mutable state (users, clock, network settings, lockouts, seen nonces), its counters,
//! and `DeviceHandle`, the observable face tests and the status endpoint use. No sockets here: the HTTP
//! and discovery servers (http.rs, wsdiscovery.rs) drive this state.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use serde::Serialize;
use sha1::Digest as _;
use tokio::sync::watch;

use crate::faults::FaultSpec;
use crate::manifest::{DeviceCondition, DeviceSpec, Role, SiteManifest, parse_mac};
use crate::personality::{FirstSetup, LockoutPolicy, Personality, Vendor};

/// ONVIF user levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UserLevel {
    /// Full access.
    Administrator,
    /// Operator.
    Operator,
    /// Viewer.
    User,
}

impl UserLevel {
    /// ONVIF spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            UserLevel::Administrator => "Administrator",
            UserLevel::Operator => "Operator",
            UserLevel::User => "User",
        }
    }

    /// Parses the ONVIF spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Administrator" => Some(UserLevel::Administrator),
            "Operator" => Some(UserLevel::Operator),
            "User" => Some(UserLevel::User),
            _ => None,
        }
    }
}

/// One account on the device.
#[derive(Debug, Clone)]
pub struct User {
    /// User name.
    pub username: String,
    /// Current password (the simulator keeps it to verify digests, as devices do).
    pub password: String,
    /// Level.
    pub level: UserLevel,
    /// True for accounts that existed before ONVIF touched the device (made in the web UI).
    pub preexisting: bool,
}

/// Fixed facts about a device, resolved once at spawn.
#[derive(Debug)]
pub struct DeviceConfig {
    /// Name (hostname, `name` scope).
    pub name: String,
    /// Vendor.
    pub vendor: Vendor,
    /// Vendor data.
    pub personality: &'static Personality,
    /// Role.
    pub role: Role,
    /// Model.
    pub model: String,
    /// Firmware.
    pub firmware: String,
    /// Serial number.
    pub serial: String,
    /// MAC address.
    pub mac: [u8; 6],
    /// IPv4 address.
    pub address: Ipv4Addr,
    /// Prefix length of its subnet.
    pub prefix_len: u8,
    /// Gateway.
    pub gateway: Option<Ipv4Addr>,
    /// DNS server.
    pub dns: Option<Ipv4Addr>,
    /// The VLAN's NTP server.
    pub ntp: Option<Ipv4Addr>,
    /// Location scope.
    pub location: String,
    /// WS-Addressing endpoint reference (`urn:uuid:...`).
    pub endpoint: String,
    /// How long a reboot takes.
    pub reboot_duration: Duration,
    /// Lockout policy in effect.
    pub lockout: LockoutPolicy,
    /// Switch port and its VLAN (PVID), when the site has a switch.
    pub switch_port: u16,
    /// VLAN of the switch port.
    pub port_vlan: Option<u16>,
    /// Random per-device secret for HTTP Digest nonces.
    pub nonce_secret: [u8; 16],
}

impl DeviceConfig {
    /// Resolves device `index` of a manifest.
    pub fn resolve(manifest: &SiteManifest, index: usize) -> Self {
        let spec = &manifest.devices[index];
        let p = spec.vendor.personality();
        let n = index as u32 + 1;
        let mac = spec.mac.as_deref().and_then(parse_mac).unwrap_or([
            p.oui[0],
            p.oui[1],
            p.oui[2],
            (n >> 16) as u8,
            (n >> 8) as u8,
            n as u8,
        ]);
        let vlan = manifest.vlan_of(spec.address);
        let lockout = match spec.lockout_ms {
            Some(ms) => p.lockout.with_duration(Duration::from_millis(ms)),
            None => p.lockout,
        };
        let h = sha1::Sha1::digest(format!("{}|{}", spec.name, hex::encode(mac)).as_bytes());
        let endpoint = format!(
            "urn:uuid:{}-{}-{}-{}-{}",
            hex::encode(&h[0..4]),
            hex::encode(&h[4..6]),
            hex::encode(&h[6..8]),
            hex::encode(&h[8..10]),
            hex::encode(&h[10..16])
        );
        DeviceConfig {
            name: spec.name.clone(),
            vendor: spec.vendor,
            personality: p,
            role: spec.role,
            model: spec.effective_model().to_string(),
            firmware: spec.effective_firmware(),
            serial: spec.serial.clone().unwrap_or_else(|| {
                format!(
                    "{}{}",
                    &p.key[..2].to_uppercase(),
                    hex::encode_upper(&mac[3..])
                )
            }),
            mac,
            address: spec.address,
            prefix_len: vlan.map_or(24, |v| v.subnet.prefix_len()),
            gateway: vlan.map(|v| v.gateway),
            dns: vlan.map(|v| v.dns),
            ntp: vlan.map(|v| v.ntp),
            location: spec
                .location
                .clone()
                .or_else(|| manifest.site.location.clone())
                .unwrap_or_else(|| "site".into()),
            endpoint,
            reboot_duration: Duration::from_millis(spec.reboot_ms.unwrap_or(20_000)),
            lockout,
            switch_port: spec.switch_port.unwrap_or(n as u16),
            port_vlan: spec.port_vlan.or(vlan.map(|v| v.id)),
            nonce_secret: rand::random(),
        }
    }

    /// The MAC as `aa:bb:cc:dd:ee:ff`.
    pub fn mac_string(&self) -> String {
        self.mac
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    }

    /// ONVIF scopes, including the role convention `onvif://www.onvif.org/type/<role>`.
    pub fn scopes(&self) -> Vec<String> {
        let enc = |s: &str| s.replace(' ', "%20");
        let mut v = vec![
            "onvif://www.onvif.org/type/Network_Video_Transmitter".to_string(),
            format!("onvif://www.onvif.org/type/{}", self.role.as_str()),
            "onvif://www.onvif.org/Profile/Streaming".to_string(),
            format!("onvif://www.onvif.org/hardware/{}", enc(&self.model)),
            format!("onvif://www.onvif.org/name/{}", enc(&self.name)),
            format!("onvif://www.onvif.org/location/{}", enc(&self.location)),
            format!(
                "onvif://www.onvif.org/manufacturer/{}",
                enc(self.personality.manufacturer)
            ),
        ];
        if matches!(self.role, Role::AccessControl) {
            v.retain(|s| {
                !s.ends_with("Network_Video_Transmitter") && !s.ends_with("Profile/Streaming")
            });
            v.push("onvif://www.onvif.org/Profile/C".into());
        }
        v
    }

    /// WS-Discovery types.
    pub fn types(&self) -> &'static str {
        match self.role {
            Role::AccessControl => "tds:Device",
            _ => "dn:NetworkVideoTransmitter tds:Device",
        }
    }
}

/// State of the failure counter for one account or one client address.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LockState {
    pub failures: u32,
    pub locked_until: Option<Instant>,
}

/// An NTP setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NtpState {
    pub from_dhcp: bool,
    pub manual: Vec<String>,
}

/// A network protocol entry (GetNetworkProtocols).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Protocol {
    pub name: &'static str,
    pub enabled: bool,
    pub port: u16,
}

/// Mutable device state, behind one mutex.
#[derive(Debug)]
pub(crate) struct State {
    pub users: Vec<User>,
    pub activated: bool,
    pub clock_skew: time::Duration,
    pub hostname: String,
    pub ntp: NtpState,
    pub protocols: Vec<Protocol>,
    pub discoverable: bool,
    pub nonces: HashMap<String, Instant>,
    /// Highest HTTP Digest nonce count seen per server nonce.
    pub digest_nc: HashMap<String, u32>,
    pub account_locks: HashMap<String, LockState>,
    pub address_locks: HashMap<IpAddr, LockState>,
    pub rebooting_until: Option<Instant>,
    pub faults: FaultSpec,
    /// A password change the device answered OK to but applies later: (user, password, when).
    pub late_change: Option<(String, String, Instant)>,
    /// When the device reverts to factory settings (`FaultSpec::factory_reset_after_ms`).
    pub reset_at: Option<Instant>,
    /// The firmware it runs and pending upload URIs.
    pub firmware: crate::firmware::FirmwareState,
}

/// Counters a test or the status endpoint reads.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub requests: AtomicU64,
    pub failed_logins: AtomicU64,
    pub lockouts: AtomicU64,
    pub refused_while_locked: AtomicU64,
    pub replayed_nonces: AtomicU64,
    pub stale_created: AtomicU64,
    pub set_user_calls: AtomicU64,
    pub reboots: AtomicU64,
    pub probes_answered: AtomicU64,
    pub datagrams_dropped: AtomicU64,
}

/// A snapshot of a device's counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CounterSnapshot {
    /// HTTP requests received.
    pub requests: u64,
    /// Authentication attempts refused (wrong password, unknown user, stale Created, reused nonce).
    pub failed_logins: u64,
    /// Times a lockout (account or client address) was triggered.
    pub lockouts: u64,
    /// Requests refused because an account or address was locked.
    pub refused_while_locked: u64,
    /// WS-Security tokens refused for a reused nonce, and HTTP Digest answers replayed with a nonce
    /// count that did not increase.
    pub replayed_nonces: u64,
    /// WS-Security tokens refused for a Created time outside the window.
    pub stale_created: u64,
    /// SetUser calls that passed authentication (whatever their outcome).
    pub set_user_calls: u64,
    /// Reboots.
    pub reboots: u64,
    /// ProbeMatches sent.
    pub probes_answered: u64,
    /// UDP datagrams dropped by the `udp_drop_share` fault.
    pub datagrams_dropped: u64,
}

/// Where a running device listens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Endpoints {
    /// ONVIF HTTP.
    pub http: SocketAddr,
    /// WS-Discovery UDP (unicast probes).
    pub discovery: Option<SocketAddr>,
    /// ONVIF over HTTPS (devices that offer HTTPS at start).
    pub https: Option<SocketAddr>,
}

/// The shared core of a running device.
#[derive(Debug)]
pub struct Device {
    pub(crate) cfg: DeviceConfig,
    pub(crate) state: Mutex<State>,
    pub(crate) counters: Counters,
    pub(crate) endpoints: OnceLock<Endpoints>,
    pub(crate) reboot_tx: watch::Sender<u64>,
    /// The accounts and activation the device has out of the box, restored by a factory reset.
    factory: (Vec<User>, bool),
}

/// When a factory reset set by these faults is due, from now.
fn reset_due(faults: &FaultSpec) -> Option<Instant> {
    (faults.factory_reset_after_ms > 0)
        .then(|| Instant::now() + std::time::Duration::from_millis(faults.factory_reset_after_ms))
}

impl Device {
    /// Whether GetNetworkProtocols reports `name` as enabled.
    pub(crate) fn protocol_enabled(&self, name: &str) -> bool {
        self.state()
            .protocols
            .iter()
            .any(|p| p.name == name && p.enabled)
    }

    /// Where ONVIF answers now: the HTTP XAddr while HTTP is on, else the HTTPS one (if any).
    pub(crate) fn xaddr(&self) -> String {
        let Some(e) = self.endpoints.get() else {
            return String::new();
        };
        match e.https {
            Some(a) if !self.protocol_enabled("HTTP") => {
                format!("https://{a}/onvif/device_service")
            }
            _ => format!("http://{}/onvif/device_service", e.http),
        }
    }

    /// Sets the port GetNetworkProtocols reports for `name` (the real listener's port).
    pub(crate) fn set_protocol_port(&self, name: &str, port: u16) {
        if let Some(p) = self.state().protocols.iter_mut().find(|p| p.name == name) {
            p.port = port;
        }
    }

    pub(crate) fn new(cfg: DeviceConfig, spec: &DeviceSpec) -> Arc<Self> {
        let p = cfg.personality;
        let mut users = Vec::new();
        let activated = !(spec.condition == DeviceCondition::FactoryNew
            && matches!(p.first_setup, FirstSetup::Activation { .. }));
        if let Some(pw) = spec.effective_password() {
            users.push(User {
                username: spec.effective_username().to_string(),
                password: pw.to_string(),
                level: UserLevel::Administrator,
                preexisting: true,
            });
        }
        let mut protocols = vec![
            Protocol {
                name: "HTTP",
                enabled: spec.http,
                port: 80,
            },
            Protocol {
                name: "HTTPS",
                enabled: spec.https,
                port: 443,
            },
            Protocol {
                name: "RTSP",
                enabled: true,
                port: 554,
            },
        ];
        if matches!(cfg.role, Role::AccessControl) {
            protocols.retain(|p| p.name != "RTSP");
        }
        let ntp = NtpState {
            from_dhcp: false,
            manual: if spec.ntp_set {
                vec![
                    cfg.ntp
                        .map_or_else(|| "pool.ntp.org".to_string(), |ip| ip.to_string()),
                ]
            } else {
                Vec::new()
            },
        };
        // Out of the box: the vendor's default account (or none, or not activated), whatever was configured since.
        let factory = {
            let fresh = DeviceSpec {
                condition: DeviceCondition::FactoryNew,
                username: None,
                password: None,
                ..spec.clone()
            };
            let users = fresh
                .effective_password()
                .map(|pw| {
                    vec![User {
                        username: fresh.effective_username().to_string(),
                        password: pw.to_string(),
                        level: UserLevel::Administrator,
                        preexisting: true,
                    }]
                })
                .unwrap_or_default();
            (
                users,
                !matches!(p.first_setup, FirstSetup::Activation { .. }),
            )
        };
        let (reboot_tx, _) = watch::channel(0);
        Arc::new(Device {
            state: Mutex::new(State {
                users,
                activated,
                clock_skew: time::Duration::seconds(spec.clock_skew_secs),
                hostname: cfg.name.clone(),
                ntp,
                protocols,
                discoverable: spec.discoverable,
                nonces: HashMap::new(),
                digest_nc: HashMap::new(),
                account_locks: HashMap::new(),
                address_locks: HashMap::new(),
                rebooting_until: None,
                faults: spec.faults.clone(),
                late_change: None,
                reset_at: reset_due(&spec.faults),
                firmware: crate::firmware::FirmwareState::new(cfg.firmware.clone()),
            }),
            cfg,
            counters: Counters::default(),
            endpoints: OnceLock::new(),
            reboot_tx,
            factory,
        })
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves consistent plain data; keep serving.
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if st
            .late_change
            .as_ref()
            .is_some_and(|(_, _, at)| Instant::now() >= *at)
            && let Some((user, password, _)) = st.late_change.take()
            && let Some(u) = st.users.iter_mut().find(|u| u.username == user)
        {
            u.password = password;
        }
        if st.reset_at.is_some_and(|at| Instant::now() >= at) {
            self.restore_factory(&mut st);
            st.reset_at = None;
            st.faults.factory_reset_after_ms = 0;
            st.faults.tls_certificate_replaced = !st.faults.tls_certificate_replaced;
            // A reset reboots the device: it goes away for its reboot and drops every connection.
            st.rebooting_until = Some(Instant::now() + self.cfg.reboot_duration);
            self.counters.reboots.fetch_add(1, Ordering::Relaxed);
            self.reboot_tx.send_modify(|g| *g += 1);
        }
        st
    }

    /// Puts the accounts and activation back to how the device left the factory.
    pub(crate) fn restore_factory(&self, st: &mut State) {
        let (users, activated) = self.factory.clone();
        st.users = users;
        st.activated = activated;
        st.late_change = None;
        st.account_locks.clear();
        st.address_locks.clear();
    }

    /// The device's own clock.
    pub(crate) fn now(&self) -> time::OffsetDateTime {
        time::OffsetDateTime::now_utc() + self.state().clock_skew
    }

    /// Starts a reboot: the device goes away for its reboot duration.
    pub(crate) fn start_reboot(&self) {
        self.start_reboot_for(self.cfg.reboot_duration);
    }

    /// Starts a reboot that takes `d`.
    pub(crate) fn start_reboot_for(&self, d: Duration) {
        self.state().rebooting_until = Some(Instant::now() + d);
        self.counters.reboots.fetch_add(1, Ordering::Relaxed);
        self.reboot_tx.send_modify(|g| *g += 1);
    }

    pub(crate) fn is_rebooting(&self) -> bool {
        let mut st = self.state();
        match st.rebooting_until {
            Some(t) if Instant::now() < t => true,
            Some(_) => {
                st.rebooting_until = None;
                false
            }
            None => false,
        }
    }
}

/// SHA-256 of a password, hex: what tests and the status endpoint see instead of the password.
pub fn password_hash(password: &str) -> String {
    hex::encode(sha2::Sha256::digest(password.as_bytes()))
}

/// A cheap, clonable handle on a running device: identity, endpoints, counters, password checks and
/// fault toggles.
#[derive(Debug, Clone)]
pub struct DeviceHandle(pub(crate) Arc<Device>);

impl DeviceHandle {
    /// Device name.
    pub fn name(&self) -> &str {
        &self.0.cfg.name
    }
    /// Vendor.
    pub fn vendor(&self) -> Vendor {
        self.0.cfg.vendor
    }
    /// Role.
    pub fn role(&self) -> Role {
        self.0.cfg.role
    }
    /// Model string.
    pub fn model(&self) -> &str {
        &self.0.cfg.model
    }
    /// The firmware version it runs now.
    pub fn firmware(&self) -> String {
        self.0.state().firmware.version.clone()
    }
    /// Firmware upgrades installed since it started.
    pub fn firmware_upgrades(&self) -> u32 {
        self.0.state().firmware.upgrades
    }
    /// MAC address as `aa:bb:cc:dd:ee:ff`.
    pub fn mac(&self) -> String {
        self.0.cfg.mac_string()
    }
    /// Serial number.
    pub fn serial(&self) -> &str {
        &self.0.cfg.serial
    }
    /// WS-Addressing endpoint reference.
    pub fn endpoint_reference(&self) -> &str {
        &self.0.cfg.endpoint
    }
    /// ONVIF scopes.
    pub fn scopes(&self) -> Vec<String> {
        self.0.cfg.scopes()
    }
    /// Switch port and VLAN.
    pub fn switch_port(&self) -> (u16, Option<u16>) {
        (self.0.cfg.switch_port, self.0.cfg.port_vlan)
    }
    /// The device's IPv4 address (as in the manifest).
    pub fn ip(&self) -> Ipv4Addr {
        self.0.cfg.address
    }
    /// Where it listens.
    pub fn endpoints(&self) -> Endpoints {
        *self
            .0
            .endpoints
            .get()
            .expect("endpoints are set before a handle is given out")
    }
    /// The HTTP socket address.
    pub fn http_addr(&self) -> SocketAddr {
        self.endpoints().http
    }
    /// The WS-Discovery UDP address, when discovery runs.
    pub fn discovery_addr(&self) -> Option<SocketAddr> {
        self.endpoints().discovery
    }
    /// The device service XAddr where ONVIF answers now: `http://` while HTTP is on, else `https://`.
    pub fn xaddr(&self) -> String {
        self.0.xaddr()
    }
    /// The HTTPS socket address, when the device offered HTTPS at start.
    pub fn https_addr(&self) -> Option<SocketAddr> {
        self.endpoints().https
    }
    /// The device service XAddr over HTTPS, when the device offered HTTPS at start.
    pub fn https_xaddr(&self) -> Option<String> {
        self.https_addr()
            .map(|a| format!("https://{a}/onvif/device_service"))
    }
    /// Whether the device reports this protocol (HTTP, HTTPS, RTSP) as enabled.
    pub fn protocol_enabled(&self, name: &str) -> bool {
        self.0.protocol_enabled(name)
    }
    /// Counter snapshot.
    pub fn counters(&self) -> CounterSnapshot {
        let c = &self.0.counters;
        let l = |a: &AtomicU64| a.load(Ordering::Relaxed);
        CounterSnapshot {
            requests: l(&c.requests),
            failed_logins: l(&c.failed_logins),
            lockouts: l(&c.lockouts),
            refused_while_locked: l(&c.refused_while_locked),
            replayed_nonces: l(&c.replayed_nonces),
            stale_created: l(&c.stale_created),
            set_user_calls: l(&c.set_user_calls),
            reboots: l(&c.reboots),
            probes_answered: l(&c.probes_answered),
            datagrams_dropped: l(&c.datagrams_dropped),
        }
    }
    /// User names, in order.
    pub fn users(&self) -> Vec<String> {
        self.0
            .state()
            .users
            .iter()
            .map(|u| u.username.clone())
            .collect()
    }
    /// SHA-256 (hex) of a user's current password.
    pub fn password_hash(&self, username: &str) -> Option<String> {
        self.0
            .state()
            .users
            .iter()
            .find(|u| u.username == username)
            .map(|u| password_hash(&u.password))
    }
    /// True when `password` is the user's current password.
    pub fn check_password(&self, username: &str, password: &str) -> bool {
        self.0
            .state()
            .users
            .iter()
            .any(|u| u.username == username && u.password == password)
    }
    /// Changes a user's password as the vendor's own tool or web page would (not over ONVIF); false when the
    /// user does not exist.
    pub fn set_password(&self, username: &str, password: &str) -> bool {
        let mut st = self.0.state();
        match st.users.iter_mut().find(|u| u.username == username) {
            Some(u) => {
                u.password = password.to_owned();
                true
            }
            None => false,
        }
    }
    /// Activates a device waiting for activation, as the vendor's own tool (SADP, ConfigTool) would: its
    /// administrator account gets this password. False when it was activated already.
    pub fn activate_with_vendor_tool(&self, password: &str) -> bool {
        let mut st = self.0.state();
        if st.activated {
            return false;
        }
        st.users = vec![User {
            username: self.0.cfg.personality.default_user.to_string(),
            password: password.to_owned(),
            level: UserLevel::Administrator,
            preexisting: true,
        }];
        st.activated = true;
        true
    }
    /// True once a factory-new device needing activation has been activated (always true otherwise).
    pub fn is_activated(&self) -> bool {
        self.0.state().activated
    }
    /// True while the device is rebooting (gone from the network).
    pub fn is_rebooting(&self) -> bool {
        self.0.is_rebooting()
    }
    /// Reboots the device now.
    pub fn reboot(&self) {
        self.0.start_reboot();
    }
    /// Device clock minus true time.
    pub fn clock_skew(&self) -> time::Duration {
        self.0.state().clock_skew
    }
    /// Sets the device clock's skew.
    pub fn set_clock_skew(&self, skew: time::Duration) {
        self.0.state().clock_skew = skew;
    }
    /// The faults in effect.
    pub fn faults(&self) -> FaultSpec {
        self.0.state().faults.clone()
    }
    /// Replaces the faults in effect.
    pub fn set_faults(&self, faults: FaultSpec) {
        let mut st = self.0.state();
        st.reset_at = reset_due(&faults);
        st.faults = faults;
    }
    /// Clears lockouts and failure counts (the "wait 30 minutes" button).
    pub fn clear_lockouts(&self) {
        let mut st = self.0.state();
        st.account_locks.clear();
        st.address_locks.clear();
    }
    /// True when the account is locked now.
    pub fn is_account_locked(&self, username: &str) -> bool {
        let st = self.0.state();
        st.account_locks
            .get(username)
            .and_then(|l| l.locked_until)
            .is_some_and(|t| Instant::now() < t)
    }
    /// True when a client address is blocked now.
    pub fn is_address_blocked(&self, ip: IpAddr) -> bool {
        let st = self.0.state();
        st.address_locks
            .get(&ip)
            .and_then(|l| l.locked_until)
            .is_some_and(|t| Instant::now() < t)
    }
    /// WS-Discovery mode.
    pub fn is_discoverable(&self) -> bool {
        self.0.state().discoverable
    }
    /// NTP servers configured by hand.
    pub fn ntp_servers(&self) -> Vec<String> {
        self.0.state().ntp.manual.clone()
    }
}
