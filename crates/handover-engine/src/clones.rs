//! Clones: distinct devices that report the same MAC or serial (cheap cameras ship with duplicated MACs). The
//! store keeps them apart (rows that are certainly distinct, by endpoint reference or service address, are
//! never merged), custody stays per device and per service address, so no clone is ever sent another's
//! password; here each of them gets a finding naming the others (`identity.duplicate-mac`,
//! `identity.duplicate-serial`), so the technician and IT see them. Nothing is sent to any device.

use std::collections::{BTreeMap, BTreeSet};

use handover_model::{DeviceId, Severity};
use handover_store::findings::NewFinding;

use crate::error::Result;
use crate::session::Session;

impl Session {
    /// Raises (or refreshes) a duplicate-identity finding on every device of `ids` that shares its MAC or serial
    /// with another device, and on those others. Returns how many devices have a clone.
    pub(crate) fn record_clones(&self, ids: &[DeviceId]) -> Result<usize> {
        let mut affected = BTreeSet::new();
        for id in ids {
            let d = self.project().device(*id)?;
            let others = handover_store::devices::sharing_identity(self.project().conn(), &d)?;
            if !others.is_empty() {
                affected.insert(d.id);
                affected.extend(others.iter().map(|(o, _)| *o));
            }
        }
        let actor = self.actor().clone();
        for id in &affected {
            let d = self.project().device(*id)?;
            let mut by_kind: BTreeMap<&str, Vec<DeviceId>> = BTreeMap::new();
            for (other, kind) in
                handover_store::devices::sharing_identity(self.project().conn(), &d)?
            {
                by_kind.entry(kind).or_default().push(other);
            }
            for (kind, others) in by_kind {
                let (check, what, value) = match kind {
                    "mac" => (
                        "identity.duplicate-mac",
                        "MAC",
                        d.identity.mac.map(|m| m.to_string()).unwrap_or_default(),
                    ),
                    _ => (
                        "identity.duplicate-serial",
                        "serial number",
                        d.identity.serial.clone().unwrap_or_default(),
                    ),
                };
                let mut names = Vec::new();
                for o in &others {
                    let od = self.project().device(*o)?;
                    names.push(format!(
                        "{} at {}",
                        od.id,
                        od.facts
                            .xaddr
                            .clone()
                            .unwrap_or_else(|| od.address.to_string())
                    ));
                }
                let list = others
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                self.project_mut().raise_finding(
                    &NewFinding {
                        device: d.id,
                        check: check.into(),
                        severity: Severity::Medium,
                        title: format!("{} reports the same {what} as {list} ({value})", d.id),
                        evidence: format!(
                            "{} at {} and {} report the {what} {value}. They are distinct devices (each answers \
                             on its own address or WS-Discovery endpoint), so Handover keeps them apart and holds \
                             a password for each; a switch, a DHCP server or an inventory cannot tell them apart.",
                            d.id,
                            d.facts.xaddr.clone().unwrap_or_else(|| d.address.to_string()),
                            names.join(", ")
                        ),
                        clauses: handover_policy::clauses::for_check(check),
                    },
                    &actor,
                )?;
            }
        }
        Ok(affected.len())
    }
}
