//! SOAP plumbing for the simulated devices: a bounded parser into a small element tree (`parse`) and the
//! writers for envelopes and ONVIF faults (`respond`). No ONVIF operation logic lives here.

pub mod parse;
pub mod respond;

pub use parse::{Element, ParseError, parse};
pub use respond::{SoapFault, envelope, escape};
