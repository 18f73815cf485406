//! The upgrade plan for the project's devices: per device, what it runs, the target, the image and what blocks
//! it; nothing is sent. Also the two settings the plan depends on: the firmware folder and the images the
//! technician accepted without the catalog (both audited).

use std::path::{Path, PathBuf};

use handover_model::DeviceId;
use handover_policy::Catalogs;
use handover_policy::firmware_plan::{
    Action, DevicePlan, Identified, Standing, identify, plan_device,
};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::session::Session;

/// One device's line.
#[derive(Debug, Clone, Serialize)]
pub struct PlanLine {
    /// The device.
    pub device: DeviceId,
    /// Its host name or address, for people.
    pub name: String,
    /// Its model, as reported.
    pub model: Option<String>,
    /// What the plan does with it.
    #[serde(flatten)]
    pub plan: DevicePlan,
}

/// The whole plan.
#[derive(Debug, Clone, Serialize)]
pub struct FirmwarePlan {
    /// The folder the images came from.
    pub folder: PathBuf,
    /// Every image found there, with its standing.
    pub images: Vec<Identified>,
    /// One line per device.
    pub devices: Vec<PlanLine>,
}

impl FirmwarePlan {
    /// The lines of devices that would be upgraded.
    pub fn upgrades(&self) -> impl Iterator<Item = &PlanLine> {
        self.devices
            .iter()
            .filter(|l| l.plan.action == Action::Upgrade)
    }
}

impl Session {
    /// Points the project at the folder holding the firmware images (audited).
    pub fn set_firmware_folder(&self, folder: &Path) -> Result<PathBuf> {
        let abs = std::path::absolute(folder).map_err(|source| Error::Io {
            path: folder.to_owned(),
            source,
        })?;
        if !abs.is_dir() {
            return Err(Error::Invalid(format!(
                "{} is not a folder: put the firmware files downloaded from the vendors' portals in a folder and name it",
                abs.display()
            )));
        }
        let actor = self.actor().clone();
        self.project_mut()
            .set_firmware_folder(&abs.to_string_lossy(), &actor)?;
        Ok(abs)
    }

    /// The firmware folder, when one was set.
    pub fn firmware_folder_set(&self) -> Result<Option<PathBuf>> {
        Ok(self.project().firmware_folder()?.map(PathBuf::from))
    }

    /// The firmware folder, or an error saying how to set it.
    pub fn firmware_folder(&self) -> Result<PathBuf> {
        self.firmware_folder_set()?.ok_or_else(|| {
                Error::Invalid(
                    "the project has no firmware folder yet: name the folder holding the images downloaded from \
                     the vendors' portals (`handover firmware folder DIR`, or the app's Firmware screen)"
                        .into(),
                )
            })
    }

    /// The images in the folder, identified against the catalog and the technician's acceptances.
    pub fn firmware_images(&self) -> Result<Vec<Identified>> {
        self.firmware_images_with(&self.catalogs_in_use()?)
    }

    fn firmware_images_with(&self, catalogs: &Catalogs) -> Result<Vec<Identified>> {
        let folder = self.firmware_folder()?;
        let accepted: Vec<String> = self
            .project()
            .accepted_firmware()?
            .into_iter()
            .map(|a| a.sha256)
            .collect();
        Ok(super::scan_folder(&folder)?
            .into_iter()
            .map(|i| identify(i, &catalogs.firmware, &accepted))
            .collect())
    }

    /// Accepts an image the signed catalog does not list, for this project (audited with the reason). An image
    /// whose checksum differs from the catalog's for the version it names is never accepted.
    pub fn accept_firmware_image(&self, file: &Path, reason: &str) -> Result<Identified> {
        let catalogs = &self.catalogs_in_use()?;
        if reason.trim().is_empty() {
            return Err(Error::Invalid(
                "say why this image is trusted (--reason), for the audit log and the report".into(),
            ));
        }
        let folder = self.firmware_folder()?;
        let path = if file.is_absolute() || file.exists() {
            file.to_owned()
        } else {
            folder.join(file)
        };
        let img = super::scan_image(&path)?;
        let id = identify(img, &catalogs.firmware, &[]);
        match &id.standing {
            Standing::Approved => {
                return Err(Error::Invalid(format!(
                    "{} is already approved by the signed catalog: nothing to accept",
                    id.image.file
                )));
            }
            Standing::ChecksumMismatch { catalog_sha256 } => {
                return Err(Error::Invalid(format!(
                    "{} claims {} {} but its SHA-256 {} is not the catalog's {catalog_sha256}: a damaged or altered \
                     file is never accepted; download it again from the vendor",
                    id.image.file,
                    id.family.as_deref().unwrap_or("?"),
                    id.version.as_deref().unwrap_or("?"),
                    id.image.sha256
                )));
            }
            _ => {}
        }
        let actor = self.actor().clone();
        self.project_mut().accept_firmware_image(
            &id.image.sha256,
            &id.image.file,
            reason.trim(),
            &actor,
        )?;
        let sha = id.image.sha256.clone();
        Ok(identify(id.image, &catalogs.firmware, &[sha]))
    }

    /// The plan: for every device (or only `only`), what it would get; `forced` names an image file the
    /// technician chose for those devices instead of the newest one.
    pub fn firmware_plan(&self, only: &[DeviceId], forced: Option<&str>) -> Result<FirmwarePlan> {
        self.firmware_plan_with(&self.catalogs_in_use()?, only, forced)
    }

    /// [`firmware_plan`](Self::firmware_plan) with the catalogs a workflow already loaded.
    pub(crate) fn firmware_plan_with(
        &self,
        catalogs: &Catalogs,
        only: &[DeviceId],
        forced: Option<&str>,
    ) -> Result<FirmwarePlan> {
        let folder = self.firmware_folder()?;
        let images = self.firmware_images_with(catalogs)?;
        let forced = match forced {
            Some(name) => Some(
                images
                    .iter()
                    .find(|i| i.image.file == name || i.image.sha256.eq_ignore_ascii_case(name))
                    .ok_or_else(|| {
                        Error::Invalid(format!("no image {name:?} in {}", folder.display()))
                    })?,
            ),
            None => None,
        };
        let mut devices = Vec::new();
        let listed = self.project().devices()?;
        for d in listed {
            if !only.is_empty() && !only.contains(&d.id) {
                continue;
            }
            let plan = plan_device(
                &d.facts,
                d.identity.mac,
                &catalogs.firmware,
                &images,
                forced,
            );
            devices.push(PlanLine {
                device: d.id,
                name: d
                    .facts
                    .hostname
                    .clone()
                    .unwrap_or_else(|| d.address.to_string()),
                model: d.facts.model.clone(),
                plan,
            });
        }
        Ok(FirmwarePlan {
            folder,
            images,
            devices,
        })
    }
}
