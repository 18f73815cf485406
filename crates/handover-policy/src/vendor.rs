//! Recognising a device's vendor from what it reports: the ONVIF manufacturer string first, then the MAC's
//! OUI, then the model name. Shared by every catalog.

use serde::Deserialize;

use handover_model::DeviceFacts;
use handover_model::MacAddr;

/// How a catalog recognises one vendor's devices.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct VendorMatch {
    /// Lower-case fragments of the ONVIF manufacturer string, e.g. `hikvision`.
    #[serde(default)]
    pub manufacturer: Vec<String>,
    /// MAC address prefixes (OUIs) such as `44:19:b6`.
    #[serde(default)]
    pub oui: Vec<String>,
    /// Model name prefixes, used when neither of the above is known.
    #[serde(default)]
    pub model_prefix: Vec<String>,
}

/// How strongly a device matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchStrength {
    /// By model name prefix only.
    Model,
    /// By the MAC's OUI.
    Oui,
    /// By the manufacturer string.
    Manufacturer,
}

impl VendorMatch {
    /// Whether a manufacturer name (as a device or an image file writes it) is this vendor's.
    pub fn manufacturer_matches(&self, name: &str) -> bool {
        let name = name.to_lowercase();
        self.manufacturer.iter().any(|f| name.contains(f.as_str()))
    }

    /// Whether (and how strongly) the device is this vendor's.
    pub fn matches(&self, facts: &DeviceFacts, mac: Option<MacAddr>) -> Option<MatchStrength> {
        if let Some(m) = &facts.manufacturer {
            let m = m.to_lowercase();
            if self.manufacturer.iter().any(|f| m.contains(f.as_str())) {
                return Some(MatchStrength::Manufacturer);
            }
        }
        if let Some(mac) = mac {
            let prefix = mac.to_string()[..8].to_owned();
            if self.oui.iter().any(|o| o.eq_ignore_ascii_case(&prefix)) {
                return Some(MatchStrength::Oui);
            }
        }
        if let Some(model) = &facts.model {
            let model = model.to_lowercase();
            if self
                .model_prefix
                .iter()
                .any(|p| model.starts_with(&p.to_lowercase()))
            {
                return Some(MatchStrength::Model);
            }
        }
        None
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.manufacturer.is_empty() && self.oui.is_empty() && self.model_prefix.is_empty() {
            return Err("a vendor needs at least one of manufacturer, oui or model_prefix".into());
        }
        for o in &self.oui {
            let ok = o.len() == 8
                && o.split(':')
                    .all(|p| p.len() == 2 && u8::from_str_radix(p, 16).is_ok());
            if !ok {
                return Err(format!("oui {o:?} is not three hex pairs such as 44:19:b6"));
            }
        }
        if self
            .manufacturer
            .iter()
            .any(|m| m.is_empty() || m.to_lowercase() != *m)
        {
            return Err("manufacturer fragments must be non-empty and lower-case".into());
        }
        Ok(())
    }
}

/// Whether a model name matches a catalog pattern: exact (case-insensitive), or a prefix when the pattern ends
/// with `*`.
pub fn model_matches(pattern: &str, model: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => model.to_lowercase().starts_with(&prefix.to_lowercase()),
        None => model.eq_ignore_ascii_case(pattern),
    }
}

/// The item whose vendor matcher fits the device best (manufacturer over OUI over model), if any.
pub fn best_match<'a, T>(
    items: &'a [T],
    matcher: impl Fn(&T) -> &VendorMatch,
    facts: &DeviceFacts,
    mac: Option<MacAddr>,
) -> Option<&'a T> {
    items
        .iter()
        .filter_map(|item| matcher(item).matches(facts, mac).map(|s| (s, item)))
        .fold(
            None,
            |best: Option<(MatchStrength, &T)>, (s, item)| match best {
                Some((b, _)) if b >= s => best,
                _ => Some((s, item)),
            },
        )
        .map(|(_, item)| item)
}
