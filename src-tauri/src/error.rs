//! The one error type of the desktop shell ([`AppError`], carrying the real source errors) and what the
//! front end receives ([`CommandError`]: a stable code, the message, and what to do about it). The codes are
//! the engine's (`handover_engine::ErrorCode`, one list for both front ends).

use std::path::PathBuf;

use serde::Serialize;
use ts_rs::TS;

/// What went wrong in a command.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// The engine refused or failed.
    #[error(transparent)]
    Engine(#[from] handover_engine::Error),
    /// A command that needs an open project was called without one.
    #[error("no project is open")]
    NoProject,
    /// The technician cancelled a long step.
    #[error("cancelled")]
    Cancelled,
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
    /// Input the shell itself refuses (before reaching the engine).
    #[error("{0}")]
    Invalid(String),
    /// The background thread running the command died.
    #[error("the background task failed: {0}")]
    Task(#[from] tauri::Error),
}

impl AppError {
    /// Whether the failure is "no project open".
    pub fn is_no_project(&self) -> bool {
        matches!(self, AppError::NoProject)
    }

    /// Whether the technician cancelled.
    pub fn is_cancelled(&self) -> bool {
        matches!(self, AppError::Cancelled)
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Engine(e) => e.code(),
            AppError::NoProject => ErrorCode::NoProject,
            AppError::Cancelled => ErrorCode::Cancelled,
            AppError::Io { source, .. } => match source.kind() {
                std::io::ErrorKind::NotFound => ErrorCode::NotFound,
                std::io::ErrorKind::StorageFull => ErrorCode::DiskFull,
                _ => ErrorCode::Internal,
            },
            AppError::Invalid(_) => ErrorCode::InvalidInput,
            AppError::Task(_) => ErrorCode::Internal,
        }
    }
}

pub use handover_engine::ErrorCode;

/// What the technician should do next, in the app's words.
pub fn hint(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::ProjectLocked => {
            "Close the project in the other window or terminal, then open it again."
        }
        ErrorCode::NotFound => "Check the path, or pick the file with Browse.",
        ErrorCode::InvalidInput => "Nothing was changed. Correct the input and try again.",
        ErrorCode::DiskFull => "Nothing was lost. Free some disk space and try again.",
        ErrorCode::KeyringUnavailable => {
            "Unlock or start the OS keyring (its status is at the top right), then try again."
        }
        ErrorCode::VerificationFailed => {
            "Do not rely on this file. Ask the sender for the original."
        }
        ErrorCode::CertificateChanged => {
            "Nothing was sent to the device. If it was replaced or reset, confirm that on site and use \
             Forget certificate in its details (Devices); otherwise someone may be intercepting the network."
        }
        ErrorCode::NoProject => "Create a project or open one on the Projects screen.",
        ErrorCode::Cancelled => "Stopped. Everything finished before you cancelled is saved.",
        ErrorCode::Internal => "Try again. If it keeps happening, note the message for support.",
    }
}

/// The error every command rejects with.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CommandError {
    /// Machine-readable code.
    pub code: ErrorCode,
    /// What happened, in plain words.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl From<AppError> for CommandError {
    fn from(e: AppError) -> Self {
        let code = e.code();
        CommandError {
            code,
            message: e.to_string(),
            hint: hint(code).to_owned(),
        }
    }
}

impl From<handover_engine::Error> for CommandError {
    fn from(e: handover_engine::Error) -> Self {
        AppError::from(e).into()
    }
}

/// What commands return.
pub type CmdResult<T> = Result<T, CommandError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_the_cli_spells_them() {
        let check = |e: AppError, code: &str| {
            let c = CommandError::from(e);
            assert_eq!(serde_json::to_value(c.code).unwrap(), code);
            assert!(!c.hint.is_empty());
        };
        check(AppError::NoProject, "no-project");
        check(AppError::Cancelled, "cancelled");
        check(AppError::Invalid("x".into()), "invalid-input");
        check(
            AppError::Io {
                path: "/nope".into(),
                source: std::io::Error::from(std::io::ErrorKind::NotFound),
            },
            "not-found",
        );
        check(
            handover_engine::Error::Invalid("empty".into()).into(),
            "invalid-input",
        );
    }
}
