//! Site-and-plan screen: the plan, a CSV preview with its problem located, the import.

use std::path::Path;

use tauri::State;

use crate::dto::{CsvProblem, PathRequest, PlanDto, PlanPreview};
use crate::error::{AppError, CmdResult};
use crate::state::{AppState, blocking};

/// IT's plan in the open project.
#[tauri::command]
pub async fn get_plan(state: State<'_, AppState>) -> CmdResult<PlanDto> {
    state.with_session(|s| Ok(PlanDto::from(&s.plan()?))).await
}

/// Reads a plan CSV without importing it: the plan, or its first problem with line and column.
#[tauri::command]
pub async fn preview_plan_csv(req: PathRequest) -> CmdResult<PlanPreview> {
    blocking(move || {
        let path = Path::new(req.path.trim());
        let lines = std::fs::read(path)
            .map(|b| {
                String::from_utf8_lossy(&b)
                    .lines()
                    .map(str::to_owned)
                    .collect()
            })
            .map_err(|source| AppError::Io {
                path: path.to_owned(),
                source,
            })?;
        Ok(match handover_engine::read_plan_csv(path) {
            Ok(plan) => PlanPreview {
                lines,
                plan: Some(PlanDto::from(&plan)),
                problem: None,
                message: None,
            },
            Err(e @ handover_engine::Error::PlanCsv { .. }) => {
                let problem = match &e {
                    handover_engine::Error::PlanCsv { source, .. } => {
                        Some(CsvProblem::from(source))
                    }
                    _ => None,
                };
                PlanPreview {
                    lines,
                    plan: None,
                    problem,
                    message: Some(e.to_string()),
                }
            }
            Err(e) if e.code() == handover_engine::ErrorCode::InvalidInput => PlanPreview {
                lines,
                plan: None,
                problem: None,
                message: Some(e.to_string()),
            },
            Err(e) => return Err(e.into()),
        })
    })
    .await
}

/// Replaces the open project's plan with the CSV file's. A bad file changes nothing.
#[tauri::command]
pub async fn import_plan_csv(state: State<'_, AppState>, req: PathRequest) -> CmdResult<PlanDto> {
    state
        .with_session(move |s| {
            Ok(PlanDto::from(
                &s.import_plan_csv(Path::new(req.path.trim()))?,
            ))
        })
        .await
}
