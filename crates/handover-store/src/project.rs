//! An open project file: the exclusive lock, the SQLite connection with its pragmas, and the write operations,
//! each of which commits its change together with an audit entry.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::{Connection, OpenFlags, Transaction};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use handover_model::{
    Clock, CredentialRef, Device, DeviceId, DeviceLabel, Finding, FindingId, FindingStatus, Plan,
    ProjectId, Site, Waiver,
};

use crate::audit::{self, Entry, Verdict};
use crate::devices::{self, Change, Sighting};
use crate::error::{Error, Result};
use crate::findings::{self, NewFinding};
use crate::journal::{self, Phase, Rotation};
use crate::lock::ProjectLock;
use crate::meta::{self, ProjectMeta};
use crate::secrets::{self, SealedSecret, SecretName, SecretWrite, VaultRecord};
use crate::{credentials, migrate, plan, site};

/// "HOVR": marks a SQLite file as a Handover project.
const APPLICATION_ID: i32 = 0x484F_5652;

/// Who is acting: the technician's name, or `handover` for automatic steps. Recorded in the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(pub String);

impl Actor {
    /// Handover itself (automatic recovery, migrations).
    pub fn system() -> Self {
        Self("handover".into())
    }
}

pub(crate) fn ts(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_default()
}

pub(crate) fn parse_ts(s: &str) -> Result<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339)
        .map_err(|e| Error::Conflict(format!("bad timestamp {s:?} in the project file: {e}")))
}

/// An open, locked project file.
pub struct Project {
    conn: Connection,
    path: PathBuf,
    meta: ProjectMeta,
    clock: Arc<dyn Clock>,
    _lock: ProjectLock,
}

impl std::fmt::Debug for Project {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Project")
            .field("path", &self.path)
            .field("meta", &self.meta)
            .finish_non_exhaustive()
    }
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // A project file may come from anywhere: its schema (triggers, views) may not run functions with side
    // effects on our behalf.
    conn.pragma_update(None, "trusted_schema", false)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "journal_mode", "wal")?;
    // FULL: a committed journal phase or audit entry survives a power cut, which credential custody relies on.
    conn.pragma_update(None, "synchronous", "full")?;
    Ok(())
}

impl Project {
    /// Creates a new project file at `path` for `site`. Fails if the path exists.
    pub fn create(path: &Path, site: &Site, clock: Arc<dyn Clock>) -> Result<Self> {
        if path.exists() {
            return Err(Error::AlreadyExists {
                path: path.to_owned(),
            });
        }
        let lock = ProjectLock::acquire(path)?;
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        configure(&conn)?;
        migrate::apply_up_to(&mut conn, migrate::LATEST_VERSION)?;
        let now = clock.now();
        let id = ProjectId::new_random();
        let tx = conn.transaction()?;
        meta::insert(&tx, id, now)?;
        site::write(&tx, site)?;
        audit::append(
            &tx,
            now,
            &site.technician,
            "project.create",
            "project",
            &serde_json::json!({
                "project_id": id.to_string(), "site": site.name, "customer": site.customer,
            }),
        )?;
        tx.commit()?;
        Self::finish_open(conn, path, clock, lock)
    }

    /// Opens an existing project, migrating it to the current schema. Fails with [`Error::Locked`] if another
    /// process has it open.
    pub fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<Self> {
        if !path.is_file() {
            return Err(Error::NotFound {
                path: path.to_owned(),
            });
        }
        let lock = ProjectLock::acquire(path)?;
        let mut conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        let not_project = || Error::NotAProject {
            path: path.to_owned(),
        };
        let app: i32 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase) => not_project(),
                _ => e.into(),
            })?;
        if app != APPLICATION_ID {
            return Err(not_project());
        }
        configure(&conn)?;
        migrate::apply_up_to(&mut conn, migrate::LATEST_VERSION)?;
        Self::finish_open(conn, path, clock, lock)
    }

    fn finish_open(
        conn: Connection,
        path: &Path,
        clock: Arc<dyn Clock>,
        lock: ProjectLock,
    ) -> Result<Self> {
        let meta = meta::read(&conn)?.ok_or_else(|| Error::NotAProject {
            path: path.to_owned(),
        })?;
        Ok(Self {
            conn,
            path: path.to_owned(),
            meta,
            clock,
            _lock: lock,
        })
    }

    /// The project file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
    /// The project's identity.
    pub fn meta(&self) -> &ProjectMeta {
        &self.meta
    }
    /// The project id.
    pub fn id(&self) -> ProjectId {
        self.meta.project_id
    }
    /// The clock this project records times with.
    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }
    /// The connection, for the read functions of the table modules.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one transaction and appends the audit entry it returns; both commit together or not at all.
    pub(crate) fn audited<T>(
        &mut self,
        actor: &Actor,
        f: impl FnOnce(
            &Transaction<'_>,
            OffsetDateTime,
        ) -> Result<(T, Option<(String, String, serde_json::Value)>)>,
    ) -> Result<T> {
        let now = self.clock.now();
        let tx = self.conn.transaction()?;
        let (out, entry) = f(&tx, now)?;
        if let Some((action, subject, detail)) = entry {
            audit::append(&tx, now, &actor.0, &action, &subject, &detail)?;
        }
        tx.commit()?;
        Ok(out)
    }

    /// The site details.
    pub fn site(&self) -> Result<Site> {
        site::read(&self.conn)
    }
    /// IT's plan as imported (empty if none yet).
    pub fn plan(&self) -> Result<Plan> {
        plan::read(&self.conn)
    }
    /// Replaces the plan. `source` names where it came from (e.g. the CSV file name) for the audit log.
    pub fn import_plan(&mut self, p: &Plan, source: &str, actor: &Actor) -> Result<()> {
        p.validate().map_err(|e| Error::Conflict(e.to_string()))?;
        self.audited(actor, |tx, _| {
            plan::replace(tx, p)?;
            let vlans: Vec<_> = p
                .vlans
                .iter()
                .map(|v| serde_json::json!({"vlan": v.id, "subnet": v.subnet.to_string()}))
                .collect();
            Ok((
                (),
                Some((
                    "plan.import".into(),
                    "plan".into(),
                    serde_json::json!({"source": source, "vlans": vlans}),
                )),
            ))
        })
    }

    /// Every device.
    pub fn devices(&self) -> Result<Vec<Device>> {
        devices::list(&self.conn)
    }
    /// One device.
    pub fn device(&self, id: DeviceId) -> Result<Device> {
        devices::get(&self.conn, id)
    }
    /// Whether a sighting would match a device the project already knows (by endpoint reference, MAC or
    /// serial), i.e. recording it would not add a device. Nothing is written.
    pub fn knows(&self, s: &Sighting) -> Result<bool> {
        devices::matches(&self.conn, s)
    }

    /// Records a sighting (see [`devices`]); new devices and address changes are audited.
    pub fn record_sighting(&mut self, s: Sighting, actor: &Actor) -> Result<(Device, Change)> {
        self.audited(actor, |tx, now| {
            let (dev, change) = devices::record(tx, s, now)?;
            let entry = match &change {
                Change::New => Some((
                    "device.found".into(),
                    dev.id.to_string(),
                    serde_json::json!({
                        "address": dev.address.to_string(), "found_by": dev.found_by,
                    }),
                )),
                Change::Moved { from } => Some((
                    "device.moved".into(),
                    dev.id.to_string(),
                    serde_json::json!({
                        "from": from.to_string(), "to": dev.address.to_string(),
                    }),
                )),
                Change::Claimed { at } => Some((
                    "device.claimed".into(),
                    dev.id.to_string(),
                    serde_json::json!({
                        "claimed_by": at.to_string(), "stays_at": dev.address.to_string(),
                    }),
                )),
                Change::Seen => None,
            };
            Ok(((dev, change), entry))
        })
    }

    /// Forgets the TLS certificate pinned for a device (audited with the fingerprint forgotten); returns it,
    /// or None when none was pinned (nothing recorded then).
    pub fn forget_certificate(&mut self, id: DeviceId, actor: &Actor) -> Result<Option<String>> {
        self.audited(actor, |tx, _| {
            let old = devices::forget_certificate(tx, id)?;
            let entry = old.as_ref().map(|fp| {
                (
                    "device.certificate-forgotten".into(),
                    id.to_string(),
                    serde_json::json!({ "sha256": fp }),
                )
            });
            Ok((old, entry))
        })
    }

    /// Sets the name and location the technician gave devices, all in one transaction: every device must
    /// exist, or nothing changes. Each device whose label changed gets a `device.labelled` audit entry (old and
    /// new, and where the label came from). Returns the devices whose label changed.
    pub fn label_devices(
        &mut self,
        batch: &[(DeviceId, DeviceLabel)],
        source: &str,
        actor: &Actor,
    ) -> Result<Vec<DeviceId>> {
        let now = self.clock.now();
        let tx = self.conn.transaction()?;
        let mut changed = Vec::new();
        for (id, label) in batch {
            devices::get(&tx, *id)?;
            let old = crate::labels::get(&tx, *id)?;
            if &old == label {
                continue;
            }
            crate::labels::set(&tx, *id, label)?;
            audit::append(
                &tx,
                now,
                &actor.0,
                "device.labelled",
                &id.to_string(),
                &serde_json::json!({ "from": old, "to": label, "source": source }),
            )?;
            changed.push(*id);
        }
        tx.commit()?;
        Ok(changed)
    }

    /// Records many sightings in one transaction; new devices and moves are audited.
    pub fn record_sightings(
        &mut self,
        batch: Vec<Sighting>,
        actor: &Actor,
    ) -> Result<Vec<(Device, Change)>> {
        self.audited(actor, |tx, now| {
            let mut out = Vec::with_capacity(batch.len());
            let mut found = Vec::new();
            let mut moved = Vec::new();
            let mut claimed = Vec::new();
            for s in batch {
                let (dev, change) = devices::record(tx, s, now)?;
                match &change {
                    Change::New => found.push(serde_json::json!({"device": dev.id.to_string(), "address": dev.address.to_string()})),
                    Change::Moved { from } => moved.push(serde_json::json!({"device": dev.id.to_string(), "from": from.to_string(), "to": dev.address.to_string()})),
                    Change::Claimed { at } => claimed.push(serde_json::json!({"device": dev.id.to_string(), "claimed_by": at.to_string()})),
                    Change::Seen => {}
                }
                out.push((dev, change));
            }
            let entry = (!found.is_empty() || !moved.is_empty() || !claimed.is_empty()).then(|| {
                let mut detail = serde_json::json!({"found": found, "moved": moved});
                if !claimed.is_empty() {
                    detail["claimed"] = serde_json::Value::Array(claimed);
                }
                ("devices.seen".into(), "site".into(), detail)
            });
            Ok((out, entry))
        })
    }

    /// Every finding.
    pub fn findings(&self) -> Result<Vec<Finding>> {
        findings::list(&self.conn)
    }
    /// Raises or refreshes a finding; a new one is audited.
    pub fn raise_finding(&mut self, f: &NewFinding, actor: &Actor) -> Result<Finding> {
        self.audited(actor, |tx, now| {
            let (finding, new) = findings::raise(tx, f, now)?;
            let entry = new.then(|| ("finding.raise".into(), finding.id.to_string(), serde_json::json!({
                "device": finding.device.to_string(), "check": finding.check, "severity": finding.severity,
            })));
            Ok((finding, entry))
        })
    }
    /// Sets a finding's status, audited with `why`.
    pub fn set_finding_status(
        &mut self,
        id: FindingId,
        status: FindingStatus,
        why: &str,
        actor: &Actor,
    ) -> Result<()> {
        self.audited(actor, |tx, now| {
            findings::set_status(tx, id, status, now)?;
            Ok((
                (),
                Some((
                    "finding.status".into(),
                    id.to_string(),
                    serde_json::json!({"status": status, "why": why}),
                )),
            ))
        })
    }
    /// Waives a finding with a reason.
    pub fn waive(&mut self, id: FindingId, reason: &str, actor: &Actor) -> Result<Waiver> {
        self.waive_approved(id, reason, None, None, actor)
    }

    /// Waives a finding with a reason, the customer's approver and an expiry date (`YYYY-MM-DD`), either
    /// optional. A malformed date or an empty approver is refused and nothing changes.
    pub fn waive_approved(
        &mut self,
        id: FindingId,
        reason: &str,
        approver: Option<&str>,
        expires: Option<&str>,
        actor: &Actor,
    ) -> Result<Waiver> {
        let approver = waiver_terms(reason, approver, expires)?;
        self.audited(actor, |tx, now| {
            let w = Waiver {
                finding: id,
                reason: reason.trim().to_owned(),
                by: actor.0.clone(),
                at: now,
                approver: approver.clone(),
                expires: expires.map(str::to_owned),
            };
            findings::waive(tx, &w)?;
            Ok((
                w,
                Some((
                    "finding.waive".into(),
                    id.to_string(),
                    serde_json::json!({"reason": reason.trim(), "approver": approver, "expires": expires}),
                )),
            ))
        })
    }
    /// Every waiver.
    pub fn waivers(&self) -> Result<Vec<Waiver>> {
        findings::waivers(&self.conn)
    }

    /// Claims by other addresses to be a known device in custody (only the open ones when `open_only`).
    pub fn claims(&self, open_only: bool) -> Result<Vec<devices::Claim>> {
        devices::claims(&self.conn, open_only)
    }
    /// Closes a claim as proven (the device moved with it, by a sighting naming it) or refuted, audited.
    pub fn settle_claim(
        &mut self,
        claim: &devices::Claim,
        proven: bool,
        note: &str,
        actor: &Actor,
    ) -> Result<()> {
        self.audited(actor, |tx, _| {
            devices::settle_claim(tx, claim.id, proven, note)?;
            Ok((
                (),
                Some((
                    if proven {
                        "device.claim-proven"
                    } else {
                        "device.claim-refuted"
                    }
                    .into(),
                    claim.device.to_string(),
                    serde_json::json!({
                        "address": claim.address.to_string(), "xaddr": claim.xaddr, "note": note,
                    }),
                )),
            ))
        })
    }

    /// Every credential reference.
    pub fn credentials(&self) -> Result<Vec<CredentialRef>> {
        credentials::list(&self.conn)
    }
    /// Records what is known about an account's password (never the password), audited as `action`.
    pub fn put_credential(&mut self, c: &CredentialRef, action: &str, actor: &Actor) -> Result<()> {
        self.audited(actor, |tx, _| {
            credentials::put(tx, c)?;
            Ok((
                (),
                Some((
                    action.into(),
                    c.device.to_string(),
                    serde_json::json!({
                        "user": c.username, "state": c.state, "matched_default": c.matched_default,
                    }),
                )),
            ))
        })
    }

    /// Starts a rotation in the journal (phase `intent`) and applies `secrets` (the sealed pending password) in
    /// the same transaction; durable when this returns.
    pub fn rotation_begin(
        &mut self,
        device: DeviceId,
        username: &str,
        secrets: &[SecretWrite],
        actor: &Actor,
    ) -> Result<i64> {
        self.audited(actor, |tx, now| {
            let id = journal::begin(tx, device, username, now)?;
            secrets::apply(tx, secrets, now)?;
            Ok((
                id,
                Some((
                    "rotation.begin".into(),
                    device.to_string(),
                    serde_json::json!({"user": username, "rotation": id, "secrets": slots(secrets)}),
                )),
            ))
        })
    }
    /// Moves a rotation to `phase`, applying `secrets` and recording `credential` (when given) in the same
    /// transaction as the phase and its audit entry; durable when this returns.
    pub fn rotation_advance(
        &mut self,
        id: i64,
        device: DeviceId,
        change: PhaseChange<'_>,
        actor: &Actor,
    ) -> Result<()> {
        let PhaseChange {
            phase,
            note,
            secrets,
            credential,
            over_plain_http,
        } = change;
        self.audited(actor, |tx, now| {
            journal::advance(tx, id, phase, note, now)?;
            secrets::apply(tx, secrets, now)?;
            if let Some(c) = credential {
                credentials::put(tx, c)?;
            }
            Ok((
                (),
                Some((
                    "rotation.phase".into(),
                    device.to_string(),
                    {
                        let mut detail = serde_json::json!({
                            "rotation": id, "phase": phase, "note": note, "secrets": slots(secrets),
                            "credential": credential.map(|c| serde_json::json!({"user": c.username, "state": c.state})),
                        });
                        if over_plain_http {
                            detail["over_plain_http"] = true.into();
                        }
                        detail
                    },
                )),
            ))
        })
    }
    /// Applies secret writes (sealed by the vault) with an audit entry `action` about `subject`, in one
    /// transaction; `credential`, when given, is recorded in it too.
    pub fn write_secrets(
        &mut self,
        secrets: &[SecretWrite],
        credential: Option<&CredentialRef>,
        action: &str,
        subject: &str,
        actor: &Actor,
    ) -> Result<()> {
        self.audited(actor, |tx, now| {
            secrets::apply(tx, secrets, now)?;
            if let Some(c) = credential {
                credentials::put(tx, c)?;
            }
            Ok((
                (),
                Some((
                    action.into(),
                    subject.into(),
                    serde_json::json!({
                        "secrets": slots(secrets),
                        "credential": credential.map(|c| serde_json::json!({
                            "user": c.username, "state": c.state, "matched_default": c.matched_default,
                        })),
                    }),
                )),
            ))
        })
    }
    /// The sealed secret kept under `name`.
    pub fn secret(&self, name: &SecretName) -> Result<Option<SealedSecret>> {
        secrets::get(&self.conn, name)
    }
    /// Every sealed secret of the project.
    pub fn secrets(&self) -> Result<Vec<SealedSecret>> {
        secrets::list(&self.conn)
    }
    /// The project's vault record (its key's public fingerprint), if it has a vault key yet.
    pub fn vault(&self) -> Result<Option<VaultRecord>> {
        secrets::vault(&self.conn)
    }
    /// Records the vault key's fingerprint (first use) or that earlier versions' keyring entries were moved in,
    /// with `secrets` (the entries sealed in) in the same transaction, audited as `action`.
    pub fn set_vault(
        &mut self,
        record: &VaultRecord,
        secrets: &[SecretWrite],
        action: &str,
        actor: &Actor,
    ) -> Result<()> {
        self.audited(actor, |tx, now| {
            secrets::set_vault(tx, record)?;
            secrets::apply(tx, secrets, now)?;
            Ok((
                (),
                Some((
                    action.into(),
                    "project".into(),
                    serde_json::json!({
                        "key_id": record.key_id, "keyring_migrated": record.keyring_migrated,
                        "secrets": slots(secrets),
                    }),
                )),
            ))
        })
    }
    /// Rotations; only unsettled ones when `open_only`.
    pub fn rotations(&self, open_only: bool) -> Result<Vec<Rotation>> {
        journal::list(&self.conn, open_only)
    }

    /// Records what one discovery run tried on each subnet, in one transaction with its audit entry.
    pub fn record_discovery(
        &mut self,
        notes: &[crate::discovery::Note],
        actor: &Actor,
    ) -> Result<i64> {
        self.audited(actor, |tx, now| {
            let run = crate::discovery::next_run(tx)?;
            for n in notes {
                crate::discovery::add(tx, run, now, n)?;
            }
            let subnets: std::collections::BTreeSet<&str> =
                notes.iter().map(|n| n.subnet.as_str()).collect();
            Ok((
                run,
                Some((
                    "discovery.run".into(),
                    "site".into(),
                    serde_json::json!({"run": run, "subnets": subnets}),
                )),
            ))
        })
    }
    /// The latest discovery notes per subnet.
    pub fn discovery_notes(&self) -> Result<Vec<crate::discovery::StoredNote>> {
        crate::discovery::latest(&self.conn)
    }

    /// Records a login attempt (no audit entry: the outcome is audited by the workflow that made it).
    pub fn record_attempt(
        &mut self,
        device: DeviceId,
        username: &str,
        what: &str,
        outcome: &str,
    ) -> Result<()> {
        let now = self.clock.now();
        crate::attempts::add(&self.conn, device, now, username, what, outcome)
    }
    /// Failed login attempts on `device` within the last `window`.
    pub fn recent_failures(&self, device: DeviceId, window: time::Duration) -> Result<u32> {
        crate::attempts::failures_since(&self.conn, device, self.clock.now() - window)
    }

    /// Adds or updates a switch (its secret goes to the keyring, not here).
    pub fn put_switch(
        &mut self,
        name: &str,
        address: &str,
        version: &str,
        v3_user: Option<&str>,
        actor: &Actor,
    ) -> Result<i64> {
        self.audited(actor, |tx, _| {
            let id = crate::switches::upsert(tx, name, address, version, v3_user)?;
            Ok((
                id,
                Some((
                    "switch.add".into(),
                    name.into(),
                    serde_json::json!({"address": address, "version": version}),
                )),
            ))
        })
    }
    /// Every switch.
    pub fn switches(&self) -> Result<Vec<crate::switches::Switch>> {
        crate::switches::list(&self.conn)
    }

    /// Appends a free-standing audit entry (for actions with no table of their own, e.g. a report signed).
    pub fn record(
        &mut self,
        actor: &Actor,
        action: &str,
        subject: &str,
        detail: serde_json::Value,
    ) -> Result<Entry> {
        let now = self.clock.now();
        let tx = self.conn.transaction()?;
        let e = audit::append(&tx, now, &actor.0, action, subject, &detail)?;
        tx.commit()?;
        Ok(e)
    }
    /// The newest audit entry with this action and subject, if any.
    pub fn audit_latest(&self, action: &str, subject: &str) -> Result<Option<Entry>> {
        audit::latest(&self.conn, action, subject)
    }
    /// Audit entries after `after_seq`, at most `limit`.
    pub fn audit_entries(&self, after_seq: i64, limit: i64) -> Result<Vec<Entry>> {
        audit::entries(&self.conn, after_seq, limit)
    }
    /// Walks the audit chain.
    pub fn audit_verify(&self) -> Result<Verdict> {
        audit::verify(&self.conn)
    }
}

/// A rotation's move to its next phase, with what commits together with it.
#[derive(Debug, Clone, Copy)]
pub struct PhaseChange<'a> {
    /// The new phase.
    pub phase: Phase,
    /// A short note (never a secret).
    pub note: &'a str,
    /// Sealed secrets written or removed in the same transaction.
    pub secrets: &'a [SecretWrite],
    /// The account's credential reference, recorded in the same transaction when given.
    pub credential: Option<&'a CredentialRef>,
    /// The change crossed the network over plain HTTP (the device offers no working HTTPS and the technician
    /// allowed it); said in the audit entry so the report can list the device.
    pub over_plain_http: bool,
}

impl<'a> PhaseChange<'a> {
    /// Just the phase and a note.
    pub fn to(phase: Phase, note: &'a str) -> Self {
        Self {
            phase,
            note,
            secrets: &[],
            credential: None,
            over_plain_http: false,
        }
    }
}

/// What an audit entry says of secret writes: which slots were written or removed (never a secret).
fn slots(writes: &[SecretWrite]) -> Vec<String> {
    writes
        .iter()
        .map(|w| {
            let (verb, name) = match w {
                SecretWrite::Put(s) => ("sealed", &s.name),
                SecretWrite::Delete(n) => ("removed", n),
            };
            match name {
                SecretName::Device {
                    device,
                    username,
                    slot,
                } => format!("{verb} {device}/{username}#{slot}"),
                SecretName::Project { name } => format!("{verb} {name}"),
            }
        })
        .collect()
}

/// Checks a waiver's terms before anything is written: a reason, an approver that is not blank (returned
/// trimmed) and an expiry that is a date (`YYYY-MM-DD`). [`Project::waive_approved`] applies it; callers
/// that waive several findings apply it first so a bad term changes nothing.
pub fn waiver_terms(
    reason: &str,
    approver: Option<&str>,
    expires: Option<&str>,
) -> Result<Option<String>> {
    if reason.trim().is_empty() {
        return Err(Error::Conflict("a waiver needs a reason".into()));
    }
    let approver = match approver.map(str::trim) {
        Some("") => {
            return Err(Error::Conflict(
                "the approver is empty: name the customer's person who accepts the risk".into(),
            ));
        }
        other => other.map(str::to_owned),
    };
    if let Some(e) = expires {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(e, format)
            .map_err(|_| Error::Conflict(format!("expiry {e:?} is not a date (YYYY-MM-DD)")))?;
    }
    Ok(approver)
}
