//! The policy crate's error type: catalogs that cannot be used, and why.

/// Why a catalog was refused. The previously loaded catalog stays in use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// Not valid TOML, or not the expected shape.
    #[error("catalog {catalog}{}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
    Malformed {
        /// Which catalog.
        catalog: String,
        /// Where, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// Well-formed but inconsistent (unknown vendor, unparseable version, ...).
    #[error("catalog {catalog}{}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
    Invalid {
        /// Which catalog.
        catalog: String,
        /// Where, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// No signature came with the catalog.
    #[error(
        "catalog {catalog} is not signed: only catalogs signed by the Handover catalog key can be imported (expected {catalog}.sig beside it)"
    )]
    Unsigned {
        /// Which catalog.
        catalog: String,
    },
    /// The signature does not verify with any trusted key: the file was changed or signed by someone else.
    #[error(
        "catalog {catalog} has an invalid signature: it was changed after signing or not signed by a trusted key; the catalog in use is kept"
    )]
    BadSignature {
        /// Which catalog.
        catalog: String,
    },
    /// The catalog is older than the one in use.
    #[error(
        "catalog {catalog} version {offered} is not newer than the one in use ({current}); nothing changed"
    )]
    NotNewer {
        /// Which catalog.
        catalog: String,
        /// Its version.
        offered: String,
        /// The version in use.
        current: String,
    },
}

impl CatalogError {
    /// Whether the refusal is about authenticity (unsigned or bad signature) rather than content.
    pub fn is_signature(&self) -> bool {
        matches!(
            self,
            CatalogError::Unsigned { .. } | CatalogError::BadSignature { .. }
        )
    }
    /// The line the problem is on, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            CatalogError::Malformed { line, .. } | CatalogError::Invalid { line, .. } => *line,
            _ => None,
        }
    }
}
