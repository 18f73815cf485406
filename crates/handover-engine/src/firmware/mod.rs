//! Firmware upgrades on site: images from the folder the project points to, recognised and matched against the
//! signed catalog (`images`), the plan shown before anything is sent (`plan`), and the upgrade itself in
//! waves with proof after reboot and a journal that `recover` settles (`upgrade`, `recover`).

mod images;
mod plan;
mod proof;
mod recover;
mod upgrade;

pub use images::{scan_folder, scan_image};
pub use plan::{FirmwarePlan, PlanLine};
pub use recover::{FirmwareRecoverSummary, Settled};
pub use upgrade::{UpgradeOutcome, UpgradeSummary, Upgrader};
