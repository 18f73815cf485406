//! The project's own identity: id, when and by which Handover version it was created.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use time::OffsetDateTime;

use handover_model::ProjectId;

use crate::error::Result;
use crate::migrate::Step;

pub(crate) const MIGRATIONS: &[Step] = &[Step {
    version: 1,
    sql: "CREATE TABLE meta (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        project_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by_version TEXT NOT NULL
    ) STRICT;",
}];

/// The project's identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectMeta {
    /// The project id (names its keyring entries).
    pub project_id: ProjectId,
    /// When the project was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The Handover version that created it.
    pub created_by_version: String,
    /// The schema version of the file.
    pub schema_version: u32,
}

pub(crate) fn insert(conn: &Connection, id: ProjectId, at: OffsetDateTime) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (id, project_id, created_at, created_by_version) VALUES (1, ?1, ?2, ?3)",
        (
            id.0.to_string(),
            crate::project::ts(at),
            env!("CARGO_PKG_VERSION"),
        ),
    )?;
    Ok(())
}

pub(crate) fn read(conn: &Connection) -> Result<Option<ProjectMeta>> {
    let row = conn
        .query_row(
            "SELECT project_id, created_at, created_by_version FROM meta WHERE id = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            },
        )
        .optional()?;
    let Some((id, at, ver)) = row else {
        return Ok(None);
    };
    Ok(Some(ProjectMeta {
        project_id: ProjectId(
            id.parse()
                .map_err(|_| crate::Error::Conflict(format!("bad project id {id:?}")))?,
        ),
        created_at: crate::project::parse_ts(&at)?,
        created_by_version: ver,
        schema_version: crate::migrate::current_version(conn)?,
    }))
}
