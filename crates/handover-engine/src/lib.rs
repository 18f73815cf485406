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
pub mod env;
mod error;
mod facts;
mod files;
pub mod firmware;
pub mod fix;
pub mod labels;
pub mod listen;
mod pins;
pub mod place;
pub mod progress;
mod project_lock;
mod read;
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
pub mod view;
pub mod web_page;

pub use env::{DEVICES_AT_ONCE, Env, Keyring};
pub use error::{Error, ErrorCode, Result};
pub use read::DEFAULT_MAX_CLOCK_SKEW_SECS;
pub use session::{
    MIN_WAIVER_REASON_CHARS, NewProject, PlanPreview, Session, WaiverTerms, preview_plan_csv,
    read_plan_csv,
};
pub use status::{CountBy, Status, VlanSummary};

/// The domain types the engine's API speaks in (devices, findings, credentials references, the plan).
pub mod model {
    pub use handover_model::{
        Clock, CredentialRef, CredentialState, Device, DeviceId, DeviceUser, Finding, FindingId,
        FindingStatus, Plan, PlanCsvError, ProjectId, Role, Severity, Site, SystemClock, Vlan,
        Waiver,
    };
}

/// The device client an [`Env`] carries (tests and benchmarks build their own with other limits), and what
/// discovery hears.
pub mod devices {
    pub use handover_devices::discovery::ProbeOptions;
    pub use handover_devices::discovery::hello::Announcement;
    pub use handover_devices::{ClientOptions, DeviceClient};
}

/// Catalogs, check thresholds and fixes, the firmware plan's terms.
pub mod policy {
    pub use handover_policy::Catalogs;
    pub use handover_policy::catalog::signature::TrustedKey;
    pub use handover_policy::checks::{Fix, Settings};
    pub use handover_policy::firmware_plan::{Action, Identified, Standing};
}

/// The report's page sizes, signing identity and verification verdicts.
pub mod report_types {
    pub use handover_report::{
        ChainStatus, Inventory, PageSize, Reading, SigningIdentity, Tone, Verdict, Verification,
    };
}

/// The keyring and secrets: the OS keyring, password policies, typed passwords.
pub mod vault {
    pub use handover_vault::{CredentialStore, KdfParams, OsKeyring, PasswordPolicy, SecretString};
}

/// What the store says about the audit log and switches, as the read API returns it.
pub mod records {
    pub use handover_store::audit::{Entry as AuditEntry, Verdict as AuditVerdict};
    pub use handover_store::switches::Switch;
}
