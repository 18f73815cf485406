//! The store's error type: what went wrong with the project file, with questions the front ends ask of it.

use std::path::PathBuf;

use crate::lock::LockHolder;

/// Result with the store's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong with the project file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Another process has the project open.
    #[error("project {} is open elsewhere ({holder}); close it there first", path.display())]
    Locked {
        /// The project file.
        path: PathBuf,
        /// Who holds it, as far as the lock file says.
        holder: LockHolder,
    },
    /// No project file at this path.
    #[error("no project at {}; create one with `handover init`", path.display())]
    NotFound {
        /// The path tried.
        path: PathBuf,
    },
    /// A file is already at the path a new project should go.
    #[error("{} already exists; choose another path or open it instead", path.display())]
    AlreadyExists {
        /// The path.
        path: PathBuf,
    },
    /// The file is not a Handover project.
    #[error("{} is not a Handover project file", path.display())]
    NotAProject {
        /// The path.
        path: PathBuf,
    },
    /// The file was written by a newer Handover.
    #[error(
        "this project uses schema version {found}, newer than this Handover supports ({supported}); update Handover"
    )]
    NewerSchema {
        /// The file's version.
        found: u32,
        /// The newest this build knows.
        supported: u32,
    },
    /// A row that should exist does not.
    #[error("{what} not found")]
    Missing {
        /// What was looked for, e.g. "device D7".
        what: String,
    },
    /// The request contradicts what the project holds.
    #[error("{0}")]
    Conflict(String),
    /// SQLite failed.
    #[error("project file error: {source}{}", hint(source))]
    Sqlite {
        /// The SQLite error.
        #[from]
        source: rusqlite::Error,
    },
    /// Reading or writing the lock file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
    /// A JSON column could not be read.
    #[error("corrupt JSON in the project file: {0}")]
    Json(#[from] serde_json::Error),
}

fn hint(e: &rusqlite::Error) -> &'static str {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DiskFull) => {
            " (the disk is full: free some space and retry; nothing was lost)"
        }
        Some(rusqlite::ErrorCode::ReadOnly) => " (the file or its folder is read-only)",
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
            " (the file is damaged; restore it from a backup)"
        }
        _ => "",
    }
}

impl Error {
    /// Another process holds the project.
    pub fn is_locked(&self) -> bool {
        matches!(self, Error::Locked { .. })
    }
    /// The disk is full.
    pub fn is_disk_full(&self) -> bool {
        matches!(self, Error::Sqlite { source } if source.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull))
    }
    /// The project or a row in it does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. } | Error::Missing { .. })
    }
}
