//! ONVIF device sessions: the shared client, one session per device, identification, accounts and
//! configuration changes, the "HTTPS works" proof. oxvif (pinned) builds and parses the SOAP; our transport carries it. Nothing
//! from oxvif appears in this module's public API.

pub mod admin;
pub mod fault;
pub mod firmware;
pub mod https;
pub mod identify;
pub mod session;
pub(crate) mod transport;
pub mod types;
