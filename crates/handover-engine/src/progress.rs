//! Progress of long work, pushed to whichever front end is listening (a terminal bar, the desktop app's
//! events). Cheap to emit; front ends compute time left from `done`, `total` and `elapsed_ms`.

use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

/// Which workflow is reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// WS-Discovery, sweeps, mDNS/SSDP.
    Discover,
    /// Reading what each device is.
    Identify,
    /// Trying catalog defaults.
    FindDefaults,
    /// Rotating passwords.
    Rotate,
    /// Settling interrupted rotations.
    Recover,
    /// Asking switches.
    Switch,
    /// Running the checks.
    Check,
    /// Fixing findings.
    Fix,
    /// Upgrading firmware.
    Firmware,
}

/// One progress report.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    /// The workflow.
    pub step: Step,
    /// Items finished.
    pub done: usize,
    /// Items in all (0 when not known yet).
    pub total: usize,
    /// Milliseconds since the step started.
    pub elapsed_ms: u64,
    /// What just happened, for people (never a secret).
    pub message: String,
}

/// Where progress goes.
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// A progress sink that drops everything.
pub fn silent() -> ProgressFn {
    Arc::new(|_| {})
}

/// Emits progress for one step.
pub(crate) struct Reporter {
    sink: ProgressFn,
    step: Step,
    started: Instant,
    pub(crate) done: usize,
    pub(crate) total: usize,
}

impl Reporter {
    pub(crate) fn new(sink: &ProgressFn, step: Step, total: usize) -> Self {
        Self {
            sink: sink.clone(),
            step,
            started: Instant::now(),
            done: 0,
            total,
        }
    }
    pub(crate) fn say(&self, message: impl Into<String>) {
        (self.sink)(&Progress {
            step: self.step,
            done: self.done,
            total: self.total,
            elapsed_ms: self.started.elapsed().as_millis() as u64,
            message: message.into(),
        });
    }
    pub(crate) fn tick(&mut self, message: impl Into<String>) {
        self.done += 1;
        self.say(message);
    }
}
