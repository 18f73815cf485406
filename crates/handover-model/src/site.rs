//! The site: whose network this is, who installed the devices, and who did the handover.

use serde::{Deserialize, Serialize};

/// The customer site a project covers. Shown on the report's cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Site {
    /// The site's name, e.g. "Riverside Logistics — Warehouse 3".
    pub name: String,
    /// The customer organisation.
    pub customer: String,
    /// Postal address of the site.
    pub address: String,
    /// The integrator company doing the installation.
    pub integrator: String,
    /// The technician responsible for the handover.
    pub technician: String,
}
