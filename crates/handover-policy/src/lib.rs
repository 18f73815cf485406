//! Catalogs and rules: what Handover knows about vendors (factory defaults, lockouts, firmware baselines) and
//! the checks that turn a device's observed facts into findings mapped to ETSI EN 303 645 and NIST IR 8259A.
//!
//! Pure: no sockets, no files, no clock. Catalog bytes, the plan, the facts and "now" come in as parameters;
//! findings come out as data.

pub mod catalog;
pub mod checks;
pub mod clauses;
mod error;
pub mod firmware_image;
pub mod firmware_plan;
pub mod vendor;
pub mod version;

pub use catalog::Catalogs;
pub use error::CatalogError;
