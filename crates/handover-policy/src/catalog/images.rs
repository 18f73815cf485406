//! Approved firmware images in the firmware baseline: per vendor, model family and version, the SHA-256 of the
//! exact image file the publisher checked (`[[image]]` tables, optional, so catalogs without them still load).
//! Not the images themselves, and not where to download them: the technician brings the files.

use serde::{Deserialize, Serialize};

use super::firmware::{Family, Vendor};
use super::line_of;
use crate::error::CatalogError;

/// One approved image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovedImage {
    /// The vendor's key.
    pub vendor: String,
    /// The model family's name (as in its `[[family]]`).
    pub family: String,
    /// The firmware version the image installs, in the vendor's scheme.
    pub version: String,
    /// SHA-256 of the image file, 64 hex digits.
    pub sha256: String,
    /// Its size in bytes, when the publisher gives it.
    #[serde(default)]
    pub size: Option<u64>,
    /// The vendor's file name, for people (never used to match).
    #[serde(default)]
    pub file: Option<String>,
}

/// Checks every image entry against the vendors and families of the same catalog; normalises the hashes to
/// lower case.
pub(crate) fn validate(
    name: &str,
    text: &str,
    vendors: &[Vendor],
    families: &[Family],
    images: &mut [ApprovedImage],
) -> Result<(), CatalogError> {
    for img in images.iter_mut() {
        let line = line_of(text, &img.sha256).or_else(|| line_of(text, "[[image]]"));
        let what = format!("image {} {}", img.family, img.version);
        let bad = |message: String| CatalogError::Invalid {
            catalog: name.to_owned(),
            line,
            message: format!("{what}: {message}"),
        };
        if img.sha256.len() != 64 || !img.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad(format!(
                "sha256 {:?} is not 64 hexadecimal digits",
                img.sha256
            )));
        }
        let vendor = vendors
            .iter()
            .find(|v| v.key == img.vendor)
            .ok_or_else(|| bad(format!("unknown vendor {:?}", img.vendor)))?;
        if !families
            .iter()
            .any(|f| f.vendor == img.vendor && f.name == img.family)
        {
            return Err(bad(format!(
                "no family {:?} of vendor {:?} in this catalog",
                img.family, img.vendor
            )));
        }
        vendor
            .scheme
            .parse(&img.version)
            .map_err(|e| bad(e.to_string()))?;
        if img.size == Some(0) {
            return Err(bad("size 0: an image is never empty".into()));
        }
        img.sha256.make_ascii_lowercase();
    }
    for (i, a) in images.iter().enumerate() {
        if images[..i].iter().any(|b| b.sha256 == a.sha256) {
            return Err(CatalogError::Invalid {
                catalog: name.to_owned(),
                line: line_of(text, &a.sha256),
                message: format!("image sha256 {} is listed twice", a.sha256),
            });
        }
    }
    Ok(())
}
