//! `SimDevice::builder()`: one simulated device for a test, on 127.0.0.1 (or a given loopback address)
//! with ephemeral ports, built through the same manifest path as a whole site so it behaves the same.

use std::net::{Ipv4Addr, SocketAddr};
use std::ops::Deref;
use std::time::Duration;

use crate::device::DeviceHandle;
use crate::error::Result;
use crate::faults::FaultSpec;
use crate::manifest::{DeviceCondition, DeviceSpec, Role, SiteInfo, SiteManifest};
use crate::personality::Vendor;
use crate::site::{SimSite, SpawnOptions};

/// A single running simulated device; dropping it stops the device.
#[derive(Debug)]
pub struct SimDevice {
    site: SimSite,
}

impl SimDevice {
    /// Starts describing a device (Generic vendor, camera, 127.0.0.1, factory default password).
    pub fn builder() -> SimDeviceBuilder {
        SimDeviceBuilder {
            spec: DeviceSpec::new(
                "sim-device",
                Vendor::Generic,
                Role::Camera,
                Ipv4Addr::LOCALHOST,
            ),
            opts: SpawnOptions {
                status: None,
                ..SpawnOptions::ephemeral()
            },
        }
    }

    /// The device's handle (clonable, outlives nothing: it stops working when the SimDevice drops).
    pub fn handle(&self) -> DeviceHandle {
        self.site.devices()[0].clone()
    }

    /// SHA-256 of the device's self-signed HTTPS certificate, when it offers HTTPS.
    pub fn tls_fingerprint(&self) -> Option<&str> {
        self.site.tls_fingerprint()
    }
}

impl Deref for SimDevice {
    type Target = DeviceHandle;
    fn deref(&self) -> &DeviceHandle {
        &self.site.devices()[0]
    }
}

/// Builder for [`SimDevice`].
#[derive(Debug, Clone)]
pub struct SimDeviceBuilder {
    spec: DeviceSpec,
    opts: SpawnOptions,
}

impl SimDeviceBuilder {
    /// Vendor personality.
    pub fn vendor(mut self, v: Vendor) -> Self {
        self.spec.vendor = v;
        self
    }
    /// Device name.
    pub fn name(mut self, n: impl Into<String>) -> Self {
        self.spec.name = n.into();
        self
    }
    /// Role.
    pub fn role(mut self, r: Role) -> Self {
        self.spec.role = r;
        self
    }
    /// Model string.
    pub fn model(mut self, m: impl Into<String>) -> Self {
        self.spec.model = Some(m.into());
        self
    }
    /// Firmware string.
    pub fn firmware(mut self, f: impl Into<String>) -> Self {
        self.spec.firmware = Some(f.into());
        self
    }
    /// Loopback address to listen on.
    pub fn address(mut self, a: Ipv4Addr) -> Self {
        self.spec.address = a;
        self
    }
    /// Administrator user name.
    pub fn username(mut self, u: impl Into<String>) -> Self {
        self.spec.username = Some(u.into());
        self
    }
    /// Administrator password.
    pub fn password(mut self, p: impl Into<String>) -> Self {
        self.spec.password = Some(p.into());
        self
    }
    /// Factory-new (activation, no users or default password, by vendor).
    pub fn factory_new(mut self) -> Self {
        self.spec.condition = DeviceCondition::FactoryNew;
        self
    }
    /// Device clock skew in seconds.
    pub fn clock_skew_secs(mut self, s: i64) -> Self {
        self.spec.clock_skew_secs = s;
        self
    }
    /// How long a reboot takes.
    pub fn reboot_duration(mut self, d: Duration) -> Self {
        self.spec.reboot_ms = Some(d.as_millis() as u64);
        self
    }
    /// Shortens or lengthens the vendor's lockout.
    pub fn lockout_duration(mut self, d: Duration) -> Self {
        self.spec.lockout_ms = Some(d.as_millis() as u64);
        self
    }
    /// Faults from the start.
    pub fn faults(mut self, f: FaultSpec) -> Self {
        self.spec.faults = f;
        self
    }
    /// HTTPS offered or not.
    pub fn https(mut self, on: bool) -> Self {
        self.spec.https = on;
        self
    }
    /// Plain HTTP on or off (off: ONVIF over HTTPS only).
    pub fn http(mut self, on: bool) -> Self {
        self.spec.http = on;
        self
    }
    /// NTP configured or not.
    pub fn ntp_set(mut self, on: bool) -> Self {
        self.spec.ntp_set = on;
        self
    }
    /// WS-Discovery mode at start.
    pub fn discoverable(mut self, on: bool) -> Self {
        self.spec.discoverable = on;
        self
    }
    /// Upper bound of the random ProbeMatch delay (default 500 ms, APP_MAX_DELAY).
    pub fn app_max_delay(mut self, d: Duration) -> Self {
        self.opts.discovery_options.app_max_delay = d;
        self
    }
    /// Also send Hello/Bye to this unicast address.
    pub fn hello_target(mut self, a: SocketAddr) -> Self {
        self.opts.discovery_options.hello_targets.push(a);
        self
    }
    /// Replaces the spawn options (addressing, status endpoint, ...).
    pub fn spawn_options(mut self, o: SpawnOptions) -> Self {
        self.opts = o;
        self
    }

    /// Starts the device.
    pub async fn spawn(self) -> Result<SimDevice> {
        let manifest = SiteManifest {
            site: SiteInfo {
                name: "single device".into(),
                location: None,
            },
            vlans: Vec::new(),
            switch: None,
            devices: vec![self.spec],
        };
        Ok(SimDevice {
            site: SimSite::spawn(manifest, self.opts).await?,
        })
    }
}
