//! The factory-default credentials catalog: per vendor, the defaults to try (and on which interface), how the
//! vendor's lockout works, whether current firmware forces a password at first setup, and its password rules.
//!
//! [`DefaultCredentials::attempt_plan`] turns it into the list of credentials to try on one device, cut to a
//! budget that stays below the vendor's lockout threshold.

use serde::{Deserialize, Serialize};

use handover_model::{DeviceFacts, MacAddr};

use super::{CatalogInfo, Header, check_header, info, line_of, parse_toml, utf8};
use crate::error::CatalogError;
use crate::vendor::{VendorMatch, best_match};

const NAME: &str = "default-credentials";
const BUILT_IN: &str = include_str!("../../../../assets/catalogs/default-credentials.toml");

/// Which interface a default applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Interface {
    /// ONVIF (and usually the web UI too).
    Onvif,
    /// The web UI only.
    Web,
    /// SSH.
    Ssh,
    /// Telnet.
    Telnet,
}

/// What a factory-new device of this vendor needs before it can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FirstSetup {
    /// It ships with a default password (the catalog's credentials).
    DefaultPassword,
    /// It must be activated with the vendor's own protocol or tool before anything works.
    Activation,
    /// It has no users until one is created (ONVIF CreateUsers works without authentication).
    CreateUser,
}

/// Who a lockout applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LockoutScope {
    /// The account is locked for everyone.
    Account,
    /// The client's address is blocked.
    ClientAddress,
}

/// A vendor's lockout behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lockout {
    /// Failures that trigger it.
    pub failures: u32,
    /// Within how many seconds.
    pub window_secs: u64,
    /// How long it lasts.
    pub lock_secs: u64,
    /// Who is locked out.
    pub scope: LockoutScope,
}

/// A vendor's password rules, as hints for generating new passwords.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordRules {
    /// Shortest accepted.
    pub min_len: usize,
    /// Longest accepted.
    pub max_len: usize,
    /// How many character classes (lower, upper, digit, special) are required.
    #[serde(default)]
    pub min_classes: usize,
    /// The special characters accepted.
    #[serde(default)]
    pub specials: String,
}

/// One known default credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credential {
    /// User name.
    pub user: String,
    /// Password (`""` for none). Public knowledge, not a secret.
    pub password: String,
    /// Where it applies.
    pub interface: Interface,
    /// When it applies (e.g. "firmware before 5.3.0").
    #[serde(default)]
    pub note: String,
}

/// One vendor's entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorDefaults {
    /// Short key, e.g. `hikvision`.
    pub key: String,
    /// Display name.
    pub name: String,
    /// How to recognise it.
    #[serde(rename = "match")]
    pub matcher: VendorMatch,
    /// What factory-new devices need.
    pub first_setup: FirstSetup,
    /// What the technician should know about first setup.
    #[serde(default)]
    pub first_setup_note: String,
    /// Lockout behaviour, if the vendor has one.
    pub lockout: Option<Lockout>,
    /// Password rules for new passwords.
    pub password_rules: Option<PasswordRules>,
    /// The defaults, most likely first.
    #[serde(default, rename = "credential")]
    pub credentials: Vec<Credential>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    catalog: Header,
    #[serde(rename = "vendor")]
    vendors: Vec<VendorDefaults>,
    /// Tried after the vendor's own, if the budget allows, when the vendor is unknown or its list is used up.
    #[serde(default, rename = "generic")]
    generic: Vec<Credential>,
    /// Attempts allowed on a device whose vendor has no known lockout.
    max_attempts_without_lockout: u32,
}

/// The loaded catalog.
#[derive(Debug, Clone)]
pub struct DefaultCredentials {
    /// Version and hash, for the report.
    pub info: CatalogInfo,
    vendors: Vec<VendorDefaults>,
    generic: Vec<Credential>,
    max_without_lockout: u32,
}

/// A credential to try, with a label for the record ("which default matched"), never shown with its password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// E.g. `hikvision admin (catalog 2026.11.1 #1)`.
    pub label: String,
    /// User name.
    pub user: String,
    /// Password.
    pub password: String,
}

/// What to try on one device, and how far one may go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptPlan {
    /// The vendor recognised, if any.
    pub vendor: Option<String>,
    /// What a factory-new device of this vendor needs.
    pub first_setup: Option<FirstSetup>,
    /// The technician-facing note on first setup.
    pub first_setup_note: String,
    /// Candidates in order, already cut to `budget`.
    pub candidates: Vec<Candidate>,
    /// Most failed attempts allowed on this device (below its lockout threshold).
    pub budget: u32,
    /// The lockout being respected.
    pub lockout: Option<Lockout>,
    /// Password rules for the new password.
    pub password_rules: Option<PasswordRules>,
}

impl DefaultCredentials {
    /// The catalog compiled into this build.
    pub fn built_in() -> Self {
        match Self::parse(BUILT_IN.as_bytes(), "built-in") {
            Ok(c) => c,
            Err(e) => {
                panic!("the built-in default-credentials catalog is invalid (a build defect): {e}")
            }
        }
    }

    /// Parses and validates a catalog.
    pub fn parse(bytes: &[u8], source: &str) -> Result<Self, CatalogError> {
        let text = utf8(NAME, bytes)?;
        let file: File = parse_toml(NAME, text)?;
        check_header(NAME, text, &file.catalog, NAME)?;
        for v in &file.vendors {
            let bad = |message: String| CatalogError::Invalid {
                catalog: NAME.into(),
                line: line_of(text, &format!("key = \"{}\"", v.key)),
                message: format!("vendor {}: {message}", v.key),
            };
            v.matcher.validate().map_err(&bad)?;
            if v.lockout.is_some_and(|l| l.failures == 0) {
                return Err(bad("lockout failures must be at least 1".into()));
            }
            if let Some(r) = &v.password_rules
                && (r.min_len == 0 || r.min_len > r.max_len || r.min_classes > 4)
            {
                return Err(bad(
                    "password_rules need 0 < min_len <= max_len and min_classes <= 4".into(),
                ));
            }
            if v.first_setup == FirstSetup::DefaultPassword && v.credentials.is_empty() {
                return Err(bad(
                    "first_setup is default-password but no credential is listed".into(),
                ));
            }
            if file.vendors.iter().filter(|o| o.key == v.key).count() > 1 {
                return Err(bad("listed twice".into()));
            }
        }
        if file.max_attempts_without_lockout == 0 {
            return Err(CatalogError::Invalid {
                catalog: NAME.into(),
                line: line_of(text, "max_attempts_without_lockout"),
                message: "max_attempts_without_lockout must be at least 1".into(),
            });
        }
        Ok(Self {
            info: info(&file.catalog, bytes, source),
            vendors: file.vendors,
            generic: file.generic,
            max_without_lockout: file.max_attempts_without_lockout,
        })
    }

    /// The vendor entry that best matches a device.
    pub fn vendor_for(&self, facts: &DeviceFacts, mac: Option<MacAddr>) -> Option<&VendorDefaults> {
        best_match(&self.vendors, |v| &v.matcher, facts, mac)
    }

    /// What to try on a device: its vendor's ONVIF defaults first, then generic ones, cut to stay below the
    /// lockout threshold (threshold minus one, so a technician's own later attempt never trips it).
    pub fn attempt_plan(&self, facts: &DeviceFacts, mac: Option<MacAddr>) -> AttemptPlan {
        let vendor = self.vendor_for(facts, mac);
        let lockout = vendor.and_then(|v| v.lockout);
        let budget = match lockout {
            Some(l) => l.failures.saturating_sub(1),
            None => self.max_without_lockout,
        };
        let version = &self.info.header.version;
        let mut candidates: Vec<Candidate> = Vec::new();
        let own = vendor
            .map(|v| v.credentials.iter().map(move |c| (v.key.as_str(), c)))
            .into_iter()
            .flatten();
        let generic = self.generic.iter().map(|c| ("generic", c));
        for (i, (key, c)) in own.chain(generic).enumerate() {
            if c.interface != Interface::Onvif
                || candidates
                    .iter()
                    .any(|k| k.user == c.user && k.password == c.password)
            {
                continue;
            }
            candidates.push(Candidate {
                label: format!(
                    "{key} factory default for user {} (catalog {version} #{})",
                    c.user,
                    i + 1
                ),
                user: c.user.clone(),
                password: c.password.clone(),
            });
        }
        candidates.truncate(budget as usize);
        AttemptPlan {
            vendor: vendor.map(|v| v.key.clone()),
            first_setup: vendor.map(|v| v.first_setup),
            first_setup_note: vendor
                .map(|v| v.first_setup_note.clone())
                .unwrap_or_default(),
            candidates,
            budget,
            lockout,
            password_rules: vendor.and_then(|v| v.password_rules.clone()),
        }
    }

    /// Every vendor entry.
    pub fn vendors(&self) -> &[VendorDefaults] {
        &self.vendors
    }
}
