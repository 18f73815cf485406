//! Handover screen: the integrator's signing identity (created, or imported from a PKCS#12 file, and kept in
//! the OS keyring by the engine's `signing` module) and signing + saving the report (`Session::write_report`).

use std::path::{Path, PathBuf};

use tauri::State;

use handover_engine::catalogs;
use handover_engine::report_types::{PageSize, SigningIdentity};
use handover_engine::signing;

use handover_engine::vault::SecretString;

use crate::dto::{
    CreateIdentityRequest, IdentityDto, ImportIdentityRequest, Paper, ReportOutcomeDto,
    WriteReportRequest,
};
use crate::error::{AppError, CmdResult};
use crate::state::{AppState, blocking};

fn describe(id: &SigningIdentity, data: &Path) -> Result<IdentityDto, AppError> {
    let d = id.describe().map_err(handover_engine::Error::from)?;
    let ca = signing::ensure_ca_file(id, data)?;
    Ok(IdentityDto {
        subject: d.subject,
        issuer: d.issuer,
        not_after: d.not_after,
        fingerprint: d.sha256_fingerprint,
        ca_path: ca.map(|p| p.display().to_string()),
    })
}

/// The signing identity in the keyring, if one was created or imported.
#[tauri::command]
pub async fn signing_identity() -> CmdResult<Option<IdentityDto>> {
    blocking(|| {
        let store = handover_engine::env::os_keyring()?;
        let data = catalogs::data_dir();
        signing::load(&store)?
            .map(|id| describe(&id, &data))
            .transpose()
    })
    .await
}

/// Creates an integrator CA and signing certificate in the keyring (refuses to replace one).
#[tauri::command]
pub async fn create_signing_identity(req: CreateIdentityRequest) -> CmdResult<IdentityDto> {
    blocking(move || {
        let (name, org) = (req.name.trim(), req.organisation.trim());
        if name.is_empty() || org.is_empty() {
            return Err(AppError::Invalid(
                "give the signer's name and the integrator's organisation: both appear on the certificate"
                    .into(),
            ));
        }
        let store = handover_engine::env::os_keyring()?;
        let data = catalogs::data_dir();
        signing::create(&store, &data, name, org, time::OffsetDateTime::now_utc(), false)?;
        let id = signing::load(&store)?.ok_or_else(|| {
            AppError::Invalid("the identity was not found in the keyring after creating it".into())
        })?;
        describe(&id, &data)
    })
    .await
}

/// Imports a signing identity (certificate and key) from a PKCS#12 file into the keyring, replacing the one
/// there; a wrong password or an unusable certificate is refused and the old identity stays.
#[tauri::command]
pub async fn import_signing_identity(req: ImportIdentityRequest) -> CmdResult<IdentityDto> {
    let ImportIdentityRequest { path, password } = req;
    let password = SecretString::new(password);
    let file = PathBuf::from(path.trim());
    if file.as_os_str().is_empty() {
        return Err(AppError::Invalid("choose the .p12 or .pfx file to import".into()).into());
    }
    blocking(move || {
        let store = handover_engine::env::os_keyring()?;
        signing::import_pkcs12(&store, &file, password.expose())?;
        let id = signing::load(&store)?.ok_or_else(|| {
            AppError::Invalid("the identity was not found in the keyring after importing it".into())
        })?;
        describe(&id, &catalogs::data_dir())
    })
    .await
}

/// Renders, signs and writes the report (and its JSON and CSV twins), recorded in the audit log.
#[tauri::command]
pub async fn write_report(
    state: State<'_, AppState>,
    req: WriteReportRequest,
) -> CmdResult<ReportOutcomeDto> {
    state
        .with_session(move |s| {
            let path = PathBuf::from(req.path.trim());
            if path.extension().and_then(|e| e.to_str()) != Some("pdf") {
                return Err(AppError::Invalid(
                    "the report must be a .pdf file; add .pdf to the name".into(),
                ));
            }
            let store = handover_engine::env::os_keyring()?;
            let id = signing::load(&store)?.ok_or_else(|| {
                AppError::Invalid(
                    "there is no signing identity yet: create one on this screen first".into(),
                )
            })?;
            let paper = match req.paper {
                Paper::A4 => PageSize::A4,
                Paper::Letter => PageSize::Letter,
            };
            let o = s.write_report(&path, paper, &id)?;
            let ca = signing::ensure_ca_file(&id, s.data_dir())?;
            Ok(ReportOutcomeDto {
                pdf: o.pdf.display().to_string(),
                json: o.json.display().to_string(),
                csv: o.csv.display().to_string(),
                sha256: o.sha256,
                devices: o.devices,
                signer: o.signer,
                ca_path: ca.map(|p| p.display().to_string()),
            })
        })
        .await
}
