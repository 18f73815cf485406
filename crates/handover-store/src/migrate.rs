//! Schema migrations: versioned, append-only steps that each table module contributes, applied in order.
//!
//! The schema version is SQLite's `user_version`. A step is never edited once released: a change to a table is
//! a new step with the next version number in that table's module, listed in [`STEPS`]. Each version is applied
//! in its own transaction, so a crash mid-migration leaves the file at the previous version.

use rusqlite::Connection;

use crate::error::{Error, Result};

/// One migration step: at `version`, run `sql`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Step {
    pub version: u32,
    pub sql: &'static str,
}

/// Every table module's steps, in the order they apply within a version.
const STEPS: &[&[Step]] = &[
    crate::meta::MIGRATIONS,
    crate::site::MIGRATIONS,
    crate::plan::MIGRATIONS,
    crate::devices::MIGRATIONS,
    crate::findings::MIGRATIONS,
    crate::credentials::MIGRATIONS,
    crate::journal::MIGRATIONS,
    crate::audit::MIGRATIONS,
    crate::discovery::MIGRATIONS,
    crate::attempts::MIGRATIONS,
    crate::switches::MIGRATIONS,
    crate::secrets::MIGRATIONS,
    crate::labels::MIGRATIONS,
    crate::firmware::MIGRATIONS,
];

/// The newest schema version this build writes.
pub const LATEST_VERSION: u32 = 5;

fn steps_for(version: u32) -> impl Iterator<Item = &'static Step> {
    STEPS
        .iter()
        .flat_map(|s| s.iter())
        .filter(move |s| s.version == version)
}

pub(crate) fn current_version(conn: &Connection) -> Result<u32> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Brings `conn` from its current version up to `target` (at most [`LATEST_VERSION`]). Public so tests can build
/// files at every earlier version.
pub fn apply_up_to(conn: &mut Connection, target: u32) -> Result<()> {
    let found = current_version(conn)?;
    if found > LATEST_VERSION {
        return Err(Error::NewerSchema {
            found,
            supported: LATEST_VERSION,
        });
    }
    for v in (found + 1)..=target.min(LATEST_VERSION) {
        let tx = conn.transaction()?;
        for step in steps_for(v) {
            tx.execute_batch(step.sql)?;
        }
        tx.pragma_update(None, "user_version", v)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_version_up_to_latest_has_steps_and_none_beyond() {
        for v in 1..=LATEST_VERSION {
            assert!(steps_for(v).next().is_some(), "version {v} has no steps");
        }
        let max = STEPS
            .iter()
            .flat_map(|s| s.iter())
            .map(|s| s.version)
            .max()
            .unwrap();
        assert_eq!(max, LATEST_VERSION, "a step exists beyond LATEST_VERSION");
    }
}
