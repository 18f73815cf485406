//! The handover report: a report model ([`ReportModel`]) rendered to a PDF ([`render()`]),
//! its machine-readable twin as JSON and CSV ([`twin`]), a PAdES signature added by
//! incremental update ([`sign()`]), and offline verification ([`verify()`]). The crate is pure:
//! no clock reads (times are parameters), no file or network IO (the font is compiled in),
//! randomness only through a caller-supplied RNG. It does not store keys: the caller keeps
//! a [`SigningIdentity`] (e.g. in the OS keyring) as bytes.

pub mod error;
mod layout;
pub mod model;
pub mod render;
mod sections;
pub mod twin;

pub use error::{Error, Result};
pub use layout::page::PageSize;
pub use model::*;
pub use render::{RenderOptions, render};
pub mod sample;
pub mod sign;
pub mod verify;

pub use sign::identity::{CaBundle, IdentityDescription, SigningIdentity, TrustedCert};
pub use sign::pades::sign;
pub use verify::{ChainStatus, InventorySummary, Verdict, Verification, verify};
