//! The audit log: an append-only, hash-chained record of everything done to the site.
//!
//! Each entry stores the SHA-256 of the previous entry and its own hash over (sequence number, previous hash,
//! time, actor, action, subject, detail). `audit_head` keeps the newest sequence number and hash, written in the
//! same transaction, so deleting the last entries is caught too. Triggers refuse UPDATE and DELETE; someone who
//! drops them and edits the file by hand is caught by [`verify`], which names the first broken entry. The head
//! hash is printed in the signed report, which anchors the whole chain for IT.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::error::Result;
use crate::migrate::Step;

pub(crate) const MIGRATIONS: &[Step] = &[
    Step {
        version: 1,
        sql: "CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL,
        detail TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    ) STRICT;
    CREATE TABLE audit_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL
    ) STRICT;
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only');
    END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only');
    END;",
    },
    // "The newest entry about this subject" (a device's last rotation phase, for the report) without walking
    // the whole log: at 5,000 devices the walk made the report quadratic.
    Step {
        version: 4,
        sql: "CREATE INDEX audit_action_subject ON audit (action, subject, seq);",
    },
];

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// 1-based sequence number.
    pub seq: i64,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Who (the technician's name, or `handover` for automatic actions).
    pub actor: String,
    /// What, as a dotted verb such as `plan.import` or `credential.rotate`.
    pub action: String,
    /// What it was done to, e.g. `D12` or `project`.
    pub subject: String,
    /// Details as JSON (never a secret).
    pub detail: serde_json::Value,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

fn entry_hash(
    seq: i64,
    prev: &str,
    at: &str,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    let canonical = serde_json::json!([seq, prev, at, actor, action, subject, detail]).to_string();
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

/// The newest entry's sequence number and hash (0 and [`GENESIS`] for an empty log).
pub fn head(conn: &Connection) -> Result<(i64, String)> {
    Ok(conn
        .query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .unwrap_or_else(|| (0, GENESIS.to_owned())))
}

/// Appends an entry. Call inside the transaction that makes the change it records.
pub(crate) fn append(
    conn: &Connection,
    at: OffsetDateTime,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &serde_json::Value,
) -> Result<Entry> {
    let (last, prev) = head(conn)?;
    let seq = last + 1;
    let at_s = crate::project::ts(at);
    let detail_s = detail.to_string();
    let hash = entry_hash(seq, &prev, &at_s, actor, action, subject, &detail_s);
    conn.execute(
        "INSERT INTO audit (seq, at, actor, action, subject, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        (seq, &at_s, actor, action, subject, &detail_s, &prev, &hash),
    )?;
    conn.execute(
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?1, ?2) ON CONFLICT (id) DO UPDATE SET seq = ?1, hash = ?2",
        (seq, &hash),
    )?;
    Ok(Entry {
        seq,
        at,
        actor: actor.into(),
        action: action.into(),
        subject: subject.into(),
        detail: detail.clone(),
        prev_hash: prev,
        hash,
    })
}

/// The newest entry with this action and subject, if any.
pub fn latest(conn: &Connection, action: &str, subject: &str) -> Result<Option<Entry>> {
    let seq: Option<i64> = conn
        .query_row(
            "SELECT seq FROM audit WHERE action = ?1 AND subject = ?2 ORDER BY seq DESC LIMIT 1",
            (action, subject),
            |r| r.get(0),
        )
        .optional()?;
    match seq {
        Some(seq) => Ok(entries(conn, seq - 1, 1)?.into_iter().next()),
        None => Ok(None),
    }
}

/// Reads entries, oldest first, starting after `after_seq`, at most `limit`.
pub fn entries(conn: &Connection, after_seq: i64, limit: i64) -> Result<Vec<Entry>> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt.query_map((after_seq, limit), |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get::<_, String>(5)?,
            r.get(6)?,
            r.get(7)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, at, actor, action, subject, detail, prev_hash, hash) = row?;
        out.push(Entry {
            seq,
            at: crate::project::parse_ts(&at)?,
            actor,
            action,
            subject,
            detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
            prev_hash,
            hash,
        });
    }
    Ok(out)
}

/// What is wrong with the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Problem {
    /// The entry's content does not match its hash: it was edited.
    Edited {
        /// The entry.
        seq: i64,
    },
    /// The entry does not point at the previous one: an entry before it was removed or replaced.
    BrokenLink {
        /// The entry.
        seq: i64,
    },
    /// An entry is missing from the sequence.
    Missing {
        /// The missing entry's number.
        seq: i64,
    },
    /// The head record does not match the last entry: entries at the end were removed or the head was edited.
    HeadMismatch {
        /// The head's sequence number.
        head_seq: i64,
        /// The last entry found.
        last_seq: i64,
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Edited { seq } => write!(f, "entry {seq} was changed after it was written"),
            Problem::BrokenLink { seq } => write!(
                f,
                "entry {seq} does not follow entry {}: history before it was altered",
                seq - 1
            ),
            Problem::Missing { seq } => write!(f, "entry {seq} is missing"),
            Problem::HeadMismatch { head_seq, last_seq } => {
                write!(
                    f,
                    "the log ends at entry {last_seq} but its head records entry {head_seq} with another hash: entries at the end were removed or the head was edited"
                )
            }
        }
    }
}

/// The result of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Entries read.
    pub entries: i64,
    /// The last entry's hash as recomputed (the head IT can compare with the report).
    pub head_hash: String,
    /// The first problem, if any.
    pub problem: Option<Problem>,
}

impl Verdict {
    /// Whether the chain is intact.
    pub fn is_intact(&self) -> bool {
        self.problem.is_none()
    }
}

/// Walks the whole chain and reports the first broken entry.
pub fn verify(conn: &Connection) -> Result<Verdict> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut expected_seq = 1;
    let mut prev = GENESIS.to_owned();
    let mut count = 0;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let (at, actor, action, subject, detail): (String, String, String, String, String) =
            (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?);
        let (prev_hash, hash): (String, String) = (r.get(6)?, r.get(7)?);
        let problem = if seq != expected_seq {
            Some(Problem::Missing { seq: expected_seq })
        } else if entry_hash(seq, &prev_hash, &at, &actor, &action, &subject, &detail) != hash {
            Some(Problem::Edited { seq })
        } else if prev_hash != prev {
            Some(Problem::BrokenLink { seq })
        } else {
            None
        };
        if problem.is_some() {
            return Ok(Verdict {
                entries: count,
                head_hash: prev,
                problem,
            });
        }
        count += 1;
        expected_seq += 1;
        prev = hash;
    }
    let (head_seq, head_hash) = head(conn)?;
    let problem = (head_seq != count || head_hash != prev).then_some(Problem::HeadMismatch {
        head_seq,
        last_seq: count,
    });
    Ok(Verdict {
        entries: count,
        head_hash: prev,
        problem,
    })
}
