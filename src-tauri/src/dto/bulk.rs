//! Shapes for work on many devices at once (the Devices grid's selection and "Fix all fixable"): what a bulk
//! fix will change, asked once, and what it did; one reason for many waivers; re-identifying a selection; and
//! the hosts that answered on the plan's subnets but could not be identified.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which devices' open findings to plan fixes for.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct FixPlanRequest {
    /// Device ids; empty for every device ("Fix all fixable").
    #[ts(type = "Array<number>")]
    pub devices: Vec<i64>,
}

/// One change a bulk fix will make.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PlannedFixDto {
    /// Finding id.
    #[ts(type = "number")]
    pub finding: i64,
    /// Device id.
    #[ts(type = "number")]
    pub device: i64,
    /// The device's name for people.
    pub device_label: String,
    /// The finding's title.
    pub title: String,
    /// The action, in words.
    pub description: String,
}

/// What a bulk fix will change (shown in one confirmation) and what it leaves.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FixPlanDto {
    /// The changes, by device.
    pub changes: Vec<PlannedFixDto>,
    /// Open findings of these devices Handover cannot fix on the device (fix by hand or waive).
    #[ts(type = "number")]
    pub not_fixable: usize,
}

/// Fix these findings, as one job.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct FixManyRequest {
    /// The job id (to match progress events).
    pub job: String,
    /// Finding ids, as the plan listed them.
    #[ts(type = "Array<number>")]
    pub findings: Vec<i64>,
}

/// One finding's result in a bulk fix.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FixResultDto {
    /// Finding id.
    #[ts(type = "number")]
    pub finding: i64,
    /// The device's name for people.
    pub device_label: String,
    /// Whether it was fixed and read back.
    pub fixed: bool,
    /// What was read back, or why not.
    pub detail: String,
}

/// What a bulk fix did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FixManyDto {
    /// Fixed and read back.
    #[ts(type = "number")]
    pub fixed: usize,
    /// Not fixed (see each result).
    #[ts(type = "number")]
    pub failed: usize,
    /// One per finding, in the order the devices answered.
    pub results: Vec<FixResultDto>,
}

/// Waive several findings with one reason.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct WaiveManyRequest {
    /// Finding ids.
    #[ts(type = "Array<number>")]
    pub findings: Vec<i64>,
    /// Why they are acceptable (recorded with each, with who and when).
    pub reason: String,
    /// Who on the customer's side accepts the risk (blank or absent: not approved yet).
    #[serde(default)]
    pub approver: Option<String>,
    /// The last day the waivers hold, `YYYY-MM-DD` (blank or absent: no expiry).
    #[serde(default)]
    pub expires: Option<String>,
}

/// Identify these devices again, as one job.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct IdentifyRequest {
    /// The job id (to cancel and to match progress events).
    pub job: String,
    /// Device ids.
    #[ts(type = "Array<number>")]
    pub devices: Vec<i64>,
}

/// What re-identifying did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct IdentifyDto {
    /// Devices with something read.
    #[ts(type = "number")]
    pub identified: usize,
    /// Devices with nothing read: name and why.
    pub failed: Vec<[String; 2]>,
}

/// A host that answered on a planned subnet but could not be identified.
#[derive(Debug, Clone, Serialize, TS)]
pub struct UnidentifiedHostDto {
    /// The planned subnet.
    pub subnet: String,
    /// Its VLAN, from the plan.
    pub vlan: Option<u16>,
    /// Its address.
    pub address: String,
    /// Why it is not in the inventory.
    pub reason: String,
    /// What to do next.
    pub next: String,
}
