//! The engine's error type, with a stable machine-readable code for each kind (the UI gets `{code, message}`,
//! the CLI maps codes to exit statuses).

use std::path::PathBuf;

/// Result with the engine's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, in terms a front end can act on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The project file.
    #[error(transparent)]
    Store(#[from] handover_store::Error),
    /// A plan CSV that cannot be used.
    #[error("{}: {source}", path.display())]
    PlanCsv {
        /// The file.
        path: PathBuf,
        /// What is wrong and where.
        source: handover_model::PlanCsvError,
    },
    /// A plan that is inconsistent.
    #[error(transparent)]
    Plan(#[from] handover_model::PlanError),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
    /// A catalog that was refused.
    #[error(transparent)]
    Catalog(#[from] handover_policy::CatalogError),
    /// The keyring.
    #[error(transparent)]
    Vault(#[from] handover_vault::VaultError),
    /// Rendering, signing or verifying the report.
    #[error(transparent)]
    Report(#[from] handover_report::Error),
    /// Talking to devices.
    #[error(transparent)]
    Devices(#[from] handover_devices::Error),
    /// Input that makes no sense (e.g. an empty required field).
    /// The project's vault key is missing from the OS keyring or is not the one its secrets are sealed under.
    #[error("the passwords of project {project} cannot be opened: {problem}")]
    VaultKey {
        /// The project id.
        project: String,
        /// What is wrong and what to do.
        problem: String,
    },
    #[error("{0}")]
    Invalid(String),
    /// No signing identity is in the keyring yet (a report cannot be signed).
    #[error(
        "there is no signing identity yet: create one (`handover sign-identity create --name NAME --org ORG`, or on the app's Handover screen) or import yours from a PKCS#12 file (`handover sign-identity import FILE.p12`)"
    )]
    NoSigningIdentity,
    /// The project's audit log does not verify, so no report is signed over it.
    #[error(
        "the audit log does not verify: {0}; no report was signed (a signed report would anchor a forged history). Run `handover audit verify` for details"
    )]
    AuditBroken(handover_store::audit::Problem),
}

/// Stable error codes, the same for every front end: the CLI maps them to exit statuses (README "Exit
/// statuses"), the app sends them with each refused command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    /// The project is open in another process (CLI exit 3).
    ProjectLocked,
    /// A project, device, finding or file does not exist (exit 6).
    NotFound,
    /// Input was refused; nothing was changed (exit 4).
    InvalidInput,
    /// The disk is full (exit 7).
    DiskFull,
    /// The OS keyring is locked or cannot be reached.
    KeyringUnavailable,
    /// A signature or integrity check failed (exit 5).
    VerificationFailed,
    /// A device presented another TLS certificate than its pinned one; nothing was sent (exit 9).
    CertificateChanged,
    /// A front end was asked for project work with no project open (the app before one is opened).
    NoProject,
    /// The person cancelled; what finished before is kept.
    Cancelled,
    /// Anything else (exit 1).
    Internal,
}

impl Error {
    /// The machine-readable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Store(e) if e.is_locked() => ErrorCode::ProjectLocked,
            Error::Store(e) if e.is_not_found() => ErrorCode::NotFound,
            Error::Store(e) if e.is_disk_full() => ErrorCode::DiskFull,
            Error::Store(
                handover_store::Error::AlreadyExists { .. }
                | handover_store::Error::NotAProject { .. }
                | handover_store::Error::NewerSchema { .. }
                | handover_store::Error::Conflict(_),
            ) => ErrorCode::InvalidInput,
            Error::PlanCsv { .. } | Error::Plan(_) | Error::Invalid(_) => ErrorCode::InvalidInput,
            Error::AuditBroken(_) => ErrorCode::VerificationFailed,
            Error::NoSigningIdentity => ErrorCode::NotFound,
            Error::Report(e) if e.is_refused_input() => ErrorCode::InvalidInput,
            Error::Catalog(e) if e.is_signature() => ErrorCode::VerificationFailed,
            Error::Devices(e) if e.is_certificate_changed() => ErrorCode::CertificateChanged,
            Error::Catalog(_) => ErrorCode::InvalidInput,
            Error::Vault(e) if e.is_locked() || e.is_unavailable() => ErrorCode::KeyringUnavailable,
            Error::Vault(e) if e.is_not_found() => ErrorCode::NotFound,
            Error::VaultKey { .. } => ErrorCode::KeyringUnavailable,
            Error::Vault(e) if e.is_seal() => ErrorCode::VerificationFailed,
            Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                ErrorCode::NotFound
            }
            _ => ErrorCode::Internal,
        }
    }
}
