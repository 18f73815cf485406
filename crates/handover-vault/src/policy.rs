//! [`PasswordPolicy`]: what a device accepts (lengths, character classes, forbidden characters) and what we want
//! (required classes, RTSP-safe characters, an entropy target), plus the alphabet and entropy arithmetic.
//!
//! Per-vendor presets are data owned by the engine/catalog and passed in; this module only validates a policy
//! and computes from it. The generator itself is in [`mod@crate::generate`]. No randomness and no IO here.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::error::{PolicyProblem, VaultError};

/// The characters that may sit in the user-info part of an `rtsp://user:pass@host` URL without escaping:
/// RFC 3986 "unreserved" (ALPHA / DIGIT / `-` / `.` / `_` / `~`).
pub const URL_UNRESERVED_SYMBOLS: &str = "-._~";

/// Printable ASCII punctuation most devices accept, without space, quotes, backslash and backtick (these break
/// shells, XML and CSV far too often). Used when a policy names no symbols of its own.
pub const DEFAULT_SYMBOLS: &str = "!#$%&()*+,-./:;<=>?@[]^_{|}~";

/// A character class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CharClass {
    /// `a`–`z`.
    Lower,
    /// `A`–`Z`.
    Upper,
    /// `0`–`9`.
    Digit,
    /// The policy's symbol set ([`PasswordPolicy::symbols`]).
    Symbol,
}

impl CharClass {
    /// Name used in messages and configuration.
    pub fn name(self) -> &'static str {
        match self {
            CharClass::Lower => "lower",
            CharClass::Upper => "upper",
            CharClass::Digit => "digit",
            CharClass::Symbol => "symbol",
        }
    }

    /// The class of `c` under a policy whose symbols are `symbols`; `None` for characters outside every class.
    pub fn of(c: char, symbols: &str) -> Option<Self> {
        match c {
            'a'..='z' => Some(CharClass::Lower),
            'A'..='Z' => Some(CharClass::Upper),
            '0'..='9' => Some(CharClass::Digit),
            c if symbols.contains(c) => Some(CharClass::Symbol),
            _ => None,
        }
    }
}

/// Rules for a new device password. Configurable per project; engine presets per vendor/model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordPolicy {
    /// Shortest password the device (or the project) accepts.
    pub min_len: usize,
    /// Longest password the device accepts (ONVIF `MaxPasswordLength` where the device reports it).
    pub max_len: usize,
    /// Classes that may appear.
    pub allowed: BTreeSet<CharClass>,
    /// Classes that must each appear at least once (vendors' "complexity" rules). Must be a subset of `allowed`.
    pub required: BTreeSet<CharClass>,
    /// The symbols the device accepts (for [`CharClass::Symbol`]); ignored when `Symbol` is not allowed.
    pub symbols: String,
    /// Characters never to use (a device's known-bad characters, look-alikes the project bans, ...).
    pub forbidden: String,
    /// Only RFC 3986 unreserved characters, so the password can sit in `rtsp://user:pass@host` unescaped.
    pub rtsp_safe: bool,
    /// Entropy to aim for, in bits; reached where `max_len` allows.
    pub target_bits: u32,
}

impl Default for PasswordPolicy {
    /// RTSP-safe, 16–64 characters, lower+upper+digit required, `-._~` allowed, 128-bit target.
    fn default() -> Self {
        Self {
            min_len: 16,
            max_len: 64,
            allowed: [
                CharClass::Lower,
                CharClass::Upper,
                CharClass::Digit,
                CharClass::Symbol,
            ]
            .into(),
            required: [CharClass::Lower, CharClass::Upper, CharClass::Digit].into(),
            symbols: DEFAULT_SYMBOLS.to_owned(),
            forbidden: String::new(),
            rtsp_safe: true,
            target_bits: 128,
        }
    }
}

/// A policy checked and turned into concrete character sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alphabet {
    /// Every usable character, sorted.
    pub chars: Vec<char>,
    /// For each required class, its usable characters.
    pub required: Vec<(CharClass, Vec<char>)>,
}

fn invalid(problem: PolicyProblem) -> VaultError {
    VaultError::InvalidPolicy { problem }
}

impl PasswordPolicy {
    /// Lowers `max_len` to a device's reported maximum (and `min_len` with it when needed).
    pub fn with_device_max_len(mut self, device_max: usize) -> Self {
        self.max_len = self.max_len.min(device_max);
        self.min_len = self.min_len.min(self.max_len);
        self
    }

    fn class_chars(&self, class: CharClass) -> Vec<char> {
        let raw: Vec<char> = match class {
            CharClass::Lower => ('a'..='z').collect(),
            CharClass::Upper => ('A'..='Z').collect(),
            CharClass::Digit => ('0'..='9').collect(),
            CharClass::Symbol => self.symbols.chars().collect(),
        };
        let set: BTreeSet<char> = raw
            .into_iter()
            .filter(|c| c.is_ascii_graphic())
            .filter(|c| class != CharClass::Symbol || !c.is_ascii_alphanumeric())
            .filter(|c| !self.forbidden.contains(*c))
            .filter(|c| {
                !self.rtsp_safe || c.is_ascii_alphanumeric() || URL_UNRESERVED_SYMBOLS.contains(*c)
            })
            .collect();
        set.into_iter().collect()
    }

    /// Checks the policy and computes its alphabet; [`VaultError::InvalidPolicy`] when no password can satisfy it.
    pub fn alphabet(&self) -> Result<Alphabet, VaultError> {
        if self.min_len == 0 || self.min_len > self.max_len {
            return Err(invalid(PolicyProblem::LengthRange {
                min_len: self.min_len,
                max_len: self.max_len,
            }));
        }
        let mut chars = BTreeSet::new();
        for class in &self.allowed {
            chars.extend(self.class_chars(*class));
        }
        let mut required = Vec::new();
        for class in &self.required {
            let set = if self.allowed.contains(class) {
                self.class_chars(*class)
            } else {
                Vec::new()
            };
            if set.is_empty() {
                return Err(invalid(PolicyProblem::RequiredClassEmpty {
                    class: class.name(),
                }));
            }
            required.push((*class, set));
        }
        if chars.is_empty() {
            return Err(invalid(PolicyProblem::EmptyAlphabet));
        }
        if required.len() > self.max_len {
            return Err(invalid(PolicyProblem::TooManyRequiredClasses {
                required: required.len(),
                max_len: self.max_len,
            }));
        }
        Ok(Alphabet {
            chars: chars.into_iter().collect(),
            required,
        })
    }
}

impl Alphabet {
    /// Share of uniformly random strings of length `len` over [`Alphabet::chars`] that contain every required
    /// class (inclusion–exclusion over the required classes, which are disjoint).
    pub fn acceptance(&self, len: usize) -> f64 {
        let n = self.chars.len() as f64;
        let k = self.required.len();
        let mut sum = 0.0;
        for mask in 0u32..(1u32 << k) {
            let missing: usize = (0..k)
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| self.required[i].1.len())
                .sum();
            let term = ((n - missing as f64) / n).powi(len as i32);
            if mask.count_ones() % 2 == 0 {
                sum += term;
            } else {
                sum -= term;
            }
        }
        sum.clamp(0.0, 1.0)
    }

    /// Entropy in bits of a password drawn uniformly from all length-`len` strings that satisfy the policy:
    /// log2(|alphabet|^len × acceptance).
    pub fn entropy_bits(&self, len: usize) -> f64 {
        let acceptance = self.acceptance(len);
        if acceptance <= 0.0 {
            return 0.0;
        }
        len as f64 * (self.chars.len() as f64).log2() + acceptance.log2()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(f: impl FnOnce(&mut PasswordPolicy)) -> PasswordPolicy {
        let mut p = PasswordPolicy::default();
        f(&mut p);
        p
    }

    #[test]
    fn default_policy_is_rtsp_safe() {
        let a = PasswordPolicy::default().alphabet().unwrap();
        assert_eq!(a.chars.len(), 26 + 26 + 10 + 4);
        assert!(
            a.chars
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(*c))
        );
    }

    #[test]
    fn forbidden_and_non_rtsp_symbols_are_removed() {
        let a = policy(|p| {
            p.rtsp_safe = false;
            p.symbols = "!@#-".into();
            p.forbidden = "l1O0@".into();
        })
        .alphabet()
        .unwrap();
        for c in ['l', '1', 'O', '0', '@'] {
            assert!(!a.chars.contains(&c), "{c}");
        }
        assert!(a.chars.contains(&'!') && a.chars.contains(&'#'));
        let safe = policy(|p| p.symbols = "!@#-".into()).alphabet().unwrap();
        assert!(safe.chars.contains(&'-') && !safe.chars.contains(&'!'));
    }

    #[test]
    fn impossible_policies_are_rejected_with_reasons() {
        let check = |p: PasswordPolicy, want: &str| {
            let err = p.alphabet().unwrap_err();
            assert!(err.is_invalid_policy(), "{err}");
            assert!(
                err.to_string().contains(want),
                "{err} should mention {want}"
            );
        };
        // Symbol required, but the device's only symbols are not URL-safe.
        check(
            policy(|p| {
                p.required.insert(CharClass::Symbol);
                p.symbols = "!@#".into();
            }),
            "'symbol'",
        );
        check(policy(|p| p.forbidden = "0123456789".into()), "'digit'");
        check(
            policy(|p| {
                p.required.insert(CharClass::Symbol);
                p.allowed.remove(&CharClass::Symbol);
            }),
            "'symbol'",
        );
        check(
            policy(|p| {
                p.min_len = 2;
                p.max_len = 2;
            }),
            "3 required classes",
        );
        check(policy(|p| p.min_len = 0), "length range");
        check(
            policy(|p| {
                p.min_len = 10;
                p.max_len = 8;
            }),
            "length range",
        );
        check(
            policy(|p| {
                p.allowed.clear();
                p.required.clear();
            }),
            "no character",
        );
    }

    #[test]
    fn entropy_matches_hand_computed_values() {
        // 64 characters, no required class: exactly 6 bits per character.
        let a = Alphabet {
            chars: (0..64u8).map(|i| char::from(b'0' + i)).collect(),
            required: vec![],
        };
        assert!((a.entropy_bits(22) - 132.0).abs() < 1e-9);
        // Two classes of 1 char each, both required, length 2: only "ab" and "ba" qualify -> 1 bit.
        let b = Alphabet {
            chars: vec!['a', 'b'],
            required: vec![(CharClass::Lower, vec!['a']), (CharClass::Upper, vec!['b'])],
        };
        assert!((b.acceptance(2) - 0.5).abs() < 1e-12);
        assert!((b.entropy_bits(2) - 1.0).abs() < 1e-9);
        // Required classes cost a little entropy, never more than the unconstrained figure.
        let d = PasswordPolicy::default().alphabet().unwrap();
        let free = 22.0 * 66f64.log2();
        assert!(d.entropy_bits(22) < free && d.entropy_bits(22) > free - 1.0);
    }

    #[test]
    fn device_max_len_caps_both_bounds() {
        let p = PasswordPolicy::default().with_device_max_len(12);
        assert_eq!((p.min_len, p.max_len), (12, 12));
    }

    #[test]
    fn policies_load_from_toml_like_data() {
        let p: PasswordPolicy = serde_json::from_str(
            r#"{"max_len": 16, "required": ["lower", "digit"], "rtsp_safe": false}"#,
        )
        .unwrap();
        assert_eq!(p.max_len, 16);
        assert_eq!(p.min_len, 16);
        assert!(!p.rtsp_safe);
        assert_eq!(p.required.len(), 2);
    }
}
