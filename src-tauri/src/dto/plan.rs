//! Site-and-plan screen shapes: the plan's VLANs and a CSV preview with its first problem, located.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use handover_engine::model::{Plan, PlanCsvError, Vlan};

/// One VLAN of IT's plan.
#[derive(Debug, Clone, Serialize, TS)]
pub struct VlanDto {
    /// 802.1Q id.
    pub id: u16,
    /// Name.
    pub name: String,
    /// Subnet (CIDR).
    pub subnet: String,
    /// Default gateway.
    pub gateway: String,
    /// Roles allowed.
    pub roles: Vec<String>,
    /// DNS servers.
    pub dns: Vec<String>,
    /// NTP servers.
    pub ntp: Vec<String>,
    /// static, dhcp or any.
    pub addressing: String,
}

impl From<&Vlan> for VlanDto {
    fn from(v: &Vlan) -> Self {
        VlanDto {
            id: v.id,
            name: v.name.clone(),
            subnet: v.subnet.to_string(),
            gateway: v.gateway.to_string(),
            roles: v.roles.iter().map(ToString::to_string).collect(),
            dns: v.dns.iter().map(ToString::to_string).collect(),
            ntp: v.ntp.clone(),
            addressing: v.addressing.to_string(),
        }
    }
}

/// IT's plan.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PlanDto {
    /// VLANs in file order.
    pub vlans: Vec<VlanDto>,
}

impl From<&Plan> for PlanDto {
    fn from(p: &Plan) -> Self {
        PlanDto {
            vlans: p.vlans.iter().map(VlanDto::from).collect(),
        }
    }
}

/// Where a plan CSV is wrong.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CsvProblem {
    /// 1-based line.
    #[ts(type = "number")]
    pub line: u64,
    /// Column name, when known.
    pub column: Option<String>,
    /// 1-based column number, when known.
    #[ts(type = "number | null")]
    pub column_number: Option<usize>,
    /// What is wrong (without the location).
    pub message: String,
}

impl From<&PlanCsvError> for CsvProblem {
    fn from(e: &PlanCsvError) -> Self {
        CsvProblem {
            line: e.line,
            column: e.column.clone(),
            column_number: e.column_index.map(|i| i + 1),
            message: e.kind.to_string(),
        }
    }
}

/// A plan CSV read without importing it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PlanPreview {
    /// The file's lines, for showing the problem in place.
    pub lines: Vec<String>,
    /// The plan, when the file is good.
    pub plan: Option<PlanDto>,
    /// The problem, when it is not.
    pub problem: Option<CsvProblem>,
    /// The whole message, as the CLI prints it.
    pub message: Option<String>,
}

/// A path sent by the front end.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct PathRequest {
    /// The file.
    pub path: String,
}
