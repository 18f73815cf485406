//! Talking to devices: discovery (WS-Discovery multicast and unicast sweeps, Hello/Bye, SSDP, mDNS), ONVIF
//! sessions (identification, accounts, configuration) over one shared HTTP client, and the "why not
//! found" account of every planned subnet. The only crate that opens sockets to devices; it decides
//! nothing about what the facts mean (that is policy) and stores nothing (that is the engine's job).
//!
//! Module map: `error` (the one error type), `creds` (credentials with a redacted secret), `http`
//! (shared client, body caps, per-device gate), `tls` (self-signed device certificates accepted, fingerprints
//! recorded, pinned ones enforced), `digest` (HTTP Digest, pure), `onvif` (sessions over
//! oxvif), `discovery` (codecs and IO for every discovery source, merging, why-not-found),
//! `interfaces` (the laptop's usable interfaces), `switch` (SNMP forwarding-table queries); `fuzzing`
//! (feature `fuzzing`, for the fuzz targets in `fuzz/` only).

pub mod creds;
pub mod digest;
pub mod discovery;
pub mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod http;
pub mod interfaces;
pub mod onvif;
pub mod switch;
pub mod tls;
pub mod upload;
mod xml;

pub use creds::{Credentials, Password};
pub use error::{Error, Result};
pub use http::ClientOptions;
pub use onvif::admin::{LoginCheck, LoginOutcome};
pub use onvif::firmware::{FirmwareRoute, FirmwareSent, UploadTarget};
pub use onvif::identify::{Depth, DeviceFacts, Identification};
pub use onvif::session::{DeviceClient, OnvifSession};
pub use onvif::types::*;
pub use upload::Uplink;
