//! App-wide shapes: the app's version, the keyring status, progress events.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the front end needs to know about the app.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    /// The app's version.
    pub version: String,
}

pub use handover_engine::env::{KeyringState, KeyringStatus};

/// A `progress` event.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ProgressEvent {
    /// The job id the front end chose.
    pub job: String,
    /// What the job is, e.g. "Running checks".
    pub label: String,
    /// Steps done.
    #[ts(type = "number")]
    pub done: u64,
    /// Steps in all.
    #[ts(type = "number")]
    pub total: u64,
    /// Time since the start.
    #[ts(type = "number")]
    pub elapsed_ms: u64,
    /// Time left at the pace so far, once known.
    #[ts(type = "number | null")]
    pub eta_ms: Option<u64>,
    /// What is being done now.
    pub detail: String,
    /// The last event of the job.
    pub finished: bool,
    /// The job ended because it was cancelled.
    pub cancelled: bool,
}

/// Run discovery.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct DiscoverRequest {
    /// The job id (to cancel and to match progress events).
    pub job: String,
    /// Sweep every subnet of the plan by unicast.
    pub sweep_plan: bool,
    /// Send multicast WS-Discovery probes on the laptop's interfaces.
    pub multicast: bool,
    /// Further IPv4 ranges in CIDR form.
    pub ranges: Vec<String>,
}

/// One subnet's outcome.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SubnetLineDto {
    /// The subnet.
    pub subnet: String,
    /// found, no-route, silence, not-onvif or refused.
    pub outcome: String,
    /// For people.
    pub detail: String,
}

/// What a discovery run did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DiscoverSummaryDto {
    /// Distinct devices that answered.
    #[ts(type = "number")]
    pub found: usize,
    /// New to the project.
    #[ts(type = "number")]
    pub new: usize,
    /// Seen at a new address.
    #[ts(type = "number")]
    pub moved: usize,
    /// Identified over ONVIF.
    #[ts(type = "number")]
    pub identified: usize,
    /// Not identified: address and why.
    pub unidentified: Vec<[String; 2]>,
    /// Per subnet.
    pub subnets: Vec<SubnetLineDto>,
}
