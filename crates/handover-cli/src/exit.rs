//! Exit statuses and error reporting. The numbers are part of the CLI's contract (documented in the README):
//!
//! | status | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | failure not covered below |
//! | 2 | bad command line (clap) |
//! | 3 | the project is open in another process |
//! | 4 | input refused (plan, catalog, arguments, a PKCS#12 identity); nothing was changed |
//! | 5 | verification failed (audit chain broken; `verify`: the report was changed, its signature is invalid, or it is not signed) |
//! | 6 | not found (project, device, finding, file) |
//! | 7 | the disk is full |
//! | 8 | the OS keyring is locked or missing |
//! | 9 | a device presented another TLS certificate than the pinned one; nothing was sent to it |
//! | 10 | `verify`: the report is intact but its signer is not trusted or not confirmed (the output says why) |
//! | 11 | `credentials rotate`: some accounts cannot be changed over ONVIF (the device does not support SetUser); the rest of the run went through |
//! | 12 | `firmware upgrade`: not every planned device was upgraded and proven (each line says why and what to do) |

use std::process::ExitCode;

use handover_engine::ErrorCode;

/// Verification ran and found a problem.
pub const VERIFY_FAILED: u8 = 5;

/// `credentials rotate` ran, but some devices cannot change passwords over ONVIF.
pub const CANNOT_ROTATE: u8 = 11;

/// `firmware upgrade` ran, but not every planned device was upgraded and proven.
pub const NOT_ALL_UPGRADED: u8 = 12;

/// Prints an error to stderr and returns its exit status.
pub fn report(e: &anyhow::Error) -> ExitCode {
    let top = e.to_string();
    errln!("error: {top}");
    // A cause whose text an earlier line already carries (errors often repeat their source) is not shown again.
    let mut shown = vec![top];
    for cause in e.chain().skip(1).map(ToString::to_string) {
        if shown.iter().any(|s| s.contains(cause.as_str())) {
            continue;
        }
        errln!("  caused by: {cause}");
        shown.push(cause);
    }
    let code = match e
        .downcast_ref::<handover_engine::Error>()
        .map(handover_engine::Error::code)
    {
        Some(ErrorCode::ProjectLocked) => 3,
        Some(ErrorCode::InvalidInput) => 4,
        Some(ErrorCode::NotFound) => 6,
        Some(ErrorCode::DiskFull) => 7,
        Some(ErrorCode::VerificationFailed) => VERIFY_FAILED,
        Some(ErrorCode::KeyringUnavailable) => 8,
        Some(ErrorCode::CertificateChanged) => 9,
        _ => 1,
    };
    ExitCode::from(code)
}
