//! Firmware screen shapes: the images in the project's firmware folder with their standing against the signed
//! catalog, the plan per device (nothing sent), an upgrade run's outcomes and what recover settled.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use handover_engine::firmware::{FirmwarePlan, FirmwareRecoverSummary, UpgradeSummary};
use handover_engine::policy::{Action, Identified, Standing};

/// An image file in the firmware folder.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FirmwareImageDto {
    /// File name inside the folder.
    pub file: String,
    /// Size in bytes.
    #[ts(type = "number")]
    pub size: u64,
    /// SHA-256 of the whole file.
    pub sha256: String,
    /// Vendor, when the file says.
    pub vendor: Option<String>,
    /// Model family it is for, when the file or the catalog says.
    pub family: Option<String>,
    /// Version, when the file or the catalog says.
    pub version: Option<String>,
    /// `approved` (the signed catalog lists it), `accepted` (the technician accepted it, audited),
    /// `not-in-catalog`, `checksum-mismatch`.
    pub standing: String,
    /// The standing in words, with what to do.
    pub note: String,
}

impl From<&Identified> for FirmwareImageDto {
    fn from(i: &Identified) -> Self {
        let (standing, note) = match &i.standing {
            Standing::Approved => ("approved", "approved by the signed catalog".to_owned()),
            Standing::Accepted => (
                "accepted",
                "not in the catalog; accepted for this project (audited, shown in the report)"
                    .to_owned(),
            ),
            Standing::NotInCatalog => (
                "not-in-catalog",
                "not in the signed catalog: accept it with a reason to use it".to_owned(),
            ),
            Standing::ChecksumMismatch { catalog_sha256 } => (
                "checksum-mismatch",
                format!(
                    "its SHA-256 is not the catalog's ({catalog_sha256}): damaged or altered, never used; \
                     download it again from the vendor"
                ),
            ),
        };
        FirmwareImageDto {
            file: i.image.file.clone(),
            size: i.image.size,
            sha256: i.image.sha256.clone(),
            vendor: i.vendor.clone(),
            family: i.family.clone(),
            version: i.version.clone(),
            standing: standing.into(),
            note,
        }
    }
}

/// One device's line of the plan.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FirmwareLineDto {
    /// Device id.
    #[ts(type = "number")]
    pub device: i64,
    /// Its name for people.
    pub label: String,
    /// Its model, as reported.
    pub model: Option<String>,
    /// The version it runs.
    pub current: Option<String>,
    /// The version it would get.
    pub target: Option<String>,
    /// The image it would get.
    pub image: Option<String>,
    /// That image's size in bytes.
    #[ts(type = "number | null")]
    pub size: Option<u64>,
    /// `upgrade`, `up-to-date` or `blocked`.
    pub action: String,
    /// Why it is blocked, each in words (no image, not in the catalog, model unknown, downgrade, …).
    pub blocked: Vec<String>,
}

/// The firmware screen: the folder, its images and the plan; no folder yet when `folder` is null.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FirmwarePlanDto {
    /// The project's firmware folder (null: none chosen yet).
    pub folder: Option<String>,
    /// Every image in it.
    pub images: Vec<FirmwareImageDto>,
    /// One line per device.
    pub devices: Vec<FirmwareLineDto>,
    /// Devices the plan would upgrade.
    pub to_upgrade: usize,
    /// Bytes those upgrades would send.
    #[ts(type = "number")]
    pub bytes: u64,
    /// Devices blocked.
    pub blocked: usize,
}

impl FirmwarePlanDto {
    /// No folder chosen yet.
    pub fn no_folder() -> Self {
        FirmwarePlanDto {
            folder: None,
            images: Vec::new(),
            devices: Vec::new(),
            to_upgrade: 0,
            bytes: 0,
            blocked: 0,
        }
    }

    /// The engine's plan, with the devices' names from `label`.
    pub fn new(p: &FirmwarePlan, label: impl Fn(i64) -> String) -> Self {
        let devices: Vec<FirmwareLineDto> = p
            .devices
            .iter()
            .map(|l| FirmwareLineDto {
                device: l.device.0,
                label: label(l.device.0),
                model: l.model.clone(),
                current: l.plan.current.clone(),
                target: l.plan.target.clone(),
                image: l.plan.image.as_ref().map(|i| i.image.file.clone()),
                size: l.plan.image.as_ref().map(|i| i.image.size),
                action: match l.plan.action {
                    Action::Upgrade => "upgrade",
                    Action::UpToDate => "up-to-date",
                    Action::Blocked => "blocked",
                }
                .into(),
                blocked: l.plan.blocked.iter().map(ToString::to_string).collect(),
            })
            .collect();
        FirmwarePlanDto {
            folder: Some(p.folder.display().to_string()),
            images: p.images.iter().map(FirmwareImageDto::from).collect(),
            to_upgrade: p.upgrades().count(),
            bytes: p
                .upgrades()
                .filter_map(|l| l.plan.image.as_ref())
                .map(|i| i.image.size)
                .sum(),
            blocked: devices.iter().filter(|l| l.action == "blocked").count(),
            devices,
        }
    }
}

/// Accept an image the signed catalog does not list.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct AcceptImageRequest {
    /// File name in the firmware folder.
    pub file: String,
    /// Why it is trusted (audited; shown in the report).
    pub reason: String,
}

/// The plan for some devices, or an upgrade of them.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct FirmwareUpgradeRequest {
    /// The job id (to cancel and to match progress events).
    pub job: String,
    /// Device ids (empty: every device the plan upgrades).
    #[ts(type = "Array<number>")]
    pub devices: Vec<i64>,
    /// Devices upgraded at once in a wave after the canaries (default 4).
    #[serde(default)]
    pub in_flight: Option<u32>,
    /// The site's uplink in Mbit/s shared by all uploads (default: no limit).
    #[serde(default)]
    #[ts(type = "number | null")]
    pub uplink_mbps: Option<u64>,
}

/// One device's upgrade outcome.
#[derive(Debug, Clone, Serialize, TS)]
pub struct UpgradeOutcomeDto {
    /// Device id.
    #[ts(type = "number")]
    pub device: i64,
    /// Its name for people.
    pub label: String,
    /// Version before.
    pub from: String,
    /// Target version.
    pub to: String,
    /// Image file.
    pub image: String,
    /// The wave (0: canaries).
    pub wave: usize,
    /// `upgraded`, `already-on-target`, `settings-changed`, `fell-back`, `not-installed`, `refused-image`,
    /// `not-back`, `password-refused`, `identity-mismatch`, `unreachable`, `unsettled`, `waiting`.
    pub outcome: String,
    /// Runs the target, proven.
    pub upgraded: bool,
    /// What happened and what to do.
    pub detail: String,
}

/// What an upgrade run did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FirmwareUpgradeDto {
    /// One line per planned device.
    pub outcomes: Vec<UpgradeOutcomeDto>,
    /// Devices upgraded and proven.
    pub upgraded: usize,
    /// Bytes of images sent.
    #[ts(type = "number")]
    pub bytes_sent: u64,
    /// How long it took.
    #[ts(type = "number")]
    pub elapsed_ms: u64,
    /// A device not upgraded stopped the later waves.
    pub stopped: bool,
}

impl FirmwareUpgradeDto {
    /// The engine's summary, with the devices' names from `label`.
    pub fn new(s: &UpgradeSummary, label: impl Fn(i64) -> String) -> Self {
        FirmwareUpgradeDto {
            outcomes: s
                .outcomes
                .iter()
                .map(|o| UpgradeOutcomeDto {
                    device: o.device.0,
                    label: label(o.device.0),
                    from: o.from.clone(),
                    to: o.to.clone(),
                    image: o.image.clone(),
                    wave: o.wave,
                    outcome: o.outcome.clone(),
                    upgraded: o.is_upgraded(),
                    detail: o.detail.clone(),
                })
                .collect(),
            upgraded: s.outcomes.iter().filter(|o| o.is_upgraded()).count(),
            bytes_sent: s.bytes_sent,
            elapsed_ms: s.elapsed_ms,
            stopped: s.stopped,
        }
    }
}

/// What recover settled.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FirmwareRecoverDto {
    /// One line per open upgrade.
    pub devices: Vec<super::OutcomeDto>,
    /// Settled as upgraded.
    pub upgraded: usize,
    /// Settled as not upgraded.
    pub not_upgraded: usize,
    /// Still open, with what to do.
    pub still_open: usize,
}

impl FirmwareRecoverDto {
    /// The engine's summary, with the devices' names from `label`.
    pub fn new(r: &FirmwareRecoverSummary, label: impl Fn(i64) -> String) -> Self {
        FirmwareRecoverDto {
            devices: r
                .devices
                .iter()
                .map(|d| super::OutcomeDto {
                    device: d.device.0,
                    label: label(d.device.0),
                    outcome: d.outcome.clone(),
                    detail: d.detail.clone(),
                })
                .collect(),
            upgraded: r.upgraded,
            not_upgraded: r.not_upgraded,
            still_open: r.still_open,
        }
    }
}
