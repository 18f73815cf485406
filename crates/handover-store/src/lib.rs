//! The project file: one SQLite file per site holding everything Handover knows about it except secrets.
//!
//! A [`Project`] is an open, exclusively locked project file. Each table lives in its own module, which owns its
//! migration steps, its row type and its read/write functions. Every change that matters to IT is written in the
//! same transaction as an entry of the hash-chained [`audit`] log, so history cannot be edited unnoticed.
//!
//! This crate never stores a secret in clear: credentials appear as references (see
//! `handover_model::CredentialRef`), and passwords only as bytes sealed by `handover-vault` under the project's
//! vault key, which lives in the OS keyring, never here ([`secrets`]).

pub mod attempts;
pub mod audit;
pub mod credentials;
pub mod devices;
pub mod discovery;
mod error;
pub mod findings;
pub mod firmware;
pub mod journal;
mod labels;
mod lock;
mod merge;
mod meta;
mod migrate;
mod plan;
mod project;
pub mod secrets;
mod site;
pub mod switches;

pub use error::{Error, Result};
pub use lock::LockHolder;
pub use meta::ProjectMeta;
pub use migrate::{LATEST_VERSION, apply_up_to};
pub use project::{Actor, PhaseChange, Project, waiver_terms};

/// The file extension of project files.
pub const EXTENSION: &str = "handover";
