//! Catalog shapes: the catalogs in use (built in or imported, with their version and hash) and imported files
//! that are ignored, with why.

use serde::Serialize;
use ts_rs::TS;

/// One catalog in use.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CatalogDto {
    /// `default-credentials` or `firmware-baseline`.
    pub kind: String,
    /// Its version.
    pub version: String,
    /// When it was published.
    pub published: String,
    /// Built in, or the imported file.
    pub source: String,
    /// SHA-256 of the exact bytes.
    pub sha256: String,
}

/// An imported catalog file that is not used.
#[derive(Debug, Clone, Serialize, TS)]
pub struct IgnoredCatalogDto {
    /// The catalog kind.
    pub kind: String,
    /// The file.
    pub path: String,
    /// Why it is not used.
    pub why: String,
}

/// The catalogs in use and the ignored files.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CatalogsDto {
    /// In use.
    pub in_use: Vec<CatalogDto>,
    /// Imported but ignored.
    pub ignored: Vec<IgnoredCatalogDto>,
}
