//! Site-and-plan screen: the plan, a CSV preview with its problem located, the import.

use std::path::Path;

use tauri::State;

use crate::dto::{CsvProblem, PathRequest, PlanDto, PlanPreview};
use crate::error::CmdResult;
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
        let preview = handover_engine::preview_plan_csv(Path::new(req.path.trim()))?;
        let lines = preview.lines;
        Ok(match preview.plan {
            Ok(plan) => PlanPreview {
                lines,
                plan: Some(PlanDto::from(&plan)),
                problem: None,
                message: None,
            },
            Err(e) => PlanPreview {
                lines,
                plan: None,
                problem: match &e {
                    handover_engine::Error::PlanCsv { source, .. } => {
                        Some(CsvProblem::from(source))
                    }
                    _ => None,
                },
                message: Some(e.to_string()),
            },
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
