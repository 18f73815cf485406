//! The engine: every workflow Handover offers, behind one UI-agnostic API that the CLI and the desktop app
//! both call. It owns the open project, applies the domain rules, and reports progress; it knows nothing of
//! terminals, Tauri or JSON-over-IPC.
//!
//! Architecture invariant: whatever one front end can do, the other can, because both only call this crate.

pub mod catalogs;
pub mod checks;
pub mod claims;
mod clones;
pub mod credentials;
pub mod discover;
mod error;
mod facts;
pub mod firmware;
pub mod fix;
pub mod labels;
pub mod listen;
mod pins;
pub mod place;
pub mod progress;
mod reidentify;
pub mod report;
mod report_it;
mod report_model;
mod sealed;
mod session;
pub mod signing;
mod status;
pub mod switch;
pub mod unidentified;
pub mod web_page;

pub use error::{Error, ErrorCode, Result};
pub use session::{NewProject, Session, read_plan_csv};
pub use status::{CountBy, Status, VlanSummary};

pub use handover_devices as devices;
pub use handover_model as model;
pub use handover_policy as policy;
pub use handover_report as report_crate;
pub use handover_store as store;
pub use handover_vault as vault;
