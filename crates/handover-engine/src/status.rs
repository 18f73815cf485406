//! The project at a glance: what `handover status` prints and the desktop app's home screen shows.

use std::collections::BTreeMap;

use serde::Serialize;

use handover_model::Site;
use handover_store::ProjectMeta;

/// Counts keyed by a status or kind name.
pub type CountBy = BTreeMap<String, usize>;

/// One VLAN of the plan with how many known devices sit in its subnet.
#[derive(Debug, Clone, Serialize)]
pub struct VlanSummary {
    /// VLAN id.
    pub vlan: u16,
    /// Its name.
    pub name: String,
    /// Its subnet.
    pub subnet: String,
    /// Roles allowed.
    pub roles: Vec<String>,
    /// Devices whose address is in the subnet.
    pub devices: usize,
}

/// A readable summary of a project.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// The project file.
    pub path: String,
    /// Identity and schema.
    pub meta: ProjectMeta,
    /// The site.
    pub site: Site,
    /// The plan's VLANs.
    pub vlans: Vec<VlanSummary>,
    /// Devices known.
    pub devices: usize,
    /// Devices whose address is in no planned subnet.
    pub devices_outside_plan: usize,
    /// Findings by status.
    pub findings: CountBy,
    /// Credentials by state.
    pub credentials: CountBy,
    /// Rotations that a crash left unsettled.
    pub unsettled_rotations: usize,
    /// Firmware upgrades not settled yet (a crash, a device not back).
    pub unsettled_upgrades: usize,
    /// Audit entries.
    pub audit_entries: i64,
    /// The audit chain's head hash.
    pub audit_head: String,
    /// Whether the audit chain is intact.
    pub audit_intact: bool,
}
