//! Projects screen shapes: the site form, create/open requests, the status at a glance, recent projects.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use handover_engine::Status;
use handover_engine::model::Site;

/// The site details (form and display).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SiteDto {
    /// Site name.
    pub name: String,
    /// Customer organisation.
    pub customer: String,
    /// Postal address.
    pub address: String,
    /// Integrator company.
    pub integrator: String,
    /// Technician responsible.
    pub technician: String,
}

impl From<Site> for SiteDto {
    fn from(s: Site) -> Self {
        SiteDto {
            name: s.name,
            customer: s.customer,
            address: s.address,
            integrator: s.integrator,
            technician: s.technician,
        }
    }
}

impl From<SiteDto> for Site {
    fn from(s: SiteDto) -> Self {
        Site {
            name: s.name.trim().to_owned(),
            customer: s.customer.trim().to_owned(),
            address: s.address.trim().to_owned(),
            integrator: s.integrator.trim().to_owned(),
            technician: s.technician.trim().to_owned(),
        }
    }
}

/// Create a project.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct CreateProjectRequest {
    /// Where the `.handover` file goes.
    pub path: String,
    /// The site.
    pub site: SiteDto,
    /// IT's plan CSV, if already at hand.
    pub plan_csv: Option<String>,
}

/// Open a project.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct OpenProjectRequest {
    /// The `.handover` file.
    pub path: String,
    /// Who is acting, if not the site's technician.
    pub actor: Option<String>,
}

/// One VLAN at a glance.
#[derive(Debug, Clone, Serialize, TS)]
pub struct VlanSummaryDto {
    /// VLAN id.
    pub vlan: u16,
    /// Name.
    pub name: String,
    /// Subnet.
    pub subnet: String,
    /// Roles allowed.
    pub roles: Vec<String>,
    /// Known devices in the subnet.
    #[ts(type = "number")]
    pub devices: usize,
}

/// The project at a glance.
#[derive(Debug, Clone, Serialize, TS)]
pub struct StatusDto {
    /// The project file.
    pub path: String,
    /// The project id.
    pub project_id: String,
    /// When it was created.
    pub created_at: String,
    /// Schema version of the file.
    pub schema_version: u32,
    /// The site.
    pub site: SiteDto,
    /// The plan's VLANs.
    pub vlans: Vec<VlanSummaryDto>,
    /// Devices known.
    #[ts(type = "number")]
    pub devices: usize,
    /// Devices in no planned subnet.
    #[ts(type = "number")]
    pub devices_outside_plan: usize,
    /// Findings by status.
    #[ts(type = "Record<string, number>")]
    pub findings: BTreeMap<String, usize>,
    /// Credentials by state.
    #[ts(type = "Record<string, number>")]
    pub credentials: BTreeMap<String, usize>,
    /// Rotations a crash left unsettled.
    #[ts(type = "number")]
    pub unsettled_rotations: usize,
    /// Audit entries.
    #[ts(type = "number")]
    pub audit_entries: i64,
    /// The audit chain's head hash.
    pub audit_head: String,
    /// Whether the audit chain is intact.
    pub audit_intact: bool,
}

impl From<Status> for StatusDto {
    fn from(s: Status) -> Self {
        StatusDto {
            path: s.path,
            project_id: s.meta.project_id.to_string(),
            created_at: super::rfc3339(s.meta.created_at),
            schema_version: s.meta.schema_version,
            site: s.site.into(),
            vlans: s
                .vlans
                .into_iter()
                .map(|v| VlanSummaryDto {
                    vlan: v.vlan,
                    name: v.name,
                    subnet: v.subnet,
                    roles: v.roles,
                    devices: v.devices,
                })
                .collect(),
            devices: s.devices,
            devices_outside_plan: s.devices_outside_plan,
            findings: s.findings,
            credentials: s.credentials,
            unsettled_rotations: s.unsettled_rotations,
            audit_entries: s.audit_entries,
            audit_head: s.audit_head,
            audit_intact: s.audit_intact,
        }
    }
}

/// A project opened recently on this laptop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RecentProject {
    /// The file.
    pub path: String,
    /// Its site name when last opened.
    pub site: String,
    /// When it was last opened (RFC 3339).
    pub opened_at: String,
    /// Whether the file is still there.
    #[serde(default)]
    pub exists: bool,
}

/// The audit chain walked.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AuditDto {
    /// Entries read.
    #[ts(type = "number")]
    pub entries: i64,
    /// The head hash.
    pub head_hash: String,
    /// Whether the chain is intact.
    pub intact: bool,
    /// The first problem, in words.
    pub problem: Option<String>,
}

/// A page of the audit log: the `limit` newest entries before sequence number `before` (none: up to the head).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct AuditLogRequest {
    /// Entries older than this sequence number; none for the newest.
    #[ts(type = "number | null")]
    pub before: Option<i64>,
    /// How many.
    pub limit: u32,
}

/// One audit log entry as the audit panel shows it (never a secret: the log holds none).
#[derive(Debug, Clone, Serialize, TS)]
pub struct AuditEntryDto {
    /// Sequence number, from 1.
    #[ts(type = "number")]
    pub seq: i64,
    /// When (RFC 3339).
    pub at: String,
    /// Who.
    pub actor: String,
    /// What, e.g. `credential.rotate`.
    pub action: String,
    /// What it was done to, e.g. `D12`.
    pub subject: String,
    /// The details, as compact JSON.
    pub detail: String,
    /// This entry's hash (the chain link).
    pub hash: String,
}

impl From<handover_engine::records::AuditEntry> for AuditEntryDto {
    fn from(e: handover_engine::records::AuditEntry) -> Self {
        AuditEntryDto {
            seq: e.seq,
            at: super::rfc3339(e.at),
            actor: e.actor,
            action: e.action,
            subject: e.subject,
            detail: e.detail.to_string(),
            hash: e.hash,
        }
    }
}
