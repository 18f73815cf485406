//! Which catalogs are in use: the built-in ones, or newer ones the integrator imported offline.
//!
//! Imported catalogs live in the app's data folder (`<data>/catalogs/<kind>.toml` with its `.sig`), shared by
//! every project on the laptop. An import is accepted only with a valid signature from a shipped key and only
//! if newer than the one in use; it is written atomically, so a failed import leaves the old catalog in place.
//! Every load checks again: an imported file is used only if its signature verifies now (a file dropped into
//! the folder by hand, or changed since, is ignored with a warning) and only if it is newer than the catalog
//! built into this version of Handover (after an upgrade, a newer built-in catalog wins over an older import).

use std::path::{Path, PathBuf};

use handover_policy::catalog::defaults::DefaultCredentials;
use handover_policy::catalog::firmware::FirmwareBaseline;
use handover_policy::catalog::signature::{self, TrustedKey};
use handover_policy::catalog::{self, CatalogInfo};
use handover_policy::{CatalogError, Catalogs};

use crate::error::{Error, Result};
use crate::session::Session;

/// An imported catalog file that is not used, and why; shown to the technician and written once to the
/// project's audit log (`catalog.ignored`) by [`Session::catalogs`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    /// The catalog kind (`default-credentials`, `firmware-baseline`).
    pub kind: String,
    /// The file.
    pub path: PathBuf,
    /// Why it is not used.
    pub why: String,
}

impl std::fmt::Display for Ignored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ignored the imported catalog {}: {}",
            self.path.display(),
            self.why
        )
    }
}

/// The app's data folder: `HANDOVER_DATA_DIR`, or the OS's per-user data folder + `handover`.
pub fn data_dir() -> PathBuf {
    std::env::var_os("HANDOVER_DATA_DIR")
        .map(PathBuf::from)
        .or_else(|| dirs::data_dir().map(|d| d.join("handover")))
        .unwrap_or_else(|| PathBuf::from(".handover-data"))
}

fn catalog_path(data: &Path, kind: &str) -> PathBuf {
    data.join("catalogs").join(format!("{kind}.toml"))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_owned(),
        source,
    }
}

/// Loads the catalogs in use with the keys shipped in Handover (see [`load_with`]); warnings are dropped.
pub fn load(data: &Path) -> Catalogs {
    load_with(data, &TrustedKey::shipped()).0
}

/// An imported catalog file, checked as at import: signature first, then content. `None` when there is none.
fn imported<T>(
    data: &Path,
    kind: &str,
    trusted: &[TrustedKey],
    parse: impl FnOnce(&[u8]) -> std::result::Result<T, CatalogError>,
) -> Option<(PathBuf, std::result::Result<T, String>)> {
    let path = catalog_path(data, kind);
    let bytes = match crate::files::read_capped(&path, crate::files::CATALOG, "a catalog") {
        Ok(b) => b,
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return None;
        }
        Err(e) => return Some((path, Err(e.to_string()))),
    };
    let sig = crate::files::read_capped_text(
        &path.with_extension("toml.sig"),
        crate::files::SIGNATURE,
        "a catalog signature",
    )
    .ok();
    let checked = signature::verify(kind, &bytes, sig.as_deref(), trusted)
        .and_then(|()| parse(&bytes))
        .map_err(|e| e.to_string());
    Some((path, checked))
}

/// Loads the catalogs in use: for each kind, the newest of the built-in catalog and a valid imported one
/// (signature from `trusted` verified at this load, content valid). Returns warnings for imported files that
/// were ignored, to show the technician.
pub fn load_with(data: &Path, trusted: &[TrustedKey]) -> (Catalogs, Vec<Ignored>) {
    let built_in = Catalogs::built_in();
    let mut warnings = Vec::new();
    let defaults = newest(
        built_in.defaults,
        |c| &c.info,
        imported(data, "default-credentials", trusted, |b| {
            DefaultCredentials::parse(b, "imported")
        }),
        &mut warnings,
    );
    let firmware = newest(
        built_in.firmware,
        |c| &c.info,
        imported(data, "firmware-baseline", trusted, |b| {
            FirmwareBaseline::parse(b, "imported")
        }),
        &mut warnings,
    );
    (Catalogs { defaults, firmware }, warnings)
}

/// The newer of the built-in catalog and a checked imported one; why an imported file is not used goes to
/// `warnings`.
fn newest<T>(
    built_in: T,
    info: fn(&T) -> &CatalogInfo,
    imported: Option<(PathBuf, std::result::Result<T, String>)>,
    warnings: &mut Vec<Ignored>,
) -> T {
    let kind = info(&built_in).header.kind.clone();
    match imported {
        Some((_, Ok(offered)))
            if version_key(&info(&offered).header.version)
                > version_key(&info(&built_in).header.version) =>
        {
            offered
        }
        Some((path, Ok(offered))) => {
            warnings.push(Ignored {
                kind,
                path,
                why: format!(
                    "its version {} is not newer than the built-in {}, which is used",
                    info(&offered).header.version,
                    info(&built_in).header.version
                ),
            });
            built_in
        }
        Some((path, Err(why))) => {
            warnings.push(Ignored { kind, path, why });
            built_in
        }
        None => built_in,
    }
}

fn version_key(v: &str) -> Vec<u64> {
    v.split(['.', '-'])
        .map(|p| p.parse().unwrap_or(0))
        .collect()
}

/// Imports a catalog file (with `FILE.sig` beside it), checking signature, content and version. Returns what
/// is now in use. On any refusal nothing changes.
pub fn import(data: &Path, file: &Path, trusted: &[TrustedKey]) -> Result<CatalogInfo> {
    let bytes = crate::files::read_capped(file, crate::files::CATALOG, "a catalog")?;
    let mut sig_path = file.as_os_str().to_owned();
    sig_path.push(".sig");
    let sig = match crate::files::read_capped_text(
        &PathBuf::from(&sig_path),
        crate::files::SIGNATURE,
        "a catalog signature",
    ) {
        Ok(s) => Some(s),
        Err(Error::Io { .. }) => None,
        Err(e) => return Err(e),
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    signature::verify(&name, &bytes, sig.as_deref(), trusted)?;
    // Authentic: now read which kind it is, and check it whole.
    let kind = catalog::peek_header(&name, &bytes)?.kind;
    let current = load_with(data, trusted).0;
    let (info, in_use) = match kind.as_str() {
        "default-credentials" => (
            DefaultCredentials::parse(&bytes, "imported")?.info,
            current.defaults.info,
        ),
        "firmware-baseline" => (
            FirmwareBaseline::parse(&bytes, "imported")?.info,
            current.firmware.info,
        ),
        other => {
            return Err(CatalogError::Invalid {
                catalog: name,
                line: None,
                message: format!("unknown catalog kind {other:?}"),
            }
            .into());
        }
    };
    if version_key(&info.header.version) <= version_key(&in_use.header.version) {
        return Err(CatalogError::NotNewer {
            catalog: name,
            offered: info.header.version,
            current: in_use.header.version,
        }
        .into());
    }
    let dest = catalog_path(data, &info.header.kind);
    let dir = dest.parent().unwrap_or(data);
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    for (path, content) in [
        (
            dest.with_extension("toml.sig"),
            sig.unwrap_or_default().into_bytes(),
        ),
        (dest.clone(), bytes),
    ] {
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, content).map_err(io(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(io(&path))?;
    }
    Ok(info)
}

/// What identifies the imported files as they are now (size and time of each catalog and signature file), so a
/// session loads them again only when one changed.
pub(crate) type Stamp = Vec<Option<(u64, std::time::SystemTime)>>;

fn stamp(data: &Path) -> Stamp {
    ["default-credentials", "firmware-baseline"]
        .iter()
        .flat_map(|kind| {
            let toml = catalog_path(data, kind);
            [toml.with_extension("toml.sig"), toml]
        })
        .map(|p| {
            let m = std::fs::metadata(p).ok()?;
            Some((m.len(), m.modified().ok()?))
        })
        .collect()
}

impl Session {
    /// The catalogs in use: the session's fixed ones, or those loaded now from its data folder with the shipped
    /// keys (see [`load_with`]). Each imported file that is ignored is written to the audit log as
    /// `catalog.ignored`, once for as long as the reason stays the same, and returned to show the technician.
    pub fn catalogs(&self) -> Result<(Catalogs, Vec<Ignored>)> {
        if let Some(fixed) = &self.env().catalogs {
            return Ok((fixed.clone(), Vec::new()));
        }
        let (catalogs, ignored) = self.loaded_catalogs();
        for i in &ignored {
            let detail = serde_json::json!({ "file": i.path.display().to_string(), "why": i.why });
            let last = self.project().audit_latest("catalog.ignored", &i.kind)?;
            if last.is_some_and(|e| e.detail == detail) {
                continue;
            }
            let actor = self.actor().clone();
            self.project_mut()
                .record(&actor, "catalog.ignored", &i.kind, detail)?;
        }
        Ok((catalogs, ignored))
    }

    /// The catalogs loaded from the data folder, parsed and checked again only when an imported file changed.
    fn loaded_catalogs(&self) -> (Catalogs, Vec<Ignored>) {
        let now = stamp(self.data_dir());
        let mut cache = self
            .catalog_cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((seen, loaded)) = cache.as_ref()
            && *seen == now
        {
            return loaded.clone();
        }
        let loaded = load_with(self.data_dir(), &TrustedKey::shipped());
        *cache = Some((now, loaded.clone()));
        loaded
    }

    /// The catalogs in use, for a workflow (ignored imports audited as by [`Session::catalogs`]).
    pub(crate) fn catalogs_in_use(&self) -> Result<Catalogs> {
        Ok(self.catalogs()?.0)
    }

    /// Imports a signed catalog file into the session's data folder (see [`import`]), for every project on
    /// this laptop; an accepted import is written to this project's audit log as `catalog.imported`. On a
    /// refusal nothing changes.
    pub fn import_catalog(&self, file: &Path) -> Result<CatalogInfo> {
        let info = import(self.data_dir(), file, &TrustedKey::shipped())?;
        let detail = serde_json::json!({
            "file": file.display().to_string(),
            "version": info.header.version,
        });
        let actor = self.actor().clone();
        self.project_mut()
            .record(&actor, "catalog.imported", &info.header.kind, detail)?;
        Ok(info)
    }
}
