//! Transport types for the IPC boundary, one module per screen. They are shapes for the front end, not the
//! domain: ids become numbers, times RFC 3339 strings, enums kebab-case strings. Each derives `ts_rs::TS`;
//! `crate::bindings` exports them to `ui/src/lib/bindings/` and a test fails when the checked-in files drift.

mod bulk;
mod catalogs;
mod checks;
mod credentials;
mod devices;
mod firmware;
mod handover;
mod listen;
mod plan;
mod project;
mod review;
mod switches;
mod system;

pub use bulk::*;
pub use catalogs::*;
pub use checks::*;
pub use credentials::*;
pub use devices::*;
pub use firmware::*;
pub use handover::*;
pub use listen::*;
pub use plan::*;
pub use project::*;
pub use review::*;
pub use switches::*;
pub use system::*;

/// RFC 3339 text for a timestamp (what every DTO carries).
pub(crate) fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}
