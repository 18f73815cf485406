//! Firmware version strings, parsed per vendor scheme and compared.
//!
//! Vendors write versions their own way: Axis `11.11.73`, Hikvision `V5.7.3 build 220112`, Dahua
//! `V2.820.0000000.5.R` (optionally with a build date `.200805`), Hanwha `2.21.02_20240528_R297`, Bosch
//! `9.10.0018`. `semver` fits none of them. Each scheme parses to a [`Version`]: numeric release parts compared
//! left to right, then a build number. A string a scheme cannot parse is an error, which the checks turn into a
//! finding ("not in baseline"), never into a pass.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

/// How a vendor writes firmware versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    /// Dot-separated numbers, optionally prefixed with `v`/`V`: Axis, Bosch, most others.
    Dotted,
    /// `V5.7.3 build 220112`.
    Hikvision,
    /// `V2.820.0000000.5.R`, optionally `.YYMMDD` after the `R`.
    Dahua,
    /// `2.21.02_20240528_R297` (release, date, build), or plain dotted.
    Hanwha,
}

/// A parsed version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version {
    /// Release numbers, most significant first.
    pub release: Vec<u64>,
    /// Build number or date, when the scheme has one (0 when absent).
    pub build: u64,
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.release.len().max(other.release.len());
        for i in 0..n {
            let a = self.release.get(i).copied().unwrap_or(0);
            let b = other.release.get(i).copied().unwrap_or(0);
            match a.cmp(&b) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        self.build.cmp(&other.build)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r: Vec<String> = self.release.iter().map(u64::to_string).collect();
        write!(f, "{}", r.join("."))?;
        if self.build != 0 {
            write!(f, " build {}", self.build)?;
        }
        Ok(())
    }
}

/// A version string that its vendor's scheme cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("firmware version {text:?} is not in the {scheme:?} format ({why})")]
pub struct VersionError {
    /// The string.
    pub text: String,
    /// The scheme tried.
    pub scheme: Scheme,
    /// What did not fit.
    pub why: &'static str,
}

const MAX_LEN: usize = 64;
const MAX_PARTS: usize = 8;

fn number(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn dotted(s: &str) -> Option<Vec<u64>> {
    let parts: Vec<u64> = s.split('.').map(number).collect::<Option<_>>()?;
    (!parts.is_empty() && parts.len() <= MAX_PARTS).then_some(parts)
}

fn strip_v(s: &str) -> &str {
    s.strip_prefix(['v', 'V']).unwrap_or(s)
}

impl Scheme {
    /// Parses `text` in this scheme.
    pub fn parse(self, text: &str) -> Result<Version, VersionError> {
        let err = |why| VersionError {
            text: text.to_owned(),
            scheme: self,
            why,
        };
        let t = text.trim();
        if t.is_empty() {
            return Err(err("empty"));
        }
        if t.len() > MAX_LEN {
            return Err(err("too long"));
        }
        match self {
            Scheme::Dotted => {
                let release =
                    dotted(strip_v(t)).ok_or_else(|| err("expected numbers separated by dots"))?;
                Ok(Version { release, build: 0 })
            }
            Scheme::Hikvision => {
                let (rel, build) = match t.split_once(" build ") {
                    Some((r, b)) => (
                        r,
                        number(b.trim())
                            .ok_or_else(|| err("build must be a number such as 220112"))?,
                    ),
                    None => (t, 0),
                };
                if !rel.starts_with(['V', 'v']) {
                    return Err(err("expected a leading V, as in V5.7.3 build 220112"));
                }
                let release = dotted(strip_v(rel))
                    .ok_or_else(|| err("expected V and numbers separated by dots"))?;
                Ok(Version { release, build })
            }
            Scheme::Dahua => {
                // V<major>.<minor>.<customisation code>.<revision>.R[.<build date>]; the code (e.g. 0000000,
                // 10DH000) names a variant, not an order, so it is checked for shape and left out of comparison.
                let body = strip_v(t);
                let (rel, after) = body
                    .split_once(".R")
                    .ok_or_else(|| err("expected a release ending in .R"))?;
                let build = match after {
                    "" => 0,
                    rest => number(
                        rest.strip_prefix('.')
                            .ok_or_else(|| err("unexpected text after .R"))?,
                    )
                    .ok_or_else(|| err("the build date after .R must be a number"))?,
                };
                let fields: Vec<&str> = rel.split('.').collect();
                let [major, minor, code, rev] = fields.as_slice() else {
                    return Err(err("expected V<major>.<minor>.<code>.<revision>.R"));
                };
                if code.is_empty()
                    || code.len() > 12
                    || !code.bytes().all(|b| b.is_ascii_alphanumeric())
                {
                    return Err(err("the variant code must be letters and digits"));
                }
                let release = [major, minor, rev]
                    .iter()
                    .map(|f| number(f))
                    .collect::<Option<Vec<u64>>>()
                    .ok_or_else(|| err("major, minor and revision must be numbers"))?;
                Ok(Version { release, build })
            }
            Scheme::Hanwha => {
                let mut fields = t.split('_');
                let release = dotted(strip_v(fields.next().unwrap_or("")))
                    .ok_or_else(|| err("expected numbers separated by dots"))?;
                let mut build = 0;
                for f in fields {
                    if let Some(r) = f.strip_prefix(['R', 'r']) {
                        build = number(r).ok_or_else(|| err("the R build must be a number"))?;
                    } else if number(f).is_none() {
                        return Err(err("expected _DATE and _R<build> after the release"));
                    }
                }
                Ok(Version { release, build })
            }
        }
    }
}
