//! The firmware upgrade plan, decided before anything is sent: which image (from the technician's folder) each
//! device would get, and what blocks it (model unknown, no image, an image not in the signed catalog and not
//! accepted by the technician, a checksum that differs from the catalog's, a downgrade, an image for another
//! model). Pure: the images arrive already hashed and their headers read.

use serde::Serialize;

use handover_model::{DeviceFacts, MacAddr};

use crate::catalog::firmware::{Assessment, FirmwareBaseline};
use crate::firmware_image::ImageHeader;
use crate::version::Version;

/// An image file as found in the folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageFile {
    /// File name inside the folder.
    pub file: String,
    /// SHA-256 of the whole file, lower-case hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// What the file's own header states, when its format states anything.
    pub header: Option<ImageHeader>,
}

/// Why an image may or may not be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "standing")]
pub enum Standing {
    /// Its SHA-256 is an approved image of the signed catalog.
    Approved,
    /// Not in the catalog; the technician accepted it explicitly (audited).
    Accepted,
    /// Not in the catalog and not accepted: refused.
    NotInCatalog,
    /// Its header names an image the catalog lists, but its SHA-256 differs: damaged or altered. Refused,
    /// whatever the technician accepted.
    ChecksumMismatch {
        /// The SHA-256 the catalog lists for that vendor, family and version.
        catalog_sha256: String,
    },
}

impl Standing {
    /// Whether an image in this standing may be sent.
    pub fn usable(&self) -> bool {
        matches!(self, Standing::Approved | Standing::Accepted)
    }
}

/// An image with what Handover makes of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identified {
    /// The file.
    pub image: ImageFile,
    /// The vendor's catalog key, when known (catalog first, else the file's header).
    pub vendor: Option<String>,
    /// The model family, when known.
    pub family: Option<String>,
    /// The version it installs, when known.
    pub version: Option<String>,
    /// Whether it may be sent.
    #[serde(flatten)]
    pub standing: Standing,
}

/// Identifies an image: by SHA-256 in the signed catalog, else by its header; `accepted` are the SHA-256s the
/// technician accepted explicitly.
pub fn identify(image: ImageFile, baseline: &FirmwareBaseline, accepted: &[String]) -> Identified {
    if let Some(a) = baseline.image_by_sha256(&image.sha256) {
        return Identified {
            vendor: Some(a.vendor.clone()),
            family: Some(a.family.clone()),
            version: Some(a.version.clone()),
            standing: Standing::Approved,
            image,
        };
    }
    let (mut vendor, mut family, mut version) = (None, None, None);
    if let Some(h) = &image.header
        && let Some(v) = baseline.vendor_named(&h.vendor)
    {
        vendor = Some(v.key.clone());
        family = baseline
            .family_of_model(&v.key, h.model.trim_end_matches('*'))
            .map(|f| f.name.clone());
        version = Some(h.version.clone());
    }
    let listed = baseline.images().iter().find(|a| {
        Some(&a.vendor) == vendor.as_ref()
            && Some(&a.family) == family.as_ref()
            && Some(&a.version) == version.as_ref()
    });
    let standing = match listed {
        Some(a) => Standing::ChecksumMismatch {
            catalog_sha256: a.sha256.clone(),
        },
        None if accepted
            .iter()
            .any(|s| s.eq_ignore_ascii_case(&image.sha256)) =>
        {
            Standing::Accepted
        }
        None => Standing::NotInCatalog,
    };
    Identified {
        image,
        vendor,
        family,
        version,
        standing,
    }
}

/// What blocks a device's upgrade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "reason")]
pub enum Blocked {
    /// The baseline does not cover the device's vendor or model.
    ModelUnknown {
        /// Why.
        detail: String,
    },
    /// The device's version string does not parse in its vendor's scheme.
    VersionUnknown {
        /// The string.
        reported: String,
    },
    /// No image in the folder is for this model family.
    NoImage,
    /// An image for it is not in the signed catalog and was not accepted.
    NotInCatalog {
        /// The file.
        file: String,
    },
    /// An image for it differs from the catalog's SHA-256 for that version.
    ChecksumMismatch {
        /// The file.
        file: String,
    },
    /// The only images for it are older than what it runs.
    Downgrade {
        /// The file.
        file: String,
        /// Its version.
        version: String,
    },
    /// The image chosen for it is for another model family.
    WrongModel {
        /// The file.
        file: String,
        /// What the image is for.
        image_for: String,
    },
}

impl Blocked {
    /// A short code for tables and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            Blocked::ModelUnknown { .. } => "model-unknown",
            Blocked::VersionUnknown { .. } => "version-unknown",
            Blocked::NoImage => "no-image",
            Blocked::NotInCatalog { .. } => "not-in-catalog",
            Blocked::ChecksumMismatch { .. } => "checksum-mismatch",
            Blocked::Downgrade { .. } => "downgrade",
            Blocked::WrongModel { .. } => "wrong-model",
        }
    }
}

impl std::fmt::Display for Blocked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Blocked::ModelUnknown { detail } => write!(f, "model unknown: {detail}"),
            Blocked::VersionUnknown { reported } => {
                write!(f, "version {reported:?} cannot be compared")
            }
            Blocked::NoImage => f.write_str("no image for this model in the firmware folder"),
            Blocked::NotInCatalog { file } => write!(
                f,
                "{file} is not in the signed catalog (accept it explicitly to use it)"
            ),
            Blocked::ChecksumMismatch { file } => write!(
                f,
                "{file} differs from the catalog's SHA-256 for its version: damaged or altered"
            ),
            Blocked::Downgrade { file, version } => {
                write!(f, "{file} ({version}) is older than the installed version")
            }
            Blocked::WrongModel { file, image_for } => {
                write!(f, "{file} is for {image_for}, not this model")
            }
        }
    }
}

/// What the plan does with a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Upgrade it with the chosen image.
    Upgrade,
    /// It already runs the newest usable image's version, or is compliant with nothing newer at hand.
    UpToDate,
    /// Something blocks it.
    Blocked,
}

/// One device's line of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DevicePlan {
    /// The vendor's key and the family, when known.
    pub family: Option<String>,
    /// Installed version, as reported.
    pub current: Option<String>,
    /// The version the chosen image installs, or the baseline's minimum when there is none.
    pub target: Option<String>,
    /// The chosen image.
    pub image: Option<Identified>,
    /// What to do.
    pub action: Action,
    /// What blocks it (empty unless `action` is `Blocked`).
    pub blocked: Vec<Blocked>,
}

/// Plans one device: the newest usable image for its family that is newer than what it runs; `forced` is an
/// image the technician chose for it.
pub fn plan_device(
    facts: &DeviceFacts,
    mac: Option<MacAddr>,
    baseline: &FirmwareBaseline,
    images: &[Identified],
    forced: Option<&Identified>,
) -> DevicePlan {
    let blocked = |family: Option<String>, target: Option<String>, why: Vec<Blocked>| DevicePlan {
        family,
        current: facts.firmware.clone(),
        target,
        image: None,
        action: Action::Blocked,
        blocked: why,
    };
    let Some((vendor, fam)) = baseline.family_for(facts, mac) else {
        let detail = match baseline.assess(facts, mac) {
            Assessment::NotInBaseline { reason } => reason,
            _ => "not covered by the firmware baseline".into(),
        };
        return blocked(None, None, vec![Blocked::ModelUnknown { detail }]);
    };
    let family = Some(fam.name.clone());
    let min = Some(fam.min_version.clone());
    let reported = facts.firmware.clone().unwrap_or_default();
    let Ok(current) = vendor.scheme.parse(&reported) else {
        return blocked(family, min, vec![Blocked::VersionUnknown { reported }]);
    };
    let version_of = |i: &Identified| -> Option<Version> {
        i.version
            .as_deref()
            .and_then(|v| vendor.scheme.parse(v).ok())
    };
    let upgrade = |i: &Identified, v: &Version| DevicePlan {
        family: family.clone(),
        current: facts.firmware.clone(),
        target: i.version.clone().or_else(|| Some(v.to_string())),
        image: Some(i.clone()),
        action: Action::Upgrade,
        blocked: Vec::new(),
    };
    let refusal = |i: &Identified| match &i.standing {
        Standing::NotInCatalog => Some(Blocked::NotInCatalog {
            file: i.image.file.clone(),
        }),
        Standing::ChecksumMismatch { .. } => Some(Blocked::ChecksumMismatch {
            file: i.image.file.clone(),
        }),
        _ => None,
    };
    let for_this = |i: &Identified| {
        i.vendor.as_deref() == Some(&vendor.key) && i.family.as_deref() == Some(&fam.name)
    };
    if let Some(i) = forced {
        let mut why = Vec::new();
        if !for_this(i) {
            why.push(Blocked::WrongModel {
                file: i.image.file.clone(),
                image_for: i
                    .family
                    .clone()
                    .or_else(|| i.image.header.as_ref().map(|h| h.model.clone()))
                    .unwrap_or_else(|| "an unknown model".into()),
            });
        }
        why.extend(refusal(i));
        let v = version_of(i);
        match &v {
            Some(v) if *v < current && why.is_empty() => why.push(Blocked::Downgrade {
                file: i.image.file.clone(),
                version: v.to_string(),
            }),
            _ => {}
        }
        return match v {
            Some(v) if why.is_empty() && v > current => upgrade(i, &v),
            Some(v) if why.is_empty() => DevicePlan {
                target: Some(v.to_string()),
                image: Some(i.clone()),
                action: Action::UpToDate,
                ..blocked(family, None, Vec::new())
            },
            _ => {
                let mut p = blocked(family, i.version.clone(), why);
                p.image = Some(i.clone());
                p
            }
        };
    }
    let candidates: Vec<(&Identified, Version)> = images
        .iter()
        .filter(|i| for_this(i))
        .filter_map(|i| version_of(i).map(|v| (i, v)))
        .collect();
    let best = candidates
        .iter()
        .filter(|(i, _)| i.standing.usable())
        .max_by(|a, b| a.1.cmp(&b.1));
    if let Some((i, v)) = best
        && *v > current
    {
        return upgrade(i, v);
    }
    let mut why: Vec<Blocked> = candidates
        .iter()
        .filter(|(_, v)| *v > current)
        .filter_map(|(i, _)| refusal(i))
        .collect();
    let same = best.is_some_and(|(_, v)| *v == current);
    if why.is_empty()
        && !same
        && let Some((i, v)) = best
    {
        why.push(Blocked::Downgrade {
            file: i.image.file.clone(),
            version: v.to_string(),
        });
    }
    let compliant = matches!(baseline.assess(facts, mac), Assessment::Compliant { .. });
    if same || compliant {
        return DevicePlan {
            target: best.map(|(i, _)| i.version.clone()).unwrap_or(min),
            ..blocked(family, None, Vec::new())
        }
        .up_to_date();
    }
    if why.is_empty() {
        why.push(Blocked::NoImage);
    }
    blocked(family, min, why)
}

impl DevicePlan {
    fn up_to_date(mut self) -> Self {
        self.action = Action::UpToDate;
        self.blocked.clear();
        self
    }
}
