//! The `findings` and `waivers` tables: what checks found, with evidence, and what the technician accepted.
//!
//! A check re-run updates its finding in place (one row per device and check), so waivers and history stay
//! attached; a finding whose check now passes becomes `fixed`.

use rusqlite::{Connection, OptionalExtension, Row, params};
use time::OffsetDateTime;

use handover_model::{Clause, DeviceId, Finding, FindingId, FindingStatus, Severity, Waiver};

use crate::error::{Error, Result};
use crate::migrate::Step;
use crate::project::{parse_ts, ts};

pub(crate) const MIGRATIONS: &[Step] = &[
    Step {
        version: 1,
        sql: "CREATE TABLE findings (
        id INTEGER PRIMARY KEY,
        device_id INTEGER NOT NULL REFERENCES devices (id),
        check_id TEXT NOT NULL,
        severity TEXT NOT NULL,
        title TEXT NOT NULL,
        evidence TEXT NOT NULL,
        clauses TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'fixed', 'waived')),
        raised_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (device_id, check_id)
    ) STRICT;
    CREATE TABLE waivers (
        finding_id INTEGER PRIMARY KEY REFERENCES findings (id),
        reason TEXT NOT NULL,
        by TEXT NOT NULL,
        at TEXT NOT NULL
    ) STRICT;",
    },
    // The customer's approver and an expiry date for a waiver (issue #16): the technician records it, the
    // customer's IT lead accepts the risk.
    Step {
        version: 4,
        sql: "ALTER TABLE waivers ADD COLUMN approver TEXT;
        ALTER TABLE waivers ADD COLUMN expires TEXT;",
    },
];

/// A finding as a check raises it (before it has an id or status).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFinding {
    /// The device.
    pub device: DeviceId,
    /// The check, e.g. `firmware.outdated`.
    pub check: String,
    /// How bad.
    pub severity: Severity,
    /// One line for people.
    pub title: String,
    /// What was observed.
    pub evidence: String,
    /// Standard clauses.
    pub clauses: Vec<Clause>,
}

fn text<T: serde::Serialize>(v: &T) -> Result<String> {
    Ok(serde_json::to_value(v)?
        .as_str()
        .map(str::to_owned)
        .unwrap_or_default())
}

/// A findings row as stored: id, device, check, severity, title, evidence, clauses JSON, status.
type RawFinding = (i64, i64, String, String, String, String, String, String);

fn from_row(r: &Row<'_>) -> rusqlite::Result<RawFinding> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
    ))
}

fn finish(raw: RawFinding) -> Result<Finding> {
    let (id, device, check, severity, title, evidence, clauses, status) = raw;
    Ok(Finding {
        id: FindingId(id),
        device: DeviceId(device),
        check,
        severity: serde_json::from_value(serde_json::Value::String(severity))?,
        title,
        evidence,
        clauses: serde_json::from_str(&clauses)?,
        status: serde_json::from_value(serde_json::Value::String(status))?,
    })
}

const COLS: &str = "id, device_id, check_id, severity, title, evidence, clauses, status";

/// Raises or refreshes a finding. A waived finding stays waived (its evidence is refreshed); a fixed one reopens.
pub(crate) fn raise(
    conn: &Connection,
    f: &NewFinding,
    now: OffsetDateTime,
) -> Result<(Finding, bool)> {
    let existing: Option<i64> = conn
        .query_row(
            "SELECT id FROM findings WHERE device_id = ?1 AND check_id = ?2",
            params![f.device.0, f.check],
            |r| r.get(0),
        )
        .optional()?;
    conn.execute(
        "INSERT INTO findings (device_id, check_id, severity, title, evidence, clauses, status, raised_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7, ?7)
         ON CONFLICT (device_id, check_id) DO UPDATE SET severity = ?3, title = ?4, evidence = ?5, clauses = ?6,
           status = CASE status WHEN 'waived' THEN 'waived' ELSE 'open' END, updated_at = ?7",
        params![f.device.0, f.check, text(&f.severity)?, f.title, f.evidence, serde_json::to_string(&f.clauses)?, ts(now)],
    )?;
    let id: i64 = conn.query_row(
        "SELECT id FROM findings WHERE device_id = ?1 AND check_id = ?2",
        params![f.device.0, f.check],
        |r| r.get(0),
    )?;
    Ok((get(conn, FindingId(id))?, existing.is_none()))
}

/// Sets a finding's status (e.g. `fixed` after a fix was read back).
pub(crate) fn set_status(
    conn: &Connection,
    id: FindingId,
    status: FindingStatus,
    now: OffsetDateTime,
) -> Result<()> {
    let n = conn.execute(
        "UPDATE findings SET status = ?2, updated_at = ?3 WHERE id = ?1",
        params![id.0, text(&status)?, ts(now)],
    )?;
    if n == 0 {
        return Err(Error::Missing {
            what: format!("finding {id}"),
        });
    }
    Ok(())
}

/// Records a waiver and marks the finding waived.
pub(crate) fn waive(conn: &Connection, w: &Waiver) -> Result<()> {
    set_status(conn, w.finding, FindingStatus::Waived, w.at)?;
    conn.execute(
        "INSERT INTO waivers (finding_id, reason, by, at, approver, expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (finding_id) DO UPDATE SET reason = ?2, by = ?3, at = ?4, approver = ?5, expires = ?6",
        params![w.finding.0, w.reason, w.by, ts(w.at), w.approver, w.expires],
    )?;
    Ok(())
}

/// One finding.
pub fn get(conn: &Connection, id: FindingId) -> Result<Finding> {
    let raw = conn
        .query_row(
            &format!("SELECT {COLS} FROM findings WHERE id = ?1"),
            [id.0],
            from_row,
        )
        .optional()?
        .ok_or_else(|| Error::Missing {
            what: format!("finding {id}"),
        })?;
    finish(raw)
}

/// Every finding, by id.
pub fn list(conn: &Connection) -> Result<Vec<Finding>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLS} FROM findings ORDER BY id"))?;
    let raws = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter().map(finish).collect()
}

/// Every waiver, by finding id.
pub fn waivers(conn: &Connection) -> Result<Vec<Waiver>> {
    let mut stmt = conn.prepare(
        "SELECT finding_id, reason, by, at, approver, expires FROM waivers ORDER BY finding_id",
    )?;
    let raws = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get::<_, String>(3)?,
            r.get(4)?,
            r.get(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for raw in raws {
        let (id, reason, by, at, approver, expires) = raw?;
        out.push(Waiver {
            finding: FindingId(id),
            reason,
            by,
            at: parse_ts(&at)?,
            approver,
            expires,
        });
    }
    Ok(out)
}
