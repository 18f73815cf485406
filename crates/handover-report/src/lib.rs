//! The handover report: a report model ([`ReportModel`]) rendered to a PDF ([`render()`]),
//! its machine-readable twin as JSON and CSV ([`twin`]), a PAdES signature added by
//! incremental update ([`sign()`]), offline verification ([`verify()`]), and reading a report
//! back with the inventory it carries ([`read_inventory()`]). The crate is pure:
//! no clock reads (times are parameters), no file or network IO (the font is compiled in),
//! randomness only through a caller-supplied RNG. It does not store keys: the caller keeps
//! a [`SigningIdentity`] (e.g. in the OS keyring) as bytes.
//!
//! Module map: `model` (the report's nouns), `twin` (JSON/CSV exports), `layout` (font
//! metrics, wrapping, Arabic forms, page composer, tables), `sections` (what each part of
//! the report shows), `render` (PDF assembly, font subsetting, embedded JSON), `sign`
//! (identities, CMS, PAdES incremental update), `verify` (offline checks), `read` (verdict,
//! history anchor and embedded inventory in one serialisable reading), `sample` (a
//! synthetic model for tests, benchmarks and demos).
//!
//! ```
//! use handover_report::{RenderOptions, SigningIdentity, TrustedCert, Verdict, render, sign, verify};
//! use rand::SeedableRng;
//!
//! let now = time::macros::datetime!(2026-11-20 16:30 UTC);
//! let model = handover_report::sample::sample_model(5, now);
//! let pdf = render(&model, &RenderOptions::default())?;
//! let mut rng = rand::rngs::StdRng::seed_from_u64(1); // use rand::rngs::OsRng in the app
//! let (ca, identity) = SigningIdentity::create_integrator_ca("Brightline", "Brightline Security Systems", now, &mut rng)?;
//! let signed = sign(&pdf, &identity, now)?;
//! let trusted = TrustedCert::from_pem(ca.ca_cert_pem.as_bytes())?;
//! let verification = verify(&signed, &trusted, now);
//! assert_eq!(verification.verdict(), Verdict::Trusted);
//! assert_eq!(verification.verdict().exit_code(), 0);
//! # Ok::<(), handover_report::Error>(())
//! ```

pub mod error;
mod layout;
pub mod model;
pub mod read;
pub mod render;
pub mod sample;
mod sections;
pub mod sign;
pub mod twin;
pub mod verify;

pub use error::{Error, Result};
pub use layout::page::PageSize;
pub use model::*;
pub use read::{AuditAnchor, Inventory, Reading, TwinProblem, read_inventory};
pub use render::{RenderOptions, render};
pub use sign::identity::{CaBundle, IdentityDescription, SigningIdentity, TrustedCert};
pub use sign::pades::sign;
pub use sign::pkcs12::Pkcs12Error;
pub use verify::{ChainStatus, InventorySummary, Tone, Verdict, Verification, verify};
