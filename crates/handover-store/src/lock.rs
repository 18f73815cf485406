//! The project lock: a sidecar `<project>.lock` file held with an OS file lock while the project is open, so two
//! processes (the CLI and the desktop app, or two terminals) never write the same project at once.
//!
//! The OS releases the lock when the process dies, so a crash never leaves a stale lock behind. The file's
//! content (process id and host) only makes the "open elsewhere" message useful; the lock is what counts.

use std::fmt;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Who holds a project, as written in its lock file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LockHolder(pub String);

impl fmt::Display for LockHolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("by another process")
        } else {
            write!(f, "by {}", self.0)
        }
    }
}

/// A held project lock; released on drop.
#[derive(Debug)]
pub(crate) struct ProjectLock {
    _file: File,
}

pub(crate) fn lock_path(project: &Path) -> PathBuf {
    let mut s = project.as_os_str().to_owned();
    s.push(".lock");
    PathBuf::from(s)
}

impl ProjectLock {
    pub(crate) fn acquire(project: &Path) -> Result<Self> {
        let path = lock_path(project);
        let io = |source| Error::Io {
            path: path.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                return Err(Error::Locked {
                    path: project.to_owned(),
                    holder: LockHolder(holder.trim().to_owned()),
                });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        let host = std::env::var("HOSTNAME").unwrap_or_default();
        let who = if host.is_empty() {
            format!("process {}", std::process::id())
        } else {
            format!("process {} on {host}", std::process::id())
        };
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        file.write_all(who.as_bytes()).map_err(io)?;
        Ok(Self { _file: file })
    }
}
