//! A simulated site for Handover: many ONVIF devices in one process (1 to 5,000, each on its own
//! loopback address or port), a WS-Discovery responder per device, an SNMP switch (BRIDGE-MIB /
//! Q-BRIDGE-MIB), vendor personalities with their real quirks, faults on demand, counters readable by
//! tests and by other processes. It is test and demo infrastructure: the product's own device code lives
//! in handover-devices and never depends on this crate.
//!
//! Module map: `manifest` (TOML site description, planted faults), `personality` (vendor data),
//! `device` (state, counters, `DeviceHandle`), `auth` (WS-UsernameToken, HTTP Digest, lockouts),
//! `soap` (bounded parser, envelopes, faults), `onvif` (operations), `http` (per-device server, faults,
//! reboots), `wsdiscovery` + `multicast` (discovery), `snmp` (switch), `status` (JSON endpoint),
//! `site` (spawning a manifest), `builder` (`SimDevice::builder()`), `hostile` (hostile documents), `tls` (the site's self-signed certificate, HTTPS).

pub mod auth;
pub mod builder;
pub mod device;
pub mod error;
pub mod faults;
pub mod firmware;
pub mod hostile;
mod http;
pub mod manifest;
mod multicast;
pub mod onvif;
pub mod personality;
pub mod site;
pub mod snmp;
pub mod soap;
pub mod status;
pub mod tls;
mod upload;
pub mod wsdiscovery;

pub use builder::{SimDevice, SimDeviceBuilder};
pub use device::{CounterSnapshot, DeviceHandle, Endpoints, UserLevel, password_hash};
pub use error::{Error, Result};
pub use faults::{AuthRefusal, DiscoveryQuirk, FaultSpec, Hostile};
pub use manifest::{DeviceSpec, Planted, Role, SiteManifest, SwitchSpec, VlanSpec};
pub use personality::{LockoutPolicy, Personality, Vendor};
pub use site::{Addressing, SimSite, SpawnOptions, run_until_ctrl_c};
pub use wsdiscovery::{AnswerBudget, DiscoveryOptions};
