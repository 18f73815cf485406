//! A session: one open project and the operations on it. Front ends hold a `Session` for as long as the
//! technician works on the project; dropping it releases the project for other processes.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use handover_devices::DeviceClient;
use handover_model::{Plan, Site};
use handover_store::audit::Verdict;
use handover_store::{Actor, Project};
use handover_vault::CredentialStore;

use crate::env::Env;
use crate::error::{Error, Result};
use crate::project_lock::{ProjectGuard, ProjectLock};
use crate::status::{CountBy, Status, VlanSummary};

/// What a new project needs.
#[derive(Debug, Clone)]
pub struct NewProject {
    /// Where the project file goes.
    pub path: PathBuf,
    /// The site details.
    pub site: Site,
    /// IT's plan, if already at hand.
    pub plan: Option<(Plan, String)>,
}

type CatalogCache = Mutex<
    Option<(
        crate::catalogs::Stamp,
        (handover_policy::Catalogs, Vec<crate::catalogs::Ignored>),
    )>,
>;

/// The keyring once opened (its handle says nothing worth printing).
struct OpenKeyring(Mutex<Option<Arc<dyn CredentialStore>>>);

impl std::fmt::Debug for OpenKeyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OpenKeyring")
    }
}

/// An open project. Shared (`&Session`, `Arc<Session>`): a long workflow, the Hello listener and reads run on
/// it at once, each call taking the project lock only for its own reads and writes; workflows that change
/// devices (discovery, custody, fixes, upgrades) run one at a time (`Session::exclusive`).
#[derive(Debug)]
pub struct Session {
    project: ProjectLock,
    /// Where the project file is (fixed while it is open).
    path: PathBuf,
    actor: Actor,
    /// The clock, device client, keyring, data folder and catalogs every workflow uses.
    env: Env,
    /// The project's vault key, read from the OS keyring on first use (`Session::vault`).
    pub(crate) vault: Mutex<Option<handover_vault::Sealer>>,
    /// The keyring as opened by the first use that reached it (`Session::keyring`).
    keyring_open: OpenKeyring,
    /// The catalogs last loaded from the data folder, with the files' stamp then (`Session::catalogs`).
    pub(crate) catalog_cache: CatalogCache,
    /// Rate limits on announcements heard while listening (`Session::record_announcement`).
    pub(crate) announcements: Mutex<Option<crate::listen::limit::Limiter>>,
    /// Held by each workflow that works on devices, so two never interleave.
    work: tokio::sync::Mutex<()>,
}

/// The fewest characters a waiver's reason may have: it goes into the signed report for IT to read.
pub const MIN_WAIVER_REASON_CHARS: usize = 5;

/// A waiver's reason, trimmed, or why it is refused.
fn waiver_reason(reason: &str) -> Result<&str> {
    let reason = reason.trim();
    if reason.chars().count() < MIN_WAIVER_REASON_CHARS {
        return Err(Error::Invalid(format!(
            "give a reason IT can read (at least {MIN_WAIVER_REASON_CHARS} characters, a few words): it goes \
             into the signed report"
        )));
    }
    Ok(reason)
}

/// What a waiver says: why the risk is acceptable (at least [`MIN_WAIVER_REASON_CHARS`] characters), who
/// on the customer's side accepts it, and until when (`YYYY-MM-DD`). A waiver without an approver shows in
/// the report as not approved by the customer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WaiverTerms {
    /// Why it is acceptable; goes into the signed report.
    pub reason: String,
    /// The customer's person who accepts the risk, e.g. "M. Lindqvist (IT security)".
    pub approver: Option<String>,
    /// The last day the waiver holds, `YYYY-MM-DD`.
    pub expires: Option<String>,
}

impl WaiverTerms {
    /// Terms with a reason only (no approver yet, no expiry).
    pub fn because(reason: impl Into<String>) -> Self {
        WaiverTerms {
            reason: reason.into(),
            ..WaiverTerms::default()
        }
    }
}

/// Reads and parses a plan CSV file; nothing is written anywhere. A file larger than any plan (or one that never
/// ends, such as `/dev/zero`) is refused as too large without being read into memory.
pub fn read_plan_csv(path: &Path) -> Result<Plan> {
    let bytes = crate::files::read_at_most(path, handover_model::MAX_PLAN_BYTES as u64)?;
    Plan::from_csv(&bytes).map_err(|source| Error::PlanCsv {
        path: path.to_owned(),
        source,
    })
}

/// IT's plan CSV as a front end previews it before importing: the file's lines (none when it is larger than
/// any plan) and what the import would make of them, the first problem located by line and column.
pub struct PlanPreview {
    /// The file's lines, for showing a problem in place.
    pub lines: Vec<String>,
    /// The plan, or the import's refusal (`Error::PlanCsv` for a problem in the file, naming its line).
    pub plan: Result<Plan>,
}

/// Reads a plan CSV for a preview; an error only when the file cannot be read at all.
pub fn preview_plan_csv(path: &Path) -> Result<PlanPreview> {
    let bytes = crate::files::read_at_most(path, handover_model::MAX_PLAN_BYTES as u64)?;
    let plan = Plan::from_csv(&bytes).map_err(|source| Error::PlanCsv {
        path: path.to_owned(),
        source,
    });
    let lines = if bytes.len() > handover_model::MAX_PLAN_BYTES {
        Vec::new()
    } else {
        String::from_utf8_lossy(&bytes)
            .lines()
            .map(str::to_owned)
            .collect()
    };
    Ok(PlanPreview { lines, plan })
}

impl Session {
    fn with(project: Project, actor: Actor, env: Env) -> Self {
        Self {
            path: project.path().to_owned(),
            project: ProjectLock::new(project),
            actor,
            env,
            vault: Mutex::new(None),
            catalog_cache: Mutex::new(None),
            keyring_open: OpenKeyring(Mutex::new(None)),
            announcements: Mutex::new(None),
            work: tokio::sync::Mutex::new(()),
        }
    }

    /// Creates a project (and imports its plan) and opens it in `env`. On a bad plan nothing is created.
    pub fn create(new: NewProject, env: Env) -> Result<Self> {
        if new.site.technician.trim().is_empty() {
            return Err(Error::Invalid(
                "the technician's name is required: it goes into the audit log and the report"
                    .into(),
            ));
        }
        if let Some((plan, _)) = &new.plan {
            plan.validate()?;
        }
        let actor = Actor(new.site.technician.clone());
        let mut project = Project::create(&new.path, &new.site, env.clock.clone())?;
        if let Some((plan, source)) = &new.plan {
            project.import_plan(plan, source, &actor)?;
        }
        Ok(Self::with(project, actor, env))
    }

    /// Opens an existing project in `env` (front ends: [`Env::os`]). The acting technician is the site's,
    /// unless `actor` names another.
    pub fn open(path: &Path, actor: Option<String>, env: Env) -> Result<Self> {
        let project = Project::open(path, env.clock.clone())?;
        let actor = Actor(actor.unwrap_or(project.site()?.technician));
        Ok(Self::with(project, actor, env))
    }

    /// The environment the session was opened in.
    pub(crate) fn env(&self) -> &Env {
        &self.env
    }

    /// The shared device client.
    pub(crate) fn client(&self) -> &DeviceClient {
        &self.env.client
    }

    /// The keyring holding the project's vault key: opened once, by the first use that reaches it (a keyring
    /// locked or unreachable then is tried again at the next use, so unlocking it later needs no reopening).
    pub(crate) fn keyring(&self) -> Result<Arc<dyn CredentialStore>> {
        let mut open = self
            .keyring_open
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(k) = open.as_ref() {
            return Ok(k.clone());
        }
        let k = self.env.keyring()?;
        *open = Some(k.clone());
        Ok(k)
    }

    /// Opens the session's keyring now, or says what to do when it is locked or missing: for a front end that
    /// says so before it asks the technician anything or any device is asked. Workflows open it themselves.
    pub fn keyring_ready(&self) -> Result<()> {
        self.keyring().map(|_| ())
    }

    /// The app's data folder (imported catalogs, the report CA).
    pub fn data_dir(&self) -> &Path {
        &self.env.data_dir
    }

    /// The open project, for the engine's modules (front ends read through `read.rs`), until the guard drops.
    /// Keep it to one statement: taking it again while it lives panics.
    pub(crate) fn project(&self) -> ProjectGuard<'_> {
        self.project.lock()
    }

    /// The same, for writes.
    pub(crate) fn project_mut(&self) -> ProjectGuard<'_> {
        self.project.lock()
    }

    pub(crate) fn path_buf(&self) -> &Path {
        &self.path
    }

    /// The lock itself, for workflows whose device futures write one at a time.
    pub(crate) fn project_lock(&self) -> &ProjectLock {
        &self.project
    }

    /// Waits until no other device workflow runs on this session, then holds that until dropped.
    pub(crate) async fn exclusive(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.work.lock().await
    }

    /// The open project's store, for tests that inspect what a workflow left behind (sealed secrets, the
    /// rotation journal, claims). Only with the `test-support` feature; the shipped front ends never see it.
    #[cfg(feature = "test-support")]
    #[doc(hidden)]
    pub fn store_for_tests(&self) -> ProjectGuard<'_> {
        self.project.lock()
    }

    /// Who is acting.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Records a device sighting (discovery, identification, or a manual add).
    pub fn record_sighting(
        &self,
        s: handover_store::devices::Sighting,
    ) -> Result<(handover_model::Device, handover_store::devices::Change)> {
        Ok(self.project_mut().record_sighting(s, &self.actor)?)
    }

    /// Records many sightings in one transaction (a discovery round's worth).
    pub fn record_sightings(
        &self,
        batch: Vec<handover_store::devices::Sighting>,
    ) -> Result<Vec<(handover_model::Device, handover_store::devices::Change)>> {
        Ok(self.project_mut().record_sightings(batch, &self.actor)?)
    }

    /// Waives findings on the same terms (reason, and optionally the customer's approver and an expiry
    /// date), each recorded with who and when. The terms and every id are checked before the first is
    /// waived, so a bad term or a wrong id changes nothing. Returns the waivers in the order given.
    pub fn waive(
        &self,
        ids: &[handover_model::FindingId],
        terms: &WaiverTerms,
    ) -> Result<Vec<handover_model::Waiver>> {
        let reason = waiver_reason(&terms.reason)?;
        if ids.is_empty() {
            return Err(Error::Invalid("name at least one finding to waive".into()));
        }
        let (approver, expires) = (terms.approver.as_deref(), terms.expires.as_deref());
        handover_store::waiver_terms(reason, approver, expires)?;
        if let Some(e) = expires {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            if time::Date::parse(e, format).is_ok_and(|d| d < self.today()) {
                return Err(Error::Invalid(format!(
                    "the expiry {e} is in the past: a waiver must hold at least until today ({})",
                    self.today()
                )));
            }
        }
        for id in ids {
            self.finding(*id)?;
        }
        ids.iter()
            .map(|id| {
                Ok(self.project_mut().waive_approved(
                    *id,
                    reason,
                    approver,
                    expires,
                    &self.actor,
                )?)
            })
            .collect()
    }

    /// Replaces the plan with the one in a CSV file. A bad file changes nothing.
    pub fn import_plan_csv(&self, path: &Path) -> Result<Plan> {
        let plan = read_plan_csv(path)?;
        let source = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.project_mut()
            .import_plan(&plan, &source, &self.actor)?;
        Ok(plan)
    }

    /// Walks the audit chain.
    pub fn verify_audit(&self) -> Result<Verdict> {
        Ok(self.project().audit_verify()?)
    }

    /// The project at a glance.
    pub fn status(&self) -> Result<Status> {
        let p = self.project();
        let plan = p.plan()?;
        let devices = p.devices()?;
        let vlans = plan
            .vlans
            .iter()
            .map(|v| VlanSummary {
                vlan: v.id,
                name: v.name.clone(),
                subnet: v.subnet.to_string(),
                roles: v.roles.iter().map(ToString::to_string).collect(),
                devices: devices
                    .iter()
                    .filter(|d| v.subnet.contains(&d.address))
                    .count(),
            })
            .collect();
        let mut findings = CountBy::new();
        for f in p.findings()? {
            *findings.entry(f.status.to_string()).or_default() += 1;
        }
        let mut credentials = CountBy::new();
        for c in p.credentials()? {
            *credentials.entry(c.state.to_string()).or_default() += 1;
        }
        let verdict = p.audit_verify()?;
        Ok(Status {
            path: p.path().display().to_string(),
            meta: p.meta().clone(),
            site: p.site()?,
            vlans,
            devices: devices.len(),
            devices_outside_plan: devices
                .iter()
                .filter(|d| plan.vlan_for_address(d.address).is_none())
                .count(),
            findings,
            credentials,
            unsettled_rotations: p.rotations(true)?.len(),
            unsettled_upgrades: p.upgrades(true)?.len(),
            audit_entries: verdict.entries,
            audit_head: verdict.head_hash.clone(),
            audit_intact: verdict.is_intact(),
        })
    }
}
