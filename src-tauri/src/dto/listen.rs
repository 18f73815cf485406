//! Shapes of the Hello/Bye listener that runs while a project is open: its state (shown in the header) and
//! each announcement heard (pushed as a `device-heard` event, so the Devices and Discover screens update live).

use serde::Serialize;
use ts_rs::TS;

/// Where the listener stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ListenerState {
    /// No project open.
    Stopped,
    /// Turned off (`HANDOVER_LISTEN=off`).
    Off,
    /// Joined and listening.
    Listening,
    /// Could not listen; `detail` says why and what to do.
    Failed,
}

/// The listener's status.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ListenerStatus {
    /// The state.
    pub state: ListenerState,
    /// The interfaces it joined the WS-Discovery group on (or, listening on one address, that address).
    pub on: Vec<String>,
    /// For people.
    pub detail: String,
    /// Announcements heard since the project was opened.
    #[ts(type = "number")]
    pub heard: u64,
}

impl ListenerStatus {
    /// Not listening, and why.
    pub fn not_listening(state: ListenerState, detail: impl Into<String>) -> Self {
        ListenerStatus {
            state,
            on: Vec::new(),
            detail: detail.into(),
            heard: 0,
        }
    }
}

/// A `device-heard` event: one Hello or Bye, as recorded in the project.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DeviceHeard {
    /// `hello` or `bye`.
    pub kind: String,
    /// The device in the project (a Bye from a device the project does not know names none).
    #[ts(type = "number | null")]
    pub device: Option<i64>,
    /// The device's name for people (its address when unknown).
    pub label: String,
    /// Where it announced itself from.
    pub address: String,
    /// For a Hello: `new`, `seen` or `moved`; for a Bye: `left`.
    pub change: String,
    /// When it was heard (RFC 3339).
    pub at: String,
}
