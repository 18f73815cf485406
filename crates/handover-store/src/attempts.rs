//! The `login_attempts` table: every password Handover tried on a device and whether it was taken, so the
//! lockout budget is counted across runs and processes (never the password, only which catalog entry).

use rusqlite::{Connection, params};
use time::OffsetDateTime;

use handover_model::DeviceId;

use crate::error::Result;
use crate::migrate::Step;
use crate::project::ts;

pub(crate) const MIGRATIONS: &[Step] = &[Step {
    version: 2,
    sql: "CREATE TABLE login_attempts (
        id INTEGER PRIMARY KEY,
        device_id INTEGER NOT NULL REFERENCES devices (id),
        at TEXT NOT NULL,
        username TEXT NOT NULL,
        what TEXT NOT NULL,
        outcome TEXT NOT NULL
    ) STRICT;
    CREATE INDEX login_attempts_device ON login_attempts (device_id, at);",
}];

pub(crate) fn add(
    conn: &Connection,
    device: DeviceId,
    at: OffsetDateTime,
    username: &str,
    what: &str,
    outcome: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO login_attempts (device_id, at, username, what, outcome) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![device.0, ts(at), username, what, outcome],
    )?;
    Ok(())
}

/// Failed attempts on a device since `since`.
pub fn failures_since(conn: &Connection, device: DeviceId, since: OffsetDateTime) -> Result<u32> {
    Ok(conn.query_row(
        "SELECT count(*) FROM login_attempts WHERE device_id = ?1 AND at >= ?2 AND outcome != 'accepted'",
        params![device.0, ts(since)],
        |r| r.get(0),
    )?)
}
