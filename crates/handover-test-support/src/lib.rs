//! What the workspace's tests share, instead of a `tests/common` module copied into each test binary: one
//! module per floor that has tests; a dev-dependency only (no shipped program links this crate). The tests that
//! run the real programs as processes share the top-level `tests/` crate's harness instead.
//!
//! - [`engine`]: simulated sites on ports the kernel chose, the demo project, the test environment.
//! - [`devices`]: the device layer's demo site, sweep options and a short-timeout client.
//! - [`report`]: a fixed clock, sample models, signing identities and the PDF tools (pdfsig, openssl, NSS).
//! - [`soap`]: a raw SOAP-over-HTTP client for the simulator's own tests.

pub mod devices;
pub mod engine;
pub mod report;
pub mod soap;
