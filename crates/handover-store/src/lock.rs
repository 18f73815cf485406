//! The project lock: a sidecar `<project>.lock` file held with an OS file lock while the project is open, so two
//! processes (the CLI and the desktop app, or two terminals) never write the same project at once.
//!
//! The OS releases the lock when the process dies, so a crash never leaves a stale lock behind. The file's
//! content (process id and host) only makes the "open elsewhere" message useful; the lock is what counts.
//!
//! The lock belongs to the file, not to the name it was opened by: the sidecar sits beside the canonical path
//! (symlinks resolved), and on Unix a second lock is keyed by the file's device and inode in a per-machine
//! directory, so a hard link (another name for the same inode) meets the same lock.

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
    _identity: Option<File>,
}

/// The sidecar lock file's path: beside the project's canonical path (symlinks resolved), so every name of the
/// file that resolves to one path meets one lock. A file that does not exist yet keeps its given name.
pub(crate) fn lock_path(project: &Path) -> PathBuf {
    let real = std::fs::canonicalize(project).unwrap_or_else(|_| project.to_owned());
    let mut s = real.into_os_string();
    s.push(".lock");
    PathBuf::from(s)
}

/// On Unix, the lock keyed by the file's identity (device and inode): every hard link of the file names the same
/// lock file. `None` when the file does not exist yet (a new project has one name) or the directory cannot be
/// made (the sidecar lock still holds).
#[cfg(unix)]
fn identity_lock_path(project: &Path) -> Option<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(project).ok()?;
    let dir = std::env::temp_dir().join("handover-locks");
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir.join(format!("{:x}-{:x}.lock", meta.dev(), meta.ino())))
}

#[cfg(not(unix))]
fn identity_lock_path(_project: &Path) -> Option<PathBuf> {
    None
}

fn open_lock_file(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}

impl ProjectLock {
    pub(crate) fn acquire(project: &Path) -> Result<Self> {
        let path = lock_path(project);
        let io = |source| Error::Io {
            path: path.clone(),
            source,
        };
        let mut file = open_lock_file(&path).map_err(io)?;
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
        let identity = match identity_lock_path(project).and_then(|p| open_lock_file(&p).ok()) {
            Some(file) => match file.try_lock() {
                Ok(()) => Some(file),
                Err(TryLockError::WouldBlock) => {
                    return Err(Error::Locked {
                        path: project.to_owned(),
                        holder: LockHolder(
                            "another process, under another name of this file".into(),
                        ),
                    });
                }
                Err(TryLockError::Error(_)) => None,
            },
            None => None,
        };
        let host = std::env::var("HOSTNAME").unwrap_or_default();
        let who = if host.is_empty() {
            format!("process {}", std::process::id())
        } else {
            format!("process {} on {host}", std::process::id())
        };
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        file.write_all(who.as_bytes()).map_err(io)?;
        Ok(Self {
            _file: file,
            _identity: identity,
        })
    }
}
