//! Handover screen shapes: the integrator's signing identity (created, or imported from PKCS#12 with a
//! password that only travels towards the backend), and signing and saving the report.

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The signing identity kept in the keyring (public facts only).
#[derive(Debug, Clone, Serialize, TS)]
pub struct IdentityDto {
    /// Subject DN of the signing certificate.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// Valid until (RFC 3339).
    pub not_after: String,
    /// SHA-256 fingerprint.
    pub fingerprint: String,
    /// The CA certificate file to give IT, when there is one.
    pub ca_path: Option<String>,
}

/// Create an integrator CA and signing certificate.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct CreateIdentityRequest {
    /// The signer's name (the technician or the integrator).
    pub name: String,
    /// The integrator organisation.
    pub organisation: String,
}

/// Import an existing signing identity from a PKCS#12 (.p12/.pfx) file.
#[derive(Clone, Deserialize, TS)]
pub struct ImportIdentityRequest {
    /// The .p12 or .pfx file.
    pub path: String,
    /// Its password (becomes a `Secret` at once; never logged).
    pub password: String,
}

impl fmt::Debug for ImportIdentityRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImportIdentityRequest")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Paper size of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Paper {
    /// ISO A4.
    A4,
    /// US Letter.
    Letter,
}

/// Sign and save the report.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct WriteReportRequest {
    /// The PDF to write (JSON and CSV twins go beside it).
    pub path: String,
    /// Paper size.
    pub paper: Paper,
}

/// What was written.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReportOutcomeDto {
    /// The signed PDF.
    pub pdf: String,
    /// The JSON twin.
    pub json: String,
    /// The CSV twin.
    pub csv: String,
    /// SHA-256 of the PDF.
    pub sha256: String,
    /// Devices in the report.
    #[ts(type = "number")]
    pub devices: usize,
    /// Who signed.
    pub signer: String,
    /// The CA certificate file to give IT, when there is one.
    pub ca_path: Option<String>,
}
