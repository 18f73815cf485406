//! The `switches` table: managed switches the technician listed, to ask over SNMP where each device's MAC
//! really is. Only the address, version and v3 user name are here; the community or v3 passwords are in the
//! OS keyring.

use rusqlite::{Connection, params};
use serde::Serialize;

use crate::error::Result;
use crate::migrate::Step;

pub(crate) const MIGRATIONS: &[Step] = &[Step {
    version: 2,
    sql: "CREATE TABLE switches (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        address TEXT NOT NULL,
        version TEXT NOT NULL CHECK (version IN ('v2c', 'v3')),
        v3_user TEXT
    ) STRICT;",
}];

/// A switch to ask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Switch {
    /// Row id (names its keyring entry).
    pub id: i64,
    /// Name for people and evidence.
    pub name: String,
    /// SNMP address, `host:port`.
    pub address: String,
    /// `v2c` or `v3`.
    pub version: String,
    /// The v3 user.
    pub v3_user: Option<String>,
}

pub(crate) fn upsert(
    conn: &Connection,
    name: &str,
    address: &str,
    version: &str,
    v3_user: Option<&str>,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO switches (name, address, version, v3_user) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (name) DO UPDATE SET address = ?2, version = ?3, v3_user = ?4",
        params![name, address, version, v3_user],
    )?;
    Ok(
        conn.query_row("SELECT id FROM switches WHERE name = ?1", [name], |r| {
            r.get(0)
        })?,
    )
}

/// Every switch.
pub fn list(conn: &Connection) -> Result<Vec<Switch>> {
    let mut stmt =
        conn.prepare("SELECT id, name, address, version, v3_user FROM switches ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok(Switch {
            id: r.get(0)?,
            name: r.get(1)?,
            address: r.get(2)?,
            version: r.get(3)?,
            v3_user: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
