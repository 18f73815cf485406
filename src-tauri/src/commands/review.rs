//! Review screen (no project needed): verify a signed handover PDF offline and browse what it carries; save
//! the rows the reviewer filtered as CSV.

use std::path::{Path, PathBuf};

use handover_engine::report;

use crate::dto::{ExportCsvRequest, ReviewDto, ReviewRequest};
use crate::error::{AppError, CmdResult};
use crate::report_file;
use crate::state::blocking;

/// Verifies the signature and integrity of a handover PDF against the CAs in `trust_path` (if given), now,
/// and reads the inventory it carries; a trust file without a certificate is refused, as in the CLI.
#[tauri::command]
pub async fn verify_report(req: ReviewRequest) -> CmdResult<ReviewDto> {
    blocking(move || {
        let path = PathBuf::from(req.path.trim());
        let trust: Vec<PathBuf> = req
            .trust_path
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(PathBuf::from)
            .into_iter()
            .collect();
        let reading = report::read_report(&path, &trust, time::OffsetDateTime::now_utc())?;
        Ok(report_file::review(&path.display().to_string(), &reading))
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
