//! The credential-rotation journal: one row per rotation, advanced phase by phase and written durably before
//! each step on the device, so that after a crash `recover` knows which rotations are unsettled.
//!
//! Phases, in order: `intent` (the new secret is in the keyring as pending), `sent` (SetUser was sent),
//! `proven` (the new password works and the old one fails), then one of `committed` or `rolled-back`, or
//! `settled` when recovery decided the outcome by asking the device.

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use handover_model::DeviceId;

use crate::error::{Error, Result};
use crate::migrate::Step;
use crate::project::{parse_ts, ts};

pub(crate) const MIGRATIONS: &[Step] = &[Step {
    version: 1,
    sql: "CREATE TABLE rotation_journal (
        id INTEGER PRIMARY KEY,
        device_id INTEGER NOT NULL REFERENCES devices (id),
        username TEXT NOT NULL,
        phase TEXT NOT NULL CHECK (phase IN ('intent', 'sent', 'proven', 'committed', 'rolled-back', 'settled')),
        started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT ''
    ) STRICT;
    CREATE INDEX rotation_journal_open ON rotation_journal (phase);",
}];

/// A rotation's phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// The new secret is in the keyring as pending; nothing sent yet.
    Intent,
    /// SetUser was sent; the device may or may not have applied it.
    Sent,
    /// The new password works and the old one fails.
    Proven,
    /// Done: the keyring's current entry is the new password.
    Committed,
    /// Undone: the device still has the old password.
    RolledBack,
    /// Decided by recovery after a crash.
    Settled,
}

impl Phase {
    /// Whether the rotation still needs settling.
    pub fn is_open(self) -> bool {
        matches!(self, Phase::Intent | Phase::Sent | Phase::Proven)
    }
    fn as_str(self) -> &'static str {
        match self {
            Phase::Intent => "intent",
            Phase::Sent => "sent",
            Phase::Proven => "proven",
            Phase::Committed => "committed",
            Phase::RolledBack => "rolled-back",
            Phase::Settled => "settled",
        }
    }
}

/// One rotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rotation {
    /// Journal row id.
    pub id: i64,
    /// The device.
    pub device: DeviceId,
    /// The account.
    pub username: String,
    /// Where it got to.
    pub phase: Phase,
    /// When it started.
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// When it last moved.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// A short note (never a secret).
    pub note: String,
}

pub(crate) fn begin(
    conn: &Connection,
    device: DeviceId,
    username: &str,
    now: OffsetDateTime,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO rotation_journal (device_id, username, phase, started_at, updated_at) VALUES (?1, ?2, 'intent', ?3, ?3)",
        params![device.0, username, ts(now)],
    )?;
    Ok(conn.last_insert_rowid())
}

pub(crate) fn advance(
    conn: &Connection,
    id: i64,
    phase: Phase,
    note: &str,
    now: OffsetDateTime,
) -> Result<()> {
    let n = conn.execute(
        "UPDATE rotation_journal SET phase = ?2, note = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, phase.as_str(), note, ts(now)],
    )?;
    if n == 0 {
        return Err(Error::Missing {
            what: format!("rotation {id}"),
        });
    }
    Ok(())
}

/// Rotations, oldest first; only the unsettled ones when `open_only`.
pub fn list(conn: &Connection, open_only: bool) -> Result<Vec<Rotation>> {
    let sql = if open_only {
        "SELECT id, device_id, username, phase, started_at, updated_at, note FROM rotation_journal
         WHERE phase IN ('intent', 'sent', 'proven') ORDER BY id"
    } else {
        "SELECT id, device_id, username, phase, started_at, updated_at, note FROM rotation_journal ORDER BY id"
    };
    let mut stmt = conn.prepare(sql)?;
    let raws = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for raw in raws {
        let (id, device, username, phase, started, updated, note) = raw?;
        out.push(Rotation {
            id,
            device: DeviceId(device),
            username,
            phase: serde_json::from_value(serde_json::Value::String(phase))?,
            started_at: parse_ts(&started)?,
            updated_at: parse_ts(&updated)?,
            note,
        });
    }
    Ok(out)
}
