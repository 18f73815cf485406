//! Domain nouns of Handover: the site, IT's network plan, devices and what was observed of them, findings,
//! waivers and credential references.
//!
//! This crate does no IO and reads no clock: time comes in through [`Clock`], and parsing (such as the plan CSV)
//! works on bytes handed to it. It never holds a secret: credentials appear only as [`CredentialRef`]s, which say
//! where a secret lives and what happened to it, never what it is.

mod clock;
mod credential;
mod device;
mod finding;
mod ids;
mod names;
mod plan;
mod plan_csv;
mod site;

pub use clock::{Clock, FixedClock, SystemClock};
pub use credential::{CredentialRef, CredentialState};
pub use device::{
    Device, DeviceFacts, DeviceIdentity, DeviceUser, DiscoveryMethod, MacAddr, MacParseError,
    SwitchPort,
};
pub use finding::{Clause, Finding, FindingStatus, Severity, Waiver};
pub use ids::{DeviceId, FindingId, IdError, ProjectId};
pub use names::{DeviceLabel, LabelError, MAX_LABEL_CHARS, clean_label, scope_value};
pub use plan::{Addressing, Plan, PlanError, Role, RoleError, Vlan};
pub use plan_csv::{MAX_PLAN_BYTES, PlanCsvError, PlanCsvErrorKind};
pub use site::Site;
