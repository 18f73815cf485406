//! The `credentials` table: references to device accounts whose secrets are in the OS keyring, and what became
//! of each (default found, rotated when and by whom). Never a secret.

use rusqlite::{Connection, params};

use handover_model::{CredentialRef, DeviceId};

use crate::error::Result;
use crate::migrate::Step;
use crate::project::{parse_ts, ts};

pub(crate) const MIGRATIONS: &[Step] = &[Step {
    version: 1,
    sql: "CREATE TABLE credentials (
        device_id INTEGER NOT NULL REFERENCES devices (id),
        username TEXT NOT NULL,
        state TEXT NOT NULL,
        matched_default TEXT,
        rotated_at TEXT,
        rotated_by TEXT,
        PRIMARY KEY (device_id, username)
    ) STRICT;",
}];

/// Writes a credential reference (insert or replace).
pub(crate) fn put(conn: &Connection, c: &CredentialRef) -> Result<()> {
    let state = serde_json::to_value(c.state)?;
    conn.execute(
        "INSERT INTO credentials (device_id, username, state, matched_default, rotated_at, rotated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (device_id, username) DO UPDATE SET state = ?3, matched_default = ?4, rotated_at = ?5, rotated_by = ?6",
        params![c.device.0, c.username, state.as_str(), c.matched_default, c.rotated_at.map(ts), c.rotated_by],
    )?;
    Ok(())
}

/// Every credential reference, by device then user name.
pub fn list(conn: &Connection) -> Result<Vec<CredentialRef>> {
    select(conn, None)
}

/// The references of one device (read through the primary key, not by filtering the whole list).
pub fn for_device(conn: &Connection, device: DeviceId) -> Result<Vec<CredentialRef>> {
    select(conn, Some(device))
}

fn select(conn: &Connection, device: Option<DeviceId>) -> Result<Vec<CredentialRef>> {
    const COLS: &str = "SELECT device_id, username, state, matched_default, rotated_at, rotated_by FROM credentials";
    let mut stmt = match device {
        Some(_) => conn.prepare_cached(&format!(
            "{COLS} WHERE device_id = ?1 ORDER BY device_id, username"
        ))?,
        None => conn.prepare_cached(&format!("{COLS} ORDER BY device_id, username"))?,
    };
    let args: Vec<i64> = device.map(|d| d.0).into_iter().collect();
    let raws = stmt.query_map(rusqlite::params_from_iter(args), |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get(1)?,
            r.get::<_, String>(2)?,
            r.get(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for raw in raws {
        let (device, username, state, matched_default, rotated_at, rotated_by) = raw?;
        out.push(CredentialRef {
            device: DeviceId(device),
            username,
            state: serde_json::from_value(serde_json::Value::String(state))?,
            matched_default,
            rotated_at: rotated_at.as_deref().map(parse_ts).transpose()?,
            rotated_by,
        });
    }
    Ok(out)
}
