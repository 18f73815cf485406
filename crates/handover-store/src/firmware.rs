//! Firmware upgrades in the project file (schema 5, self-contained): the folder the project takes images from,
//! the images the technician accepted although the signed catalog does not list them, and the upgrade journal,
//! one row per device upgrade, advanced phase by phase and durable before each step on the device, so that
//! after a crash `firmware recover` knows which upgrades to settle by asking the device its version.
//!
//! Phases: `intent` (nothing sent yet), `sent` (the image went out; the device may be rebooting), then
//! `upgraded` (the device came back running the target version and took the held password) or `not-upgraded`
//! (it runs the version it had, or refused the image).

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use handover_model::DeviceId;

use crate::error::{Error, Result};
use crate::migrate::Step;
use crate::project::{Actor, Project, parse_ts, ts};

pub(crate) const MIGRATIONS: &[Step] = &[Step {
    version: 5,
    sql: "CREATE TABLE firmware_settings (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        folder TEXT NOT NULL
    ) STRICT;
    CREATE TABLE firmware_accepted (
        sha256 TEXT PRIMARY KEY,
        file TEXT NOT NULL,
        reason TEXT NOT NULL,
        accepted_by TEXT NOT NULL,
        accepted_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE firmware_journal (
        id INTEGER PRIMARY KEY,
        device_id INTEGER NOT NULL REFERENCES devices (id),
        image_sha256 TEXT NOT NULL,
        image_file TEXT NOT NULL,
        from_version TEXT NOT NULL,
        to_version TEXT NOT NULL,
        phase TEXT NOT NULL CHECK (phase IN ('intent', 'sent', 'upgraded', 'not-upgraded')),
        expected_down_secs INTEGER,
        started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT ''
    ) STRICT;
    CREATE INDEX firmware_journal_open ON firmware_journal (phase);",
}];

/// An upgrade's phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UpgradePhase {
    /// Recorded; nothing sent yet.
    Intent,
    /// The image was sent (or its sending began): the device may be installing or rebooting.
    Sent,
    /// The device came back with the target version and took the held password.
    Upgraded,
    /// The device runs the version it had (refused the image, or fell back after a failed boot).
    NotUpgraded,
}

impl UpgradePhase {
    /// Whether the upgrade still needs settling.
    pub fn is_open(self) -> bool {
        matches!(self, UpgradePhase::Intent | UpgradePhase::Sent)
    }
    fn as_str(self) -> &'static str {
        match self {
            UpgradePhase::Intent => "intent",
            UpgradePhase::Sent => "sent",
            UpgradePhase::Upgraded => "upgraded",
            UpgradePhase::NotUpgraded => "not-upgraded",
        }
    }
}

/// One device upgrade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Upgrade {
    /// Journal row id.
    pub id: i64,
    /// The device.
    pub device: DeviceId,
    /// SHA-256 of the image sent.
    pub image_sha256: String,
    /// Its file name.
    pub image_file: String,
    /// The version before.
    pub from_version: String,
    /// The version the image installs.
    pub to_version: String,
    /// Where it got to.
    pub phase: UpgradePhase,
    /// When it started.
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// When it last moved.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// What happened, for people.
    pub note: String,
    /// How long the device said it would be away, when it said.
    pub expected_down_secs: Option<u64>,
}

/// An upgrade about to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUpgrade<'a> {
    /// The device.
    pub device: DeviceId,
    /// SHA-256 of the image.
    pub image_sha256: &'a str,
    /// Its file name.
    pub image_file: &'a str,
    /// The version before.
    pub from_version: &'a str,
    /// The version the image installs.
    pub to_version: &'a str,
}

/// An image the technician accepted without the catalog's approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AcceptedImage {
    /// Its SHA-256.
    pub sha256: String,
    /// The file name when accepted.
    pub file: String,
    /// Why, in the technician's words.
    pub reason: String,
    /// Who.
    pub accepted_by: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub accepted_at: OffsetDateTime,
}

/// The firmware folder the project points to, if set.
pub fn folder(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT folder FROM firmware_settings WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .optional()?)
}

/// Images accepted by the technician, oldest first.
pub fn accepted(conn: &Connection) -> Result<Vec<AcceptedImage>> {
    let mut stmt = conn.prepare(
        "SELECT sha256, file, reason, accepted_by, accepted_at FROM firmware_accepted ORDER BY accepted_at, sha256",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (sha256, file, reason, accepted_by, at) = row?;
        out.push(AcceptedImage {
            sha256,
            file,
            reason,
            accepted_by,
            accepted_at: parse_ts(&at)?,
        });
    }
    Ok(out)
}

/// Upgrades, oldest first; only the unsettled ones when `open_only`.
pub fn upgrades(conn: &Connection, open_only: bool) -> Result<Vec<Upgrade>> {
    let sql = format!(
        "SELECT id, device_id, image_sha256, image_file, from_version, to_version, phase, started_at, updated_at, note,
         expected_down_secs FROM firmware_journal {} ORDER BY id",
        if open_only {
            "WHERE phase IN ('intent', 'sent')"
        } else {
            ""
        }
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], |r| {
        Ok((
            (r.get::<_, i64>(0)?, r.get::<_, i64>(1)?),
            (r.get::<_, String>(2)?, r.get::<_, String>(3)?),
            (r.get::<_, String>(4)?, r.get::<_, String>(5)?),
            r.get::<_, String>(6)?,
            (r.get::<_, String>(7)?, r.get::<_, String>(8)?),
            (r.get::<_, String>(9)?, r.get::<_, Option<i64>>(10)?),
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (
            (id, device),
            (image_sha256, image_file),
            (from_version, to_version),
            phase,
            (s, u),
            (note, down),
        ) = row?;
        out.push(Upgrade {
            id,
            device: DeviceId(device),
            image_sha256,
            image_file,
            from_version,
            to_version,
            phase: serde_json::from_value(serde_json::Value::String(phase))?,
            started_at: parse_ts(&s)?,
            updated_at: parse_ts(&u)?,
            note,
            expected_down_secs: down.and_then(|d| u64::try_from(d).ok()),
        });
    }
    Ok(out)
}

impl Project {
    /// Points the project at a firmware folder (audited).
    pub fn set_firmware_folder(&mut self, folder: &str, actor: &Actor) -> Result<()> {
        self.audited(actor, |tx, _| {
            tx.execute(
                "INSERT INTO firmware_settings (id, folder) VALUES (1, ?1)
                 ON CONFLICT (id) DO UPDATE SET folder = excluded.folder",
                [folder],
            )?;
            Ok((
                (),
                Some((
                    "firmware.folder".into(),
                    "project".into(),
                    serde_json::json!({"folder": folder}),
                )),
            ))
        })
    }

    /// Records the technician's explicit acceptance of an image the signed catalog does not list (audited).
    pub fn accept_firmware_image(
        &mut self,
        sha256: &str,
        file: &str,
        reason: &str,
        actor: &Actor,
    ) -> Result<()> {
        self.audited(actor, |tx, now| {
            tx.execute(
                "INSERT INTO firmware_accepted (sha256, file, reason, accepted_by, accepted_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (sha256) DO UPDATE SET file = excluded.file, reason = excluded.reason,
                 accepted_by = excluded.accepted_by, accepted_at = excluded.accepted_at",
                params![sha256, file, reason, actor.0, ts(now)],
            )?;
            Ok((
                (),
                Some((
                    "firmware.image-accepted".into(),
                    sha256.to_owned(),
                    serde_json::json!({"file": file, "reason": reason}),
                )),
            ))
        })
    }

    /// Starts an upgrade in the journal (phase `intent`); durable when this returns.
    pub fn upgrade_begin(&mut self, u: &NewUpgrade<'_>, actor: &Actor) -> Result<i64> {
        self.audited(actor, |tx, now| {
            tx.execute(
                "INSERT INTO firmware_journal (device_id, image_sha256, image_file, from_version, to_version, phase, started_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'intent', ?6, ?6)",
                params![u.device.0, u.image_sha256, u.image_file, u.from_version, u.to_version, ts(now)],
            )?;
            let id = tx.last_insert_rowid();
            Ok((
                id,
                Some((
                    "firmware.begin".into(),
                    u.device.to_string(),
                    serde_json::json!({
                        "upgrade": id, "image_sha256": u.image_sha256, "file": u.image_file,
                        "from": u.from_version, "to": u.to_version,
                    }),
                )),
            ))
        })
    }

    /// Moves an upgrade to `phase` with a note (audited); durable when this returns.
    pub fn upgrade_advance(
        &mut self,
        id: i64,
        device: DeviceId,
        phase: UpgradePhase,
        note: &str,
        actor: &Actor,
    ) -> Result<()> {
        self.move_upgrade(id, device, phase, note, None, actor)
    }

    /// Records that the image is going out or went in (phase `sent`, its time refreshed), with how long the
    /// device said it would be away; durable when this returns.
    pub fn upgrade_sent(
        &mut self,
        id: i64,
        device: DeviceId,
        note: &str,
        expected_down_secs: Option<u64>,
        actor: &Actor,
    ) -> Result<()> {
        self.move_upgrade(
            id,
            device,
            UpgradePhase::Sent,
            note,
            expected_down_secs,
            actor,
        )
    }

    fn move_upgrade(
        &mut self,
        id: i64,
        device: DeviceId,
        phase: UpgradePhase,
        note: &str,
        expected_down_secs: Option<u64>,
        actor: &Actor,
    ) -> Result<()> {
        self.audited(actor, |tx, now| {
            let down = expected_down_secs.and_then(|d| i64::try_from(d).ok());
            let n = tx.execute(
                "UPDATE firmware_journal SET phase = ?2, note = ?3, updated_at = ?4,
                 expected_down_secs = coalesce(?5, expected_down_secs) WHERE id = ?1",
                params![id, phase.as_str(), note, ts(now), down],
            )?;
            if n == 0 {
                return Err(Error::Missing {
                    what: format!("firmware upgrade {id}"),
                });
            }
            let mut detail = serde_json::json!({"upgrade": id, "phase": phase, "note": note});
            if let Some(d) = expected_down_secs {
                detail["expected_down_secs"] = d.into();
            }
            Ok((
                (),
                Some(("firmware.phase".into(), device.to_string(), detail)),
            ))
        })
    }

    /// The firmware folder the project points to.
    pub fn firmware_folder(&self) -> Result<Option<String>> {
        folder(self.conn())
    }
    /// Images the technician accepted.
    pub fn accepted_firmware(&self) -> Result<Vec<AcceptedImage>> {
        accepted(self.conn())
    }
    /// Upgrades in the journal.
    pub fn upgrades(&self, open_only: bool) -> Result<Vec<Upgrade>> {
        upgrades(self.conn(), open_only)
    }
}
