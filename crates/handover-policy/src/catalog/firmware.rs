//! The firmware baseline: per vendor and model family, the minimum approved version, known-vulnerable versions
//! with CVE ids (those in CISA's known-exploited list flagged), and end of support where known; optionally the
//! approved images' SHA-256 per vendor, family and version ([`super::images`]).

use serde::{Deserialize, Serialize};

use handover_model::{DeviceFacts, MacAddr};

use super::images::{self, ApprovedImage};
use super::{CatalogInfo, Header, check_header, info, line_of, parse_toml, utf8};
use crate::error::CatalogError;
use crate::vendor::{VendorMatch, best_match, model_matches};
use crate::version::{Scheme, Version, VersionError};

const NAME: &str = "firmware-baseline";
const BUILT_IN: &str = include_str!("../../../../assets/catalogs/firmware-baseline.toml");

/// A vendor and how it writes versions.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    /// Short key.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Version scheme.
    pub scheme: Scheme,
    /// How to recognise it.
    #[serde(rename = "match")]
    pub matcher: VendorMatch,
}

/// A known vulnerability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vulnerability {
    /// CVE id.
    pub cve: String,
    /// The first version that fixes it; versions below are vulnerable.
    pub fixed_in: String,
    /// In CISA's known-exploited list.
    #[serde(default)]
    pub kev: bool,
    /// One line on what it allows.
    #[serde(default)]
    pub summary: String,
}

/// A model family.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Family {
    /// The vendor's key.
    pub vendor: String,
    /// A name for people.
    pub name: String,
    /// Model patterns (exact, or prefix with a trailing `*`).
    pub models: Vec<String>,
    /// The minimum approved firmware.
    pub min_version: String,
    /// End of support (ISO date), if announced.
    #[serde(default)]
    pub end_of_support: Option<String>,
    /// Known vulnerabilities.
    #[serde(default)]
    pub vulnerable: Vec<Vulnerability>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    catalog: Header,
    #[serde(rename = "vendor")]
    vendors: Vec<Vendor>,
    #[serde(rename = "family")]
    families: Vec<Family>,
    #[serde(rename = "image", default)]
    images: Vec<ApprovedImage>,
}

/// The loaded baseline.
#[derive(Debug, Clone)]
pub struct FirmwareBaseline {
    /// Version and hash, for the report.
    pub info: CatalogInfo,
    vendors: Vec<Vendor>,
    families: Vec<Family>,
    images: Vec<ApprovedImage>,
}

/// What the baseline says about one device's firmware.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assessment {
    /// At or above the minimum and not known-vulnerable.
    Compliant {
        /// The family.
        family: String,
        /// The minimum.
        min_version: String,
    },
    /// Below the minimum approved version.
    Outdated {
        /// The family.
        family: String,
        /// The minimum.
        min_version: String,
        /// Known vulnerabilities the installed version has.
        vulnerable: Vec<Vulnerability>,
    },
    /// The vendor, the model or the version string is not covered: never a pass.
    NotInBaseline {
        /// Why.
        reason: String,
    },
}

impl FirmwareBaseline {
    /// The catalog compiled into this build.
    pub fn built_in() -> Self {
        match Self::parse(BUILT_IN.as_bytes(), "built-in") {
            Ok(c) => c,
            Err(e) => panic!("the built-in firmware baseline is invalid (a build defect): {e}"),
        }
    }

    /// Parses and validates a baseline: every version in it must parse in its vendor's scheme.
    pub fn parse(bytes: &[u8], source: &str) -> Result<Self, CatalogError> {
        let text = utf8(NAME, bytes)?;
        let mut file: File = parse_toml(NAME, text)?;
        check_header(NAME, text, &file.catalog, NAME)?;
        for v in &file.vendors {
            v.matcher.validate().map_err(|m| CatalogError::Invalid {
                catalog: NAME.into(),
                line: line_of(text, &format!("key = \"{}\"", v.key)),
                message: format!("vendor {}: {m}", v.key),
            })?;
        }
        for f in &file.families {
            let bad = |needle: &str, message: String| CatalogError::Invalid {
                catalog: NAME.into(),
                line: line_of(text, needle),
                message: format!("family {:?}: {message}", f.name),
            };
            let vendor = file
                .vendors
                .iter()
                .find(|v| v.key == f.vendor)
                .ok_or_else(|| {
                    bad(
                        &format!("name = \"{}\"", f.name),
                        format!("unknown vendor {:?}", f.vendor),
                    )
                })?;
            vendor
                .scheme
                .parse(&f.min_version)
                .map_err(|e| bad(&f.min_version, e.to_string()))?;
            for v in &f.vulnerable {
                vendor
                    .scheme
                    .parse(&v.fixed_in)
                    .map_err(|e| bad(&v.fixed_in, format!("{}: {e}", v.cve)))?;
            }
            if f.models.is_empty() {
                return Err(bad(
                    &format!("name = \"{}\"", f.name),
                    "no models listed".into(),
                ));
            }
        }
        images::validate(NAME, text, &file.vendors, &file.families, &mut file.images)?;
        Ok(Self {
            info: info(&file.catalog, bytes, source),
            vendors: file.vendors,
            families: file.families,
            images: file.images,
        })
    }

    fn vendor_for(&self, facts: &DeviceFacts, mac: Option<MacAddr>) -> Option<&Vendor> {
        best_match(&self.vendors, |v| &v.matcher, facts, mac)
    }

    /// The approved images this catalog lists (none in a catalog without `[[image]]` tables).
    pub fn images(&self) -> &[ApprovedImage] {
        &self.images
    }

    /// The approved image with this SHA-256 (hex, any case), if listed.
    pub fn image_by_sha256(&self, sha256: &str) -> Option<&ApprovedImage> {
        self.images
            .iter()
            .find(|i| i.sha256.eq_ignore_ascii_case(sha256))
    }

    /// A vendor by its key.
    pub fn vendor(&self, key: &str) -> Option<&Vendor> {
        self.vendors.iter().find(|v| v.key == key)
    }

    /// The vendor and model family a device belongs to, when the baseline covers it.
    pub fn family_for(
        &self,
        facts: &DeviceFacts,
        mac: Option<MacAddr>,
    ) -> Option<(&Vendor, &Family)> {
        let vendor = self.vendor_for(facts, mac)?;
        let model = facts.model.as_deref()?;
        self.family_of_model(&vendor.key, model)
            .map(|f| (vendor, f))
    }

    /// The family of `vendor` whose model patterns cover `model`.
    pub fn family_of_model(&self, vendor: &str, model: &str) -> Option<&Family> {
        self.families
            .iter()
            .find(|f| f.vendor == vendor && f.models.iter().any(|p| model_matches(p, model)))
    }

    /// The vendor whose name or key matches a name written in an image file (case-insensitive).
    pub fn vendor_named(&self, name: &str) -> Option<&Vendor> {
        self.vendors.iter().find(|v| {
            v.key.eq_ignore_ascii_case(name)
                || v.name.eq_ignore_ascii_case(name)
                || v.matcher.manufacturer_matches(name)
        })
    }

    /// Parses a firmware string in the scheme of the device's vendor.
    pub fn parse_version(
        &self,
        facts: &DeviceFacts,
        mac: Option<MacAddr>,
        text: &str,
    ) -> Option<Result<Version, VersionError>> {
        self.vendor_for(facts, mac).map(|v| v.scheme.parse(text))
    }

    /// Assesses a device's firmware against the baseline.
    pub fn assess(&self, facts: &DeviceFacts, mac: Option<MacAddr>) -> Assessment {
        let nib = |reason: String| Assessment::NotInBaseline { reason };
        let Some(vendor) = self.vendor_for(facts, mac) else {
            return nib(format!(
                "vendor {:?} is not in the firmware baseline",
                facts.manufacturer.as_deref().unwrap_or("unknown")
            ));
        };
        let Some(model) = facts.model.as_deref() else {
            return nib("the device did not report its model".into());
        };
        let Some(family) = self
            .families
            .iter()
            .find(|f| f.vendor == vendor.key && f.models.iter().any(|p| model_matches(p, model)))
        else {
            return nib(format!(
                "{} model {model:?} is not in the firmware baseline",
                vendor.name
            ));
        };
        let Some(text) = facts.firmware.as_deref() else {
            return nib("the device did not report its firmware version".into());
        };
        let installed = match vendor.scheme.parse(text) {
            Ok(v) => v,
            Err(e) => return nib(e.to_string()),
        };
        let parse = |s: &str| vendor.scheme.parse(s).ok();
        let vulnerable: Vec<Vulnerability> = family
            .vulnerable
            .iter()
            .filter(|v| parse(&v.fixed_in).is_some_and(|fixed| installed < fixed))
            .cloned()
            .collect();
        let min = parse(&family.min_version);
        if min.as_ref().is_some_and(|m| installed < *m) || !vulnerable.is_empty() {
            Assessment::Outdated {
                family: family.name.clone(),
                min_version: family.min_version.clone(),
                vulnerable,
            }
        } else {
            Assessment::Compliant {
                family: family.name.clone(),
                min_version: family.min_version.clone(),
            }
        }
    }

    /// End of support of the device's family, if announced.
    pub fn end_of_support(&self, facts: &DeviceFacts, mac: Option<MacAddr>) -> Option<&str> {
        let vendor = self.vendor_for(facts, mac)?;
        let model = facts.model.as_deref()?;
        self.families
            .iter()
            .find(|f| f.vendor == vendor.key && f.models.iter().any(|p| model_matches(p, model)))
            .and_then(|f| f.end_of_support.as_deref())
    }
}
