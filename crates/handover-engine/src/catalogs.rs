//! Which catalogs are in use: the built-in ones, or newer ones the integrator imported offline.
//!
//! Imported catalogs live in the app's data folder (`<data>/catalogs/<kind>.toml` with its `.sig`), shared by
//! every project on the laptop. An import is accepted only with a valid signature from a shipped key and only
//! if newer than the one in use; it is written atomically, so a failed import leaves the old catalog in place.

use std::path::{Path, PathBuf};

use handover_policy::catalog::defaults::DefaultCredentials;
use handover_policy::catalog::firmware::FirmwareBaseline;
use handover_policy::catalog::signature::{self, TrustedKey};
use handover_policy::catalog::{self, CatalogInfo};
use handover_policy::{CatalogError, Catalogs};

use crate::error::{Error, Result};

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

/// Loads the catalogs in use: an imported one where present and still valid, else the built-in one.
pub fn load(data: &Path) -> Catalogs {
    let mut c = Catalogs::built_in();
    let imported = |kind: &str| std::fs::read(catalog_path(data, kind)).ok();
    if let Some(d) =
        imported("default-credentials").and_then(|b| DefaultCredentials::parse(&b, "imported").ok())
    {
        c.defaults = d;
    }
    if let Some(f) =
        imported("firmware-baseline").and_then(|b| FirmwareBaseline::parse(&b, "imported").ok())
    {
        c.firmware = f;
    }
    c
}

fn version_key(v: &str) -> Vec<u64> {
    v.split(['.', '-'])
        .map(|p| p.parse().unwrap_or(0))
        .collect()
}

/// Imports a catalog file (with `FILE.sig` beside it), checking signature, content and version. Returns what
/// is now in use. On any refusal nothing changes.
pub fn import(data: &Path, file: &Path, trusted: &[TrustedKey]) -> Result<CatalogInfo> {
    let bytes = std::fs::read(file).map_err(io(file))?;
    let mut sig_path = file.as_os_str().to_owned();
    sig_path.push(".sig");
    let sig = std::fs::read_to_string(PathBuf::from(&sig_path)).ok();
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    signature::verify(&name, &bytes, sig.as_deref(), trusted)?;
    // Authentic: now read which kind it is, and check it whole.
    let kind = catalog::peek_header(&name, &bytes)?.kind;
    let current = load(data);
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
