//! Password generation from a [`PasswordPolicy`] with a CSPRNG, and the URL helpers for passwords that are not
//! RTSP-safe.
//!
//! The length is the shortest one (at least `min_len`) whose entropy reaches the policy's target, capped at
//! `max_len`; when the cap bites, the result says so ([`GeneratedPassword::limited_by_device`]). A password is
//! drawn uniformly from all strings of that length that satisfy the policy (uniform characters, rejection of
//! strings that miss a required class), so its entropy is exactly [`Alphabet::entropy_bits`]. The random source
//! is a parameter bounded by `CryptoRng`; the product passes `rand::rngs::OsRng`.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use rand::seq::SliceRandom;
use rand::{CryptoRng, RngCore};

use crate::error::{PolicyProblem, VaultError};
use crate::policy::{Alphabet, CharClass, PasswordPolicy};
use crate::secret::SecretString;

/// Below this share of accepted draws a policy is refused as too tight (it would mean ~1000 draws per password).
const MIN_ACCEPTANCE: f64 = 1e-3;
/// Upper bound on draws; at `MIN_ACCEPTANCE` the chance of reaching it is below e^-100.
const MAX_DRAWS: usize = 100_000;

/// A new password and what it is worth.
#[derive(Debug)]
pub struct GeneratedPassword {
    /// The password.
    pub password: SecretString,
    /// Its length in characters.
    pub length: usize,
    /// Entropy in bits of the distribution it was drawn from.
    pub entropy_bits: f64,
    /// The policy's target in bits.
    pub target_bits: u32,
}

impl GeneratedPassword {
    /// True when the device's `max_len` kept the password below the entropy target (report it).
    pub fn limited_by_device(&self) -> bool {
        self.entropy_bits < f64::from(self.target_bits)
    }
}

/// Chooses the length: the shortest `>= min_len` that reaches the target, else `max_len`.
pub fn choose_length(policy: &PasswordPolicy, alphabet: &Alphabet) -> usize {
    let start = policy.min_len.max(alphabet.required.len());
    (start..=policy.max_len)
        .find(|&len| alphabet.entropy_bits(len) >= f64::from(policy.target_bits))
        .unwrap_or(policy.max_len)
}

/// Generates a password satisfying `policy` with the cryptographically secure `rng`.
pub fn generate<R: RngCore + CryptoRng>(
    policy: &PasswordPolicy,
    rng: &mut R,
) -> Result<GeneratedPassword, VaultError> {
    let alphabet = policy.alphabet()?;
    let length = choose_length(policy, &alphabet);
    if alphabet.acceptance(length) < MIN_ACCEPTANCE {
        return Err(VaultError::InvalidPolicy {
            problem: PolicyProblem::TooTight { length },
        });
    }
    let mut buf = String::with_capacity(length);
    for _ in 0..MAX_DRAWS {
        buf.clear();
        for _ in 0..length {
            // `choose` draws an unbiased index (rand's uniform range sampling).
            if let Some(c) = alphabet.chars.choose(rng) {
                buf.push(*c);
            }
        }
        let complete = alphabet
            .required
            .iter()
            .all(|(_, set)| buf.chars().any(|c| set.contains(&c)));
        if complete {
            return Ok(GeneratedPassword {
                password: SecretString::new(buf),
                length,
                entropy_bits: alphabet.entropy_bits(length),
                target_bits: policy.target_bits,
            });
        }
    }
    // Wipe the last rejected draw; then report the policy as too tight.
    zeroize::Zeroize::zeroize(&mut buf);
    Err(VaultError::InvalidPolicy {
        problem: PolicyProblem::TooTight { length },
    })
}

/// [`generate`] with the operating system's CSPRNG.
pub fn generate_os(policy: &PasswordPolicy) -> Result<GeneratedPassword, VaultError> {
    generate(policy, &mut rand::rngs::OsRng)
}

/// True when `s` uses only RFC 3986 unreserved characters (safe in `rtsp://user:pass@host` as is).
pub fn is_url_unreserved(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || crate::policy::URL_UNRESERVED_SYMBOLS.contains(c))
}

/// Everything but the unreserved characters is escaped.
const USERINFO: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a user name or password for the user-info part of a URL (`rtsp://user:pass@host`).
pub fn percent_encode_userinfo(s: &str) -> String {
    utf8_percent_encode(s, USERINFO).to_string()
}

/// Builds `rtsp://user:password@host_port/path` with both credentials percent-encoded as needed. The result
/// contains the password, so it is a [`SecretString`].
pub fn rtsp_url(user: &str, password: &SecretString, host_port: &str, path: &str) -> SecretString {
    let path = path.trim_start_matches('/');
    SecretString::new(format!(
        "rtsp://{}:{}@{}/{}",
        percent_encode_userinfo(user),
        percent_encode_userinfo(password.expose()),
        host_port,
        path
    ))
}

/// How a given password breaks a policy. Never names the offending character (that would leak it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Violation {
    /// Fewer characters than `min_len`.
    TooShort,
    /// More characters than `max_len` (the device would refuse or truncate it).
    TooLong,
    /// A required class is missing.
    MissingClass(CharClass),
    /// A character outside the policy's alphabet (forbidden, not allowed by the device, or not RTSP-safe).
    CharacterNotAllowed,
}

/// Checks a password someone typed (or an existing one) against `policy`; empty when it complies. Fails only
/// when the policy itself is invalid.
pub fn check_password(
    policy: &PasswordPolicy,
    password: &SecretString,
) -> Result<Vec<Violation>, VaultError> {
    let alphabet = policy.alphabet()?;
    let pw = password.expose();
    let len = pw.chars().count();
    let mut out = Vec::new();
    if len < policy.min_len {
        out.push(Violation::TooShort);
    }
    if len > policy.max_len {
        out.push(Violation::TooLong);
    }
    for (class, set) in &alphabet.required {
        if !pw.chars().any(|c| set.contains(&c)) {
            out.push(Violation::MissingClass(*class));
        }
    }
    if pw
        .chars()
        .any(|c| alphabet.chars.binary_search(&c).is_err())
    {
        out.push(Violation::CharacterNotAllowed);
    }
    Ok(out)
}

/// Which classes of `policy` the password contains (for checks and tests).
pub fn classes_of(policy: &PasswordPolicy, password: &str) -> Vec<CharClass> {
    let mut found: Vec<CharClass> = password
        .chars()
        .filter_map(|c| CharClass::of(c, &policy.symbols))
        .collect();
    found.sort();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashSet};

    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    /// Generates `n` passwords under `policy` and checks each against it; returns them for more checks.
    fn check_many(policy: &PasswordPolicy, n: usize, seed: u64) -> Vec<String> {
        let alphabet = policy.alphabet().unwrap();
        let mut rng = StdRng::seed_from_u64(seed);
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let g = generate(policy, &mut rng).unwrap();
            let pw = g.password.expose().clone();
            let len = pw.chars().count();
            assert_eq!(len, g.length);
            assert!(len >= policy.min_len && len <= policy.max_len, "{len}");
            assert!(pw.chars().all(|c| alphabet.chars.contains(&c)), "{pw}");
            assert!(pw.chars().all(|c| !policy.forbidden.contains(c)), "{pw}");
            if policy.rtsp_safe {
                assert!(is_url_unreserved(&pw), "{pw}");
            }
            let classes = classes_of(policy, &pw);
            for class in &policy.required {
                assert!(classes.contains(class), "{pw} lacks {class:?}");
            }
            out.push(pw);
        }
        let unique: HashSet<&String> = out.iter().collect();
        assert_eq!(unique.len(), out.len(), "duplicates among {n} passwords");
        out
    }

    #[test]
    fn default_policy_many_passwords() {
        let p = PasswordPolicy::default();
        let all = check_many(&p, 10_000, 1);
        let g = generate(&p, &mut StdRng::seed_from_u64(2)).unwrap();
        assert!(g.entropy_bits >= 128.0, "{}", g.entropy_bits);
        assert!(!g.limited_by_device());
        // 66 characters: 22 give ~133 bits, 21 only ~127: the shortest length reaching 128 bits is chosen.
        assert_eq!(g.length, 22);
        assert_eq!(all[0].len(), 22);
    }

    #[test]
    fn symbol_required_non_rtsp_policy_many_passwords() {
        let p = PasswordPolicy {
            rtsp_safe: false,
            min_len: 8,
            max_len: 32,
            required: [
                CharClass::Lower,
                CharClass::Upper,
                CharClass::Digit,
                CharClass::Symbol,
            ]
            .into(),
            symbols: "!#$%*+-=?@^_".into(),
            forbidden: "lIO0o1".into(),
            ..PasswordPolicy::default()
        };
        check_many(&p, 10_000, 3);
    }

    #[test]
    fn short_device_limit_is_reported() {
        // A camera whose firmware takes at most 12 characters and needs a symbol from a short list.
        let p = PasswordPolicy {
            min_len: 8,
            max_len: 12,
            required: [
                CharClass::Lower,
                CharClass::Upper,
                CharClass::Digit,
                CharClass::Symbol,
            ]
            .into(),
            ..PasswordPolicy::default()
        };
        let passwords = check_many(&p, 10_000, 4);
        assert!(passwords.iter().all(|p| p.len() == 12));
        let g = generate(&p, &mut StdRng::seed_from_u64(5)).unwrap();
        assert!(g.limited_by_device());
        assert!(
            g.entropy_bits > 60.0 && g.entropy_bits < 12.0 * 66f64.log2(),
            "{}",
            g.entropy_bits
        );
    }

    #[test]
    fn characters_are_uniformly_used() {
        // Digits only, no required class: each of the 10 digits should appear ~10% of the time.
        let p = PasswordPolicy {
            allowed: [CharClass::Digit].into(),
            required: [CharClass::Digit].into(),
            min_len: 40,
            max_len: 40,
            ..PasswordPolicy::default()
        };
        let mut counts: BTreeMap<char, usize> = BTreeMap::new();
        for pw in check_many(&p, 2_000, 6) {
            for c in pw.chars() {
                *counts.entry(c).or_default() += 1;
            }
        }
        assert_eq!(counts.len(), 10);
        let total: usize = counts.values().sum();
        for (c, n) in counts {
            let share = n as f64 / total as f64;
            // 80,000 draws: the standard deviation of a share is ~0.001; allow 5 sigma.
            assert!((share - 0.1).abs() < 0.005, "{c}: {share}");
        }
    }

    #[test]
    fn impossible_policy_is_an_error_not_a_loop() {
        let p = PasswordPolicy {
            required: [CharClass::Symbol].into(),
            symbols: "!".into(),
            ..PasswordPolicy::default()
        };
        assert!(
            generate(&p, &mut StdRng::seed_from_u64(7))
                .unwrap_err()
                .is_invalid_policy()
        );
    }

    #[test]
    fn a_rare_required_class_in_a_short_password_is_too_tight() {
        // Four classes of one character each, all required, in 4 characters: 24 of 4^4 draws qualify (9%).
        let p = PasswordPolicy {
            min_len: 4,
            max_len: 4,
            allowed: [
                CharClass::Lower,
                CharClass::Upper,
                CharClass::Digit,
                CharClass::Symbol,
            ]
            .into(),
            required: [
                CharClass::Lower,
                CharClass::Upper,
                CharClass::Digit,
                CharClass::Symbol,
            ]
            .into(),
            symbols: "-".into(),
            forbidden: "abcdefghijklmnopqrstuvwxyBCDEFGHIJKLMNOPQRSTUVWXYZ123456789".into(),
            ..PasswordPolicy::default()
        };
        let g = generate(&p, &mut StdRng::seed_from_u64(8)).unwrap();
        let mut chars: Vec<char> = g.password.expose().chars().collect();
        chars.sort();
        assert_eq!(chars, vec!['-', '0', 'A', 'z']);
        // 26 lower-case letters next to one upper, one digit, one symbol: 4!·26 of 29^4 draws (0.09%): refused.
        let tight = PasswordPolicy {
            forbidden: "BCDEFGHIJKLMNOPQRSTUVWXYZ123456789".into(),
            ..p
        };
        let err = generate(&tight, &mut StdRng::seed_from_u64(9)).unwrap_err();
        assert!(err.is_invalid_policy(), "{err}");
        assert!(
            err.to_string().contains("too few 4-character strings"),
            "{err}"
        );
    }

    #[test]
    fn os_rng_generation_works() {
        let a = generate_os(&PasswordPolicy::default()).unwrap();
        let b = generate_os(&PasswordPolicy::default()).unwrap();
        assert_ne!(a.password, b.password);
    }

    #[test]
    fn typed_passwords_are_checked_without_revealing_characters() {
        let p = PasswordPolicy::default();
        let check = |pw: &str| check_password(&p, &SecretString::from(pw)).unwrap();
        assert_eq!(check("Abcdefgh-1234567"), vec![]);
        assert_eq!(check("Abc-1"), vec![Violation::TooShort]);
        assert_eq!(check(&"aB3".repeat(30)), vec![Violation::TooLong]);
        assert_eq!(
            check("abcdefgh-abcdefgh"),
            vec![
                Violation::MissingClass(CharClass::Upper),
                Violation::MissingClass(CharClass::Digit)
            ]
        );
        // '@' is not RTSP-safe under the default policy.
        assert_eq!(
            check("Abcdefgh@1234567"),
            vec![Violation::CharacterNotAllowed]
        );
        // Every generated password passes the checker.
        let mut rng = StdRng::seed_from_u64(10);
        for _ in 0..1000 {
            let g = generate(&p, &mut rng).unwrap();
            assert_eq!(check_password(&p, &g.password).unwrap(), vec![]);
        }
    }

    #[test]
    fn url_helpers_escape_only_what_is_needed() {
        assert_eq!(percent_encode_userinfo("Ab-._~9"), "Ab-._~9");
        assert_eq!(
            percent_encode_userinfo("p@ss:w/rd#1%"),
            "p%40ss%3Aw%2Frd%231%25"
        );
        assert!(is_url_unreserved("Ab-._~9") && !is_url_unreserved("a@b"));
        let url = rtsp_url(
            "admin",
            &"p@ss:1".into(),
            "127.0.0.1:554",
            "/Streaming/Channels/101",
        );
        assert_eq!(
            url.expose(),
            "rtsp://admin:p%40ss%3A1@127.0.0.1:554/Streaming/Channels/101"
        );
    }
}
