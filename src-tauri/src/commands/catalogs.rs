//! Catalogs (Checks screen): the default-credential and firmware-baseline catalogs in use, imported files that
//! are ignored and why (`Session::catalogs`, which notes each in the audit log once), and importing a newer
//! signed catalog (`Session::import_catalog`: signature first, then content; audited). The CLI's `handover catalog show|import`.

use std::path::PathBuf;

use tauri::State;

use crate::dto::{CatalogDto, CatalogsDto, IgnoredCatalogDto, PathRequest};
use crate::error::{AppError, CmdResult};
use crate::state::AppState;

fn shown(s: &handover_engine::Session) -> Result<CatalogsDto, AppError> {
    let (in_use, ignored) = s.catalogs()?;
    Ok(CatalogsDto {
        in_use: in_use
            .infos()
            .into_iter()
            .map(|i| CatalogDto {
                kind: i.header.kind,
                version: i.header.version,
                published: i.header.published,
                source: i.source,
                sha256: i.sha256,
            })
            .collect(),
        ignored: ignored
            .into_iter()
            .map(|i| IgnoredCatalogDto {
                kind: i.kind,
                path: i.path.display().to_string(),
                why: i.why,
            })
            .collect(),
    })
}

/// The catalogs in use and the imported files that are ignored.
#[tauri::command]
pub async fn catalog_status(state: State<'_, AppState>) -> CmdResult<CatalogsDto> {
    state.with_session(shown).await
}

/// Imports a catalog signed by the Handover catalog key; an unsigned or tampered file is refused and nothing
/// changes. Returns the catalogs now in use.
#[tauri::command]
pub async fn import_catalog(
    state: State<'_, AppState>,
    req: PathRequest,
) -> CmdResult<CatalogsDto> {
    let file = PathBuf::from(req.path.trim());
    if file.as_os_str().is_empty() {
        return Err(
            AppError::Invalid("choose the signed catalog file (.toml) to import".into()).into(),
        );
    }
    state
        .with_session(move |s| {
            s.import_catalog(&file)?;
            shown(s)
        })
        .await
}
