//! Catalog signatures: an Ed25519 signature over the catalog file's exact bytes, shipped beside it as
//! `<catalog>.sig` (one line of base64). The app trusts the public keys it ships (`assets/keys/*.pub`, one
//! line of base64 each); a catalog that is unsigned, or whose signature does not verify with any of them, is
//! refused and the catalog in use is kept.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};

use crate::error::CatalogError;

/// The public keys that sign Handover catalogs, as shipped with this build.
pub const SHIPPED_KEYS: &[&str] = &[include_str!("../../../../assets/keys/catalog-signing.pub")];

/// A public key trusted to sign catalogs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedKey(VerifyingKey);

impl TrustedKey {
    /// Reads a key in the `.pub` format (base64 of the 32-byte Ed25519 public key; `#` comment lines allowed).
    pub fn from_text(text: &str) -> Option<Self> {
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))?;
        let bytes: [u8; 32] = STANDARD.decode(line).ok()?.try_into().ok()?;
        VerifyingKey::from_bytes(&bytes).ok().map(Self)
    }

    /// The keys shipped with this build.
    pub fn shipped() -> Vec<Self> {
        SHIPPED_KEYS
            .iter()
            .filter_map(|k| Self::from_text(k))
            .collect()
    }

    /// The key in `.pub` format.
    pub fn to_text(&self) -> String {
        STANDARD.encode(self.0.as_bytes())
    }

    /// Wraps a verifying key (for publishers' tools and tests).
    pub fn from_key(key: VerifyingKey) -> Self {
        Self(key)
    }
}

/// Checks `sig_text` (the `.sig` file's content, if any) over `bytes` against `trusted`.
pub fn verify(
    catalog: &str,
    bytes: &[u8],
    sig_text: Option<&str>,
    trusted: &[TrustedKey],
) -> Result<(), CatalogError> {
    let sig_text = sig_text.ok_or_else(|| CatalogError::Unsigned {
        catalog: catalog.to_owned(),
    })?;
    let bad = || CatalogError::BadSignature {
        catalog: catalog.to_owned(),
    };
    let line = sig_text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .ok_or_else(bad)?;
    let raw: [u8; 64] = STANDARD
        .decode(line)
        .map_err(|_| bad())?
        .try_into()
        .map_err(|_| bad())?;
    let sig = Signature::from_bytes(&raw);
    if trusted.iter().any(|k| k.0.verify(bytes, &sig).is_ok()) {
        Ok(())
    } else {
        Err(bad())
    }
}

/// Signs catalog bytes, giving the `.sig` file's content. For the catalog publisher's tool and tests.
pub fn sign(bytes: &[u8], key: &ed25519_dalek::SigningKey) -> String {
    use ed25519_dalek::Signer as _;
    format!("{}\n", STANDARD.encode(key.sign(bytes).to_bytes()))
}
