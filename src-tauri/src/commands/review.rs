//! Review screen (no project needed): verify a signed handover PDF offline and browse what it carries; save
//! the rows the reviewer filtered as CSV.

use std::path::{Path, PathBuf};

use handover_report::TrustedCert;

use crate::dto::{ExportCsvRequest, ReviewDto, ReviewRequest};
use crate::error::{AppError, CmdResult};
use crate::report_file;
use crate::state::blocking;

fn read(path: &Path) -> Result<Vec<u8>, AppError> {
    std::fs::read(path).map_err(|source| AppError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Verifies the signature and integrity of a handover PDF against the CAs in `trust_path` (if given), now.
#[tauri::command]
pub async fn verify_report(req: ReviewRequest) -> CmdResult<ReviewDto> {
    blocking(move || {
        let path = PathBuf::from(req.path.trim());
        let bytes = read(&path)?;
        let trusted = match req.trust_path.as_deref().map(str::trim) {
            Some(t) if !t.is_empty() => TrustedCert::from_pem(&read(Path::new(t))?)?,
            _ => Vec::new(),
        };
        Ok(report_file::review(
            &path.display().to_string(),
            &bytes,
            &trusted,
            time::OffsetDateTime::now_utc(),
        ))
    })
    .await
}

/// Writes CSV text the Review screen built from the rows shown. Only `.csv` files are written.
#[tauri::command]
pub async fn export_csv(req: ExportCsvRequest) -> CmdResult<String> {
    blocking(move || {
        let path = PathBuf::from(req.path.trim());
        if path.extension().and_then(|e| e.to_str()) != Some("csv") {
            return Err(AppError::Invalid(
                "the export must be a .csv file; add .csv to the name".into(),
            ));
        }
        let tmp = path.with_extension("csv.tmp");
        let io = |p: &Path| {
            let p = p.to_owned();
            move |source| AppError::Io { path: p, source }
        };
        std::fs::write(&tmp, req.contents.as_bytes()).map_err(io(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(io(&path))?;
        Ok(path.display().to_string())
    })
    .await
}
