//! HTTP Digest access authentication (RFC 2617 with `qop=auth`, and RFC 7616's SHA-256), server side:
//! parsing an `Authorization: Digest ...` header, issuing stateless nonces bound to the device, and
//! computing the expected response. The lockout policy lives in auth/mod.rs.

use md5::Md5;
use sha2::{Digest as _, Sha256};

/// Digest hash algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// MD5 (RFC 2617).
    Md5,
    /// SHA-256 (RFC 7616).
    Sha256,
}

impl Algorithm {
    fn hash(self, s: &str) -> String {
        match self {
            Algorithm::Md5 => hex::encode(Md5::digest(s.as_bytes())),
            Algorithm::Sha256 => hex::encode(Sha256::digest(s.as_bytes())),
        }
    }

    /// Header spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Sha256 => "SHA-256",
        }
    }
}

/// The fields of an `Authorization: Digest` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestCredentials {
    /// User name.
    pub username: String,
    /// Realm.
    pub realm: String,
    /// Server nonce echoed back.
    pub nonce: String,
    /// Request URI as the client signed it.
    pub uri: String,
    /// The client's response hash.
    pub response: String,
    /// Algorithm (MD5 when absent).
    pub algorithm: Algorithm,
    /// `auth` or absent (RFC 2069 compatibility).
    pub qop: Option<String>,
    /// Nonce count.
    pub nc: Option<String>,
    /// Client nonce.
    pub cnonce: Option<String>,
}

/// Parses `Digest k=v, k="v", ...`; None when it is not Digest or a field is missing.
pub fn parse_authorization(header: &str) -> Option<DigestCredentials> {
    let rest = header.trim().strip_prefix("Digest")?.trim_start();
    let mut fields = std::collections::HashMap::new();
    let mut s = rest;
    while !s.is_empty() {
        let eq = s.find('=')?;
        let key = s[..eq]
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        s = &s[eq + 1..];
        let value;
        if let Some(q) = s.strip_prefix('"') {
            let end = q.find('"')?;
            value = q[..end].to_string();
            s = &q[end + 1..];
        } else {
            let end = s.find(',').unwrap_or(s.len());
            value = s[..end].trim().to_string();
            s = &s[end..];
        }
        s = s.trim_start().trim_start_matches(',').trim_start();
        fields.insert(key, value);
        if fields.len() > 16 {
            return None;
        }
    }
    let algorithm = match fields.get("algorithm").map(|a| a.to_ascii_uppercase()) {
        None => Algorithm::Md5,
        Some(a) if a == "MD5" => Algorithm::Md5,
        Some(a) if a == "SHA-256" => Algorithm::Sha256,
        Some(_) => return None,
    };
    Some(DigestCredentials {
        username: fields.remove("username")?,
        realm: fields.remove("realm")?,
        nonce: fields.remove("nonce")?,
        uri: fields.remove("uri")?,
        response: fields.remove("response")?,
        algorithm,
        qop: fields.remove("qop"),
        nc: fields.remove("nc"),
        cnonce: fields.remove("cnonce"),
    })
}

/// The response a client knowing `password` computes.
pub fn expected_response(c: &DigestCredentials, password: &str, method: &str) -> String {
    let ha1 = c
        .algorithm
        .hash(&format!("{}:{}:{}", c.username, c.realm, password));
    let ha2 = c.algorithm.hash(&format!("{method}:{}", c.uri));
    match (&c.qop, &c.nc, &c.cnonce) {
        (Some(qop), Some(nc), Some(cnonce)) => c
            .algorithm
            .hash(&format!("{ha1}:{}:{nc}:{cnonce}:{qop}:{ha2}", c.nonce)),
        _ => c.algorithm.hash(&format!("{ha1}:{}:{ha2}", c.nonce)),
    }
}

/// How long a server nonce stays fresh.
pub const NONCE_LIFETIME_SECS: u64 = 300;

/// A stateless nonce: issue time, a random salt (so every challenge differs) and a MAC over both with
/// the device secret.
pub fn make_nonce(secret: &[u8; 16], unix_now: u64, salt: u32) -> String {
    let mac = Sha256::new()
        .chain_update(secret)
        .chain_update(unix_now.to_be_bytes())
        .chain_update(salt.to_be_bytes())
        .finalize();
    format!("{unix_now:016x}{salt:08x}{}", hex::encode(&mac[..12]))
}

/// Age of a nonce this device issued; None when it is forged or malformed.
pub fn nonce_age(secret: &[u8; 16], nonce: &str, unix_now: u64) -> Option<u64> {
    let issued = u64::from_str_radix(nonce.get(..16)?, 16).ok()?;
    let salt = u32::from_str_radix(nonce.get(16..24)?, 16).ok()?;
    (make_nonce(secret, issued, salt) == nonce).then(|| unix_now.saturating_sub(issued))
}

/// `WWW-Authenticate` values: SHA-256 first (preferred), then MD5 for older clients.
pub fn challenges(realm: &str, nonce: &str, stale: bool) -> [String; 2] {
    let stale = if stale { ", stale=true" } else { "" };
    [Algorithm::Sha256, Algorithm::Md5].map(|a| {
        format!(
            r#"Digest realm="{realm}", qop="auth", nonce="{nonce}", algorithm={}{stale}"#,
            a.as_str()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(alg: &str) -> DigestCredentials {
        parse_authorization(&format!(
            r#"Digest username="admin", realm="IP Camera(C1234)", nonce="abc", uri="/onvif/device_service", algorithm={alg}, response="x", qop=auth, nc=00000001, cnonce="xyz""#
        ))
        .unwrap()
    }

    #[test]
    fn responses_match_python_hashlib() {
        // Values computed independently with Python's hashlib.
        assert_eq!(
            expected_response(&creds("MD5"), "Secret123", "POST"),
            "efb2c3a6bcca05e29a5aee9c28bd90f4"
        );
        assert_eq!(
            expected_response(&creds("SHA-256"), "Secret123", "POST"),
            "4178f79ff04e631f1fc97f71744144b05670457a7422515dea1f429312877acf"
        );
    }

    #[test]
    fn nonces_are_bound_to_the_device_secret() {
        let n = make_nonce(&[1; 16], 1000, 7);
        assert_ne!(n, make_nonce(&[1; 16], 1000, 8), "salted");
        assert_eq!(nonce_age(&[1; 16], &n, 1010), Some(10));
        assert_eq!(nonce_age(&[2; 16], &n, 1010), None);
        assert_eq!(nonce_age(&[1; 16], "zz", 1010), None);
    }

    #[test]
    fn rejects_other_schemes_and_algorithms() {
        assert!(parse_authorization("Basic YWRtaW46YWRtaW4=").is_none());
        assert!(parse_authorization(r#"Digest username="a", realm="r", nonce="n", uri="/", response="x", algorithm=SHA-512-256"#).is_none());
    }
}
