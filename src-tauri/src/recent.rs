//! Recent projects: a small JSON list (`recent.json`) in the app's config folder, newest first, at most
//! [`MAX`] entries. A missing or unreadable list is an empty list: it is a convenience, not data.

use std::path::{Path, PathBuf};

use crate::dto::RecentProject;
use crate::error::AppError;

/// How many projects are remembered.
pub const MAX: usize = 10;

/// The list file inside `dir`.
pub fn file(dir: &Path) -> PathBuf {
    dir.join("recent.json")
}

/// Reads the list (marking entries whose file is gone).
pub fn load(dir: &Path) -> Vec<RecentProject> {
    let mut list: Vec<RecentProject> = std::fs::read(file(dir))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    for r in &mut list {
        r.exists = Path::new(&r.path).exists();
    }
    list
}

/// Puts `entry` first (replacing an older entry for the same file) and saves.
pub fn remember(dir: &Path, entry: RecentProject) -> Result<Vec<RecentProject>, AppError> {
    let mut list = load(dir);
    list.retain(|r| r.path != entry.path);
    list.insert(0, entry);
    list.truncate(MAX);
    save(dir, &list)?;
    Ok(list)
}

/// Drops `path` from the list.
pub fn forget(dir: &Path, path: &str) -> Result<Vec<RecentProject>, AppError> {
    let mut list = load(dir);
    list.retain(|r| r.path != path);
    save(dir, &list)?;
    Ok(list)
}

fn save(dir: &Path, list: &[RecentProject]) -> Result<(), AppError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| AppError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let dest = file(dir);
    let tmp = dest.with_extension("json.tmp");
    let bytes = serde_json::to_vec_pretty(list).unwrap_or_default();
    std::fs::write(&tmp, bytes).map_err(io(&tmp))?;
    std::fs::rename(&tmp, &dest).map_err(io(&dest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> RecentProject {
        RecentProject {
            path: path.into(),
            site: "S".into(),
            opened_at: "2026-11-20T10:00:00Z".into(),
            exists: false,
        }
    }

    #[test]
    fn newest_first_without_duplicates_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path()).is_empty());
        for i in 0..12 {
            remember(dir.path(), entry(&format!("/p{i}.handover"))).unwrap();
        }
        let list = remember(dir.path(), entry("/p5.handover")).unwrap();
        assert_eq!(list.len(), MAX);
        assert_eq!(list[0].path, "/p5.handover");
        assert_eq!(list[1].path, "/p11.handover");
        assert_eq!(list.iter().filter(|r| r.path == "/p5.handover").count(), 1);
        let list = forget(dir.path(), "/p5.handover").unwrap();
        assert_eq!(list[0].path, "/p11.handover");
        assert_eq!(load(dir.path()).len(), MAX - 1);
    }

    #[test]
    fn a_corrupt_list_reads_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(file(dir.path()), b"{not json").unwrap();
        assert!(load(dir.path()).is_empty());
    }
}
