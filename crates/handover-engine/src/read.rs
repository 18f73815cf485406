//! What front ends read from the open project: devices, findings, credential references (never secrets), the
//! plan, switches, the audit log and the project's clock. Read-only; every change goes through a workflow.

use std::path::Path;

use handover_model::{
    CredentialRef, Device, DeviceId, Finding, FindingId, Plan, ProjectId, Site, Waiver,
};
use handover_policy::checks::Settings;
use handover_store::audit::Entry;
use handover_store::switches::Switch;
use time::{Date, OffsetDateTime};

use crate::error::Result;
use crate::session::Session;

/// The largest clock difference, in seconds, a device may have before `time.skew` is raised (overridable per
/// run with `check --max-skew`).
pub const DEFAULT_MAX_CLOCK_SKEW_SECS: i64 = 10;

impl Session {
    /// Every device, in id order.
    pub fn devices(&self) -> Result<Vec<Device>> {
        Ok(self.project().devices()?)
    }

    /// One device (`not found` names the id).
    pub fn device(&self, id: DeviceId) -> Result<Device> {
        Ok(self.project().device(id)?)
    }

    /// Every finding, in id order.
    pub fn findings(&self) -> Result<Vec<Finding>> {
        Ok(self.project().findings()?)
    }

    /// One finding.
    pub fn finding(&self, id: FindingId) -> Result<Finding> {
        Ok(handover_store::findings::get(self.project().conn(), id)?)
    }

    /// Every waiver.
    pub fn waivers(&self) -> Result<Vec<Waiver>> {
        Ok(self.project().waivers()?)
    }

    /// Every credential reference (which account, in which state; the secrets stay sealed).
    pub fn credentials(&self) -> Result<Vec<CredentialRef>> {
        Ok(self.project().credentials()?)
    }

    /// IT's plan (empty when none was imported).
    pub fn plan(&self) -> Result<Plan> {
        Ok(self.project().plan()?)
    }

    /// The site details.
    pub fn site(&self) -> Result<Site> {
        Ok(self.project().site()?)
    }

    /// The managed switches added to the project.
    pub fn switches(&self) -> Result<Vec<Switch>> {
        Ok(self.project().switches()?)
    }

    /// Up to `limit` audit entries after sequence number `after` (0: from the first).
    pub fn audit_entries(&self, after: i64, limit: i64) -> Result<Vec<Entry>> {
        Ok(self.project().audit_entries(after, limit)?)
    }

    /// The `limit` newest audit entries before sequence number `before` (`None`: up to the head), newest first:
    /// what `handover audit log` and the app's audit panel show, a page at a time.
    pub fn audit_recent(&self, before: Option<i64>, limit: i64) -> Result<Vec<Entry>> {
        let end = match before {
            Some(b) => b - 1,
            None => self.audit_head()?.0,
        };
        if end <= 0 || limit <= 0 {
            return Ok(Vec::new());
        }
        let after = (end - limit).max(0);
        let mut page = self.project().audit_entries(after, end - after)?;
        page.reverse();
        Ok(page)
    }

    /// The audit log's last sequence number and head hash.
    pub fn audit_head(&self) -> Result<(i64, String)> {
        Ok(handover_store::audit::head(self.project().conn())?)
    }

    /// Rotations a crash or a rebooting device left unsettled (what `recover` settles).
    pub fn unsettled_rotations(&self) -> Result<usize> {
        Ok(self.project().rotations(true)?.len())
    }

    /// The project's clock (a test clock in tests).
    pub fn now(&self) -> OffsetDateTime {
        self.project().now()
    }

    /// Today, by the project's clock.
    pub fn today(&self) -> Date {
        self.now().date()
    }

    /// The project's id (names its vault key in the keyring).
    pub fn project_id(&self) -> ProjectId {
        self.project().id()
    }

    /// Where the project file is.
    pub fn path(&self) -> &Path {
        self.path_buf()
    }

    /// The checks' thresholds for today: the default clock-skew limit unless `max_skew_secs` overrides it.
    pub fn check_settings(&self, max_skew_secs: Option<i64>) -> Settings {
        Settings {
            max_clock_skew_secs: max_skew_secs.unwrap_or(DEFAULT_MAX_CLOCK_SKEW_SECS),
            today: self.today(),
        }
    }
}
