//! Catalogs: versioned data files the checks run against (factory-default credentials, the firmware baseline).
//!
//! Each catalog is a TOML document with a `[catalog]` header (kind, version, published date). The built-in
//! catalogs are compiled in from `assets/catalogs/`; newer ones can be imported offline when they carry a valid
//! Ed25519 signature from a key the app trusts ([`signature`]). Every loaded catalog keeps the SHA-256 of its
//! exact bytes so the report can name what was used.

pub mod defaults;
pub mod firmware;
pub mod images;
pub mod signature;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::CatalogError;

/// A catalog's header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Which kind of catalog (`default-credentials`, `firmware-baseline`).
    pub kind: String,
    /// Its version, e.g. `2026.11.1`.
    pub version: String,
    /// When it was published (ISO date).
    pub published: String,
    /// Who publishes it.
    #[serde(default)]
    pub publisher: String,
}

/// What the report says about a catalog used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogInfo {
    /// Its header.
    pub header: Header,
    /// SHA-256 of the exact bytes, hex.
    pub sha256: String,
    /// Whether it is the built-in one or was imported.
    pub source: String,
}

pub(crate) fn info(header: &Header, bytes: &[u8], source: &str) -> CatalogInfo {
    CatalogInfo {
        header: header.clone(),
        sha256: hex::encode(Sha256::digest(bytes)),
        source: source.to_owned(),
    }
}

/// Parses TOML, turning a syntax or shape error into one that names the line.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
    name: &str,
    text: &str,
) -> Result<T, CatalogError> {
    toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| 1 + text[..s.start.min(text.len())].matches('\n').count());
        CatalogError::Malformed {
            catalog: name.to_owned(),
            line,
            message: e.message().to_owned(),
        }
    })
}

/// The catalog as text, or an error naming the line where it stops being UTF-8.
pub(crate) fn utf8<'a>(name: &str, bytes: &'a [u8]) -> Result<&'a str, CatalogError> {
    std::str::from_utf8(bytes).map_err(|e| CatalogError::Malformed {
        catalog: name.to_owned(),
        line: Some(
            1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count(),
        ),
        message: "not UTF-8 text".into(),
    })
}

/// Reads only a catalog's header (to learn its kind), with errors that name the line.
pub fn peek_header(name: &str, bytes: &[u8]) -> Result<Header, CatalogError> {
    #[derive(Deserialize)]
    struct Peek {
        catalog: Header,
    }
    let text = utf8(name, bytes)?;
    // Parse the whole document (so syntax errors anywhere are caught with their line), keep only the header.
    let doc: toml::Table = parse_toml(name, text)?;
    let peek: Peek = doc
        .try_into()
        .map_err(|e: toml::de::Error| CatalogError::Malformed {
            catalog: name.to_owned(),
            line: line_of(text, "[catalog]"),
            message: e.message().to_owned(),
        })?;
    Ok(peek.catalog)
}

/// The line on which `needle` (a quoted value or key) first appears, to point at invalid entries.
pub(crate) fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.find(needle)
        .map(|at| 1 + text[..at].matches('\n').count())
}

/// Checks a header's kind and fields.
pub(crate) fn check_header(
    name: &str,
    text: &str,
    h: &Header,
    kind: &str,
) -> Result<(), CatalogError> {
    let bad = |message: String| CatalogError::Invalid {
        catalog: name.to_owned(),
        line: line_of(text, "[catalog]"),
        message,
    };
    if h.kind != kind {
        return Err(bad(format!(
            "this is a {:?} catalog, expected {kind:?}",
            h.kind
        )));
    }
    if h.version.trim().is_empty() {
        return Err(bad("the catalog version is empty".into()));
    }
    if time::Date::parse(
        &h.published,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .is_err()
    {
        return Err(bad(format!(
            "published {:?} is not a date such as 2026-11-01",
            h.published
        )));
    }
    Ok(())
}

/// Both catalogs the checks need, with what the report says about them.
#[derive(Debug, Clone)]
pub struct Catalogs {
    /// Factory-default credentials.
    pub defaults: defaults::DefaultCredentials,
    /// The firmware baseline.
    pub firmware: firmware::FirmwareBaseline,
}

impl Catalogs {
    /// The catalogs compiled into this build.
    pub fn built_in() -> Self {
        Self {
            defaults: defaults::DefaultCredentials::built_in(),
            firmware: firmware::FirmwareBaseline::built_in(),
        }
    }

    /// What the report names: each catalog's version and SHA-256.
    pub fn infos(&self) -> Vec<CatalogInfo> {
        vec![self.defaults.info.clone(), self.firmware.info.clone()]
    }
}
