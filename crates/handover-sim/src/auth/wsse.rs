//! WS-Security UsernameToken as ONVIF devices check it: PasswordDigest = Base64(SHA-1(nonce + created +
//! password)) or PasswordText. Reading the token out of a parsed envelope and computing the digest; the
//! policy (Created window, nonce replay, lockouts) lives in auth/mod.rs.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use sha1::{Digest as _, Sha1};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::soap::Element;

/// How the password travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordType {
    /// `#PasswordDigest`.
    Digest,
    /// `#PasswordText`.
    Text,
}

/// A UsernameToken from a request's Security header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsernameToken {
    /// Username.
    pub username: String,
    /// Digest (Base64) or plain password.
    pub password: String,
    /// Digest or text.
    pub password_type: PasswordType,
    /// Base64 nonce, as sent.
    pub nonce: Option<String>,
    /// Created timestamp, as sent.
    pub created: Option<String>,
}

impl UsernameToken {
    /// Finds `Header/Security/UsernameToken` in an envelope.
    pub fn from_envelope(root: &Element) -> Option<Self> {
        let tok = root.path(&["Header", "Security", "UsernameToken"])?;
        let pw = tok.child("Password")?;
        let password_type = match pw.attr("Type") {
            Some(t) if t.ends_with("#PasswordText") => PasswordType::Text,
            _ => PasswordType::Digest,
        };
        Some(UsernameToken {
            username: tok.text_at(&["Username"])?.to_string(),
            password: pw.text.clone(),
            password_type,
            nonce: tok.child("Nonce").map(|n| n.text.clone()),
            created: tok.child("Created").map(|c| c.text.clone()),
        })
    }

    /// True when the token proves knowledge of `password`.
    pub fn verifies(&self, password: &str) -> bool {
        match self.password_type {
            PasswordType::Text => constant_eq(self.password.as_bytes(), password.as_bytes()),
            PasswordType::Digest => {
                let (Some(nonce), Some(created)) = (&self.nonce, &self.created) else {
                    return false;
                };
                let Ok(raw) = B64.decode(nonce.trim()) else {
                    return false;
                };
                constant_eq(
                    digest(&raw, created, password).as_bytes(),
                    self.password.trim().as_bytes(),
                )
            }
        }
    }
}

/// Base64(SHA-1(nonce + created + password)).
pub fn digest(nonce: &[u8], created: &str, password: &str) -> String {
    let mut h = Sha1::new();
    h.update(nonce);
    h.update(created.as_bytes());
    h.update(password.as_bytes());
    B64.encode(h.finalize())
}

/// Parses a Created timestamp (RFC 3339; a missing offset is read as UTC, as devices do).
pub fn parse_created(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t);
    }
    OffsetDateTime::parse(&format!("{s}Z"), &Rfc3339).ok()
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_matches_an_independent_python_computation() {
        // Known vector computed with Python: base64(sha1(b"0123456789abcdef" + b"2024-01-01T00:00:00Z" + b"pass"))
        let d = digest(b"0123456789abcdef", "2024-01-01T00:00:00Z", "pass");
        assert_eq!(d, "JrwLfvjQ4n8x/duENCvj7ZMcgQI=");
        let tok = UsernameToken {
            username: "root".into(),
            password: d,
            password_type: PasswordType::Digest,
            nonce: Some(B64.encode(b"0123456789abcdef")),
            created: Some("2024-01-01T00:00:00Z".into()),
        };
        assert!(tok.verifies("pass"));
        assert!(!tok.verifies("pass2"));
    }

    #[test]
    fn created_accepts_common_spellings() {
        assert!(parse_created("2024-01-01T00:00:00Z").is_some());
        assert!(parse_created("2024-01-01T00:00:00.123+00:00").is_some());
        assert!(parse_created("2024-01-01T00:00:00").is_some());
        assert!(parse_created("yesterday").is_none());
    }
}
