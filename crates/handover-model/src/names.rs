//! A device's human name and location: what the technician called it, over what the device calls itself.
//!
//! One rule, used by every floor (CLI tables, the app's grid, findings, the report, KeePass titles): the name the
//! technician gave ([`DeviceLabel`]), else the device's ONVIF `name` scope (readable without credentials), else
//! its host name, else maker and model, else its address. The location is the technician's, else the `location`
//! scope. What a device says of itself is cleaned (control characters dropped, cut to [`MAX_LABEL_CHARS`]).

use serde::{Deserialize, Serialize};

use crate::device::{Device, DeviceFacts};

/// The longest name or location kept, in characters.
pub const MAX_LABEL_CHARS: usize = 64;

/// What the technician called a device and where it is (each unset until they say).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DeviceLabel {
    /// The device's name, e.g. "Gate 3 east".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Where it is, e.g. "Car park level 2".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// Why a name or location was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelError {
    /// Longer than [`MAX_LABEL_CHARS`].
    #[error("{0:?} is longer than {MAX_LABEL_CHARS} characters")]
    TooLong(String),
    /// Carries control or bidirectional-override characters.
    #[error("{0:?} contains control characters")]
    Control(String),
}

/// Characters that would let a name rearrange or hide text where it is shown (C0/C1 controls, bidi overrides).
fn is_hostile(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// A name or location typed by the technician: trimmed; empty means "unset"; refused when too long or when it
/// carries control characters.
pub fn clean_label(text: &str) -> Result<Option<String>, LabelError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().any(is_hostile) {
        return Err(LabelError::Control(t.to_owned()));
    }
    if t.chars().count() > MAX_LABEL_CHARS {
        return Err(LabelError::TooLong(t.to_owned()));
    }
    Ok(Some(t.to_owned()))
}

/// What a device says of itself, made safe to show: hostile characters dropped, spaces collapsed, cut to
/// [`MAX_LABEL_CHARS`]; `None` when nothing is left.
fn from_device(text: &str) -> Option<String> {
    let kept: String = text
        .chars()
        .map(|c| if is_hostile(c) { ' ' } else { c })
        .collect();
    let words: Vec<&str> = kept.split_whitespace().collect();
    let joined = words.join(" ");
    let cut: String = joined.chars().take(MAX_LABEL_CHARS).collect();
    (!cut.is_empty()).then_some(cut)
}

/// Decodes `%XX` escapes in a scope value (scopes are URIs).
fn unescape(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The decoded value of the first ONVIF scope of `kind` (`onvif://www.onvif.org/<kind>/<value>`), if any and
/// not empty.
pub fn scope_value(scopes: &[String], kind: &str) -> Option<String> {
    let prefix = format!("onvif://www.onvif.org/{kind}/");
    scopes
        .iter()
        .find_map(|s| s.strip_prefix(prefix.as_str()))
        .map(unescape)
        .filter(|v| !v.trim().is_empty())
}

impl DeviceFacts {
    /// The decoded value of this device's first ONVIF scope of `kind` (e.g. `name`, `location`, `hardware`).
    pub fn scope(&self, kind: &str) -> Option<String> {
        scope_value(&self.scopes, kind)
    }
}

impl Device {
    /// The device's name as people see it everywhere (see the module's rule).
    pub fn name(&self) -> String {
        let f = &self.facts;
        self.label
            .name
            .clone()
            .or_else(|| f.scope("name").as_deref().and_then(from_device))
            .or_else(|| f.hostname.as_deref().and_then(from_device))
            .or_else(|| {
                let both = match (&f.manufacturer, &f.model) {
                    (Some(m), Some(n)) if n.to_lowercase().starts_with(&m.to_lowercase()) => {
                        n.clone()
                    }
                    (Some(m), Some(n)) => format!("{m} {n}"),
                    (None, Some(n)) => n.clone(),
                    _ => return None,
                };
                from_device(&both)
            })
            .unwrap_or_else(|| self.address.to_string())
    }

    /// Where the device is: the technician's location, else its `location` scope.
    pub fn location(&self) -> Option<String> {
        self.label.location.clone().or_else(|| {
            self.facts
                .scope("location")
                .as_deref()
                .and_then(from_device)
        })
    }

    /// Whether the technician named the device (rather than the device naming itself).
    pub fn named_by_technician(&self) -> bool {
        self.label.name.is_some()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use time::OffsetDateTime;

    use super::*;
    use crate::{DeviceId, DeviceIdentity};

    fn device(
        scopes: &[&str],
        hostname: Option<&str>,
        maker: Option<&str>,
        model: Option<&str>,
    ) -> Device {
        Device {
            id: DeviceId(3),
            identity: DeviceIdentity::default(),
            address: "10.20.0.3".parse().unwrap(),
            previous_addresses: Vec::new(),
            role: None,
            found_by: BTreeSet::new(),
            facts: DeviceFacts {
                scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
                hostname: hostname.map(str::to_owned),
                manufacturer: maker.map(str::to_owned),
                model: model.map(str::to_owned),
                ..DeviceFacts::default()
            },
            label: DeviceLabel::default(),
            first_seen: OffsetDateTime::UNIX_EPOCH,
            last_seen: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn the_technicians_name_wins_then_the_scope_then_host_then_model_then_address() {
        let mut d = device(
            &[
                "onvif://www.onvif.org/name/Front%20Door",
                "onvif://www.onvif.org/location/Lobby",
            ],
            Some("axis-b8a44f"),
            Some("AXIS"),
            Some("AXIS P3245"),
        );
        assert_eq!(d.name(), "Front Door");
        assert_eq!(d.location().as_deref(), Some("Lobby"));
        d.label.name = Some("Gate 3 east".into());
        d.label.location = Some("Car park".into());
        assert_eq!(d.name(), "Gate 3 east");
        assert_eq!(d.location().as_deref(), Some("Car park"));
        assert!(d.named_by_technician());

        let d = device(&[], Some("axis-b8a44f"), Some("AXIS"), Some("AXIS P3245"));
        assert_eq!(d.name(), "axis-b8a44f");
        let d = device(&[], None, Some("AXIS"), Some("AXIS P3245"));
        assert_eq!(
            d.name(),
            "AXIS P3245",
            "the maker is not repeated when the model names it"
        );
        let d = device(&[], None, Some("Dahua"), Some("IPC-HFW2431S"));
        assert_eq!(d.name(), "Dahua IPC-HFW2431S");
        let d = device(&["onvif://www.onvif.org/name/"], Some(""), None, None);
        assert_eq!(d.name(), "10.20.0.3");
        assert_eq!(d.location(), None);
    }

    #[test]
    fn what_a_device_says_of_itself_is_made_inert_and_short() {
        let long = "x".repeat(500);
        let d = device(
            &[
                "onvif://www.onvif.org/name/%1B%5B2J%1B%5D0%3Bpwned%07Cam",
                &format!("onvif://www.onvif.org/location/{long}"),
            ],
            None,
            None,
            None,
        );
        let name = d.name();
        assert!(!name.chars().any(char::is_control), "{name:?}");
        assert!(name.ends_with("Cam"), "{name:?}");
        assert_eq!(d.location().unwrap().chars().count(), MAX_LABEL_CHARS);
        let d = device(
            &["onvif://www.onvif.org/name/%E2%80%AEevil"],
            None,
            None,
            None,
        );
        assert_eq!(d.name(), "evil");
    }

    #[test]
    fn a_typed_label_is_trimmed_and_refused_when_hostile_or_long() {
        assert_eq!(
            clean_label("  Gate 3  ").unwrap().as_deref(),
            Some("Gate 3")
        );
        assert_eq!(clean_label("   ").unwrap(), None);
        assert_eq!(
            clean_label("Zürich Süd · Tor 3").unwrap().as_deref(),
            Some("Zürich Süd · Tor 3")
        );
        assert!(matches!(
            clean_label("a\u{1b}[2Jb"),
            Err(LabelError::Control(_))
        ));
        assert!(matches!(
            clean_label("a\u{202e}b"),
            Err(LabelError::Control(_))
        ));
        assert!(matches!(
            clean_label(&"é".repeat(65)),
            Err(LabelError::TooLong(_))
        ));
        assert!(clean_label(&"é".repeat(64)).is_ok());
    }
}
