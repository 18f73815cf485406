//! Handover screen: the integrator's signing identity (created, or imported from a PKCS#12 file, and kept in
//! the OS keyring by the engine's `signing` module) and signing + saving the report (`Session::write_report`).

use std::path::{Path, PathBuf};

use tauri::State;

use handover_engine::Env;
use handover_engine::report_types::PageSize;
use handover_engine::signing::{IdentityView, Signing};
use handover_engine::vault::SecretString;

use crate::dto::{
    CreateIdentityRequest, IdentityDto, ImportIdentityRequest, Paper, ReportOutcomeDto,
    WriteReportRequest,
};
use crate::error::CmdResult;
use crate::state::{AppState, blocking};

fn dto(v: IdentityView) -> IdentityDto {
    IdentityDto {
        subject: v.certificate.subject,
        issuer: v.certificate.issuer,
        not_after: v.certificate.not_after,
        fingerprint: v.certificate.sha256_fingerprint,
        ca_path: v.ca_path.map(|p| p.display().to_string()),
    }
}

/// The signing identity in the keyring, if one was created or imported.
#[tauri::command]
pub async fn signing_identity() -> CmdResult<Option<IdentityDto>> {
    blocking(|| Ok(Signing::open(&Env::os())?.show()?.map(dto))).await
}

/// Creates an integrator CA and signing certificate in the keyring (refuses to replace one).
#[tauri::command]
pub async fn create_signing_identity(req: CreateIdentityRequest) -> CmdResult<IdentityDto> {
    blocking(move || {
        let signing = Signing::open(&Env::os())?;
        Ok(dto(signing.create(&req.name, &req.organisation, false)?))
    })
    .await
}

/// Imports a signing identity (certificate and key) from a PKCS#12 file into the keyring, replacing the one
/// there; a wrong password or an unusable certificate is refused and the old identity stays.
#[tauri::command]
pub async fn import_signing_identity(req: ImportIdentityRequest) -> CmdResult<IdentityDto> {
    let ImportIdentityRequest { path, password } = req;
    let password = SecretString::new(password);
    blocking(move || {
        let signing = Signing::open(&Env::os())?;
        Ok(dto(
            signing.import_pkcs12(Path::new(path.trim()), &password)?
        ))
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
            let paper = match req.paper {
                Paper::A4 => PageSize::A4,
                Paper::Letter => PageSize::Letter,
            };
            let o = s.write_report(&path, paper)?;
            Ok(ReportOutcomeDto {
                pdf: o.pdf.display().to_string(),
                json: o.json.display().to_string(),
                csv: o.csv.display().to_string(),
                sha256: o.sha256,
                devices: o.devices,
                signer: o.signer,
                ca_path: o.ca.map(|p| p.display().to_string()),
            })
        })
        .await
}
