//! Review screen (no project needed): verify a signed handover PDF offline and browse what it carries; save
//! the rows the reviewer filtered as one of the report's own CSV twins.

use std::path::{Path, PathBuf};

use handover_engine::report;

use crate::dto::{ExportCsvDto, ExportCsvRequest, ReviewDto, ReviewRequest};
use crate::error::CmdResult;
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

/// Writes the rows the reviewer kept as one of the report's CSV twins, through the report's own writers
/// (`report::export_report_csv`), so the columns are those of the files beside the PDF. Only `.csv` files
/// are written.
#[tauri::command]
pub async fn export_csv(req: ExportCsvRequest) -> CmdResult<ExportCsvDto> {
    blocking(move || {
        let path = PathBuf::from(req.path.trim());
        let rows = report::export_report_csv(
            Path::new(req.report.trim()),
            req.kind,
            req.ids.as_deref(),
            &path,
        )?;
        Ok(ExportCsvDto {
            path: path.display().to_string(),
            rows,
        })
    })
    .await
}
