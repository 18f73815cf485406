//! The `discovery_notes` table: for every planned subnet and every discovery run, what was tried and what came
//! back ("why not found"), so the report can say why a subnet is empty or a device is missing.

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::Result;
use crate::migrate::Step;
use crate::project::{parse_ts, ts};

pub(crate) const MIGRATIONS: &[Step] = &[Step {
    version: 2,
    sql: "CREATE TABLE discovery_notes (
        id INTEGER PRIMARY KEY,
        run INTEGER NOT NULL,
        at TEXT NOT NULL,
        subnet TEXT NOT NULL,
        method TEXT NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT NOT NULL
    ) STRICT;
    CREATE INDEX discovery_notes_subnet ON discovery_notes (subnet, run);",
}];

/// One thing discovery tried on a subnet, and what came back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// The subnet (CIDR).
    pub subnet: String,
    /// The method, e.g. `ws-discovery on eth1`, `unicast sweep`.
    pub method: String,
    /// A short outcome code: `found`, `no-route`, `silence`, `not-onvif`, `refused`, `error`.
    pub outcome: String,
    /// For people, e.g. "254 hosts probed, 12 answered; 3 answered HTTP but not ONVIF".
    pub detail: String,
}

/// A stored note with its run and time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredNote {
    /// Which discovery run (increasing).
    pub run: i64,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The note.
    #[serde(flatten)]
    pub note: Note,
}

pub(crate) fn next_run(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT coalesce(max(run), 0) + 1 FROM discovery_notes",
        [],
        |r| r.get(0),
    )?)
}

pub(crate) fn add(conn: &Connection, run: i64, at: OffsetDateTime, n: &Note) -> Result<()> {
    conn.execute(
        "INSERT INTO discovery_notes (run, at, subnet, method, outcome, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![run, ts(at), n.subnet, n.method, n.outcome, n.detail],
    )?;
    Ok(())
}

/// The notes of the latest run that covered each subnet, by subnet then insertion order.
pub fn latest(conn: &Connection) -> Result<Vec<StoredNote>> {
    let mut stmt = conn.prepare(
        "SELECT run, at, subnet, method, outcome, detail FROM discovery_notes n
         WHERE run = (SELECT max(run) FROM discovery_notes m WHERE m.subnet = n.subnet) ORDER BY subnet, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (run, at, subnet, method, outcome, detail) = row?;
        out.push(StoredNote {
            run,
            at: parse_ts(&at)?,
            note: Note {
                subnet,
                method,
                outcome,
                detail,
            },
        });
    }
    Ok(out)
}
