//! Signing identities: a private key (ECDSA P-256 or RSA) with its leaf certificate and the
//! chain above it. Created as a fresh integrator CA plus a signing leaf
//! ([`SigningIdentity::create_integrator_ca`]), imported from the integrator's PKCS#12
//! ([`SigningIdentity::from_pkcs12`]), or restored from the bytes the vault stored
//! ([`SigningIdentity::to_bytes`] / [`SigningIdentity::from_bytes`], a PEM bundle). Key
//! bytes only ever leave in [`Zeroizing`] buffers. This module stores nothing itself.

use der::asn1::{Any, GeneralizedTime, SetOfVec, UtcTime};
use der::{Decode, DecodePem, Encode, EncodePem, Tag, Tagged};
use pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rand::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};
use spki::{EncodePublicKey, SubjectPublicKeyInfoOwned};
use time::OffsetDateTime;
use x509_cert::Certificate;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The private key of an identity.
#[derive(Clone)]
pub(crate) enum Key {
    /// ECDSA over P-256 (what Handover creates).
    P256(p256::ecdsa::SigningKey),
    /// RSA (common in imported PKCS#12 files).
    Rsa(Box<rsa::RsaPrivateKey>),
}

impl Key {
    fn from_pkcs8_der(der: &[u8]) -> Result<Key> {
        let info = pkcs8::PrivateKeyInfo::from_der(der)?;
        let oid = info.algorithm.oid;
        if oid == const_oid::db::rfc5912::ID_EC_PUBLIC_KEY {
            Ok(Key::P256(p256::ecdsa::SigningKey::from_pkcs8_der(der)?))
        } else if oid == const_oid::db::rfc5912::RSA_ENCRYPTION {
            Ok(Key::Rsa(Box::new(rsa::RsaPrivateKey::from_pkcs8_der(der)?)))
        } else {
            Err(Error::UnsupportedKey(oid))
        }
    }

    fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>> {
        let doc = match self {
            Key::P256(k) => k.to_pkcs8_der()?,
            Key::Rsa(k) => k.to_pkcs8_der()?,
        };
        Ok(Zeroizing::new(doc.as_bytes().to_vec()))
    }

    fn public_key_der(&self) -> Result<Vec<u8>> {
        let doc = match self {
            Key::P256(k) => k.verifying_key().to_public_key_der()?,
            Key::Rsa(k) => k.to_public_key().to_public_key_der()?,
        };
        Ok(doc.as_bytes().to_vec())
    }
}

/// A key with its certificate chain, ready to sign reports.
#[derive(Clone)]
pub struct SigningIdentity {
    pub(crate) key: Key,
    pub(crate) leaf: Certificate,
    /// Issuers above the leaf (closest first); may be empty.
    pub(crate) chain: Vec<Certificate>,
}

impl std::fmt::Debug for SigningIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningIdentity")
            .field("subject", &self.leaf.tbs_certificate.subject.to_string())
            .field("key", &"<redacted>")
            .finish()
    }
}

/// The integrator CA created by [`SigningIdentity::create_integrator_ca`]: its certificate
/// (give it to IT to trust) and its private key (keep it in the vault to issue new leaves).
pub struct CaBundle {
    /// The CA certificate, PEM.
    pub ca_cert_pem: String,
    /// The CA private key, PKCS#8 DER.
    pub ca_key: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for CaBundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaBundle")
            .field("ca_cert_pem", &self.ca_cert_pem)
            .field("ca_key", &"<redacted>")
            .finish()
    }
}

impl CaBundle {
    /// Issues a fresh signing identity (new P-256 key, 3-year leaf) under this CA, e.g. when
    /// the previous leaf expires or a second technician needs one. IT keeps trusting the
    /// same CA certificate.
    pub fn issue_signing_identity(
        &self,
        name_cn: &str,
        org: &str,
        now: OffsetDateTime,
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<SigningIdentity> {
        let ca_key = p256::ecdsa::SigningKey::from_pkcs8_der(&self.ca_key)?;
        let ca_cert = Certificate::from_pem(self.ca_cert_pem.as_bytes())?;
        let public = ca_key.verifying_key().to_public_key_der()?;
        if ca_cert.tbs_certificate.subject_public_key_info.to_der()? != public.as_bytes() {
            return Err(Error::KeyMismatch);
        }
        issue_leaf(&ca_key, &ca_cert, name_cn, org, now, rng)
    }
}

/// A P-256 signing leaf (digitalSignature + nonRepudiation) issued by `ca_key`/`ca_cert`.
fn issue_leaf(
    ca_key: &p256::ecdsa::SigningKey,
    ca_cert: &Certificate,
    name_cn: &str,
    org: &str,
    now: OffsetDateTime,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<SigningIdentity> {
    let leaf_key = p256::ecdsa::SigningKey::random(rng);
    let not_before = now - time::Duration::minutes(5);
    let leaf_validity = Validity {
        not_before: x509_time(not_before)?,
        not_after: x509_time(now + time::Duration::days(LEAF_DAYS))?,
    };
    let leaf_spki = SubjectPublicKeyInfoOwned::from_key(*leaf_key.verifying_key())?;
    let profile = Profile::Leaf {
        issuer: ca_cert.tbs_certificate.subject.clone(),
        enable_key_agreement: false,
        enable_key_encipherment: false,
    };
    let leaf = CertificateBuilder::new(
        profile,
        serial(rng)?,
        leaf_validity,
        name(name_cn, org)?,
        leaf_spki,
        ca_key,
    )?
    .build::<p256::ecdsa::DerSignature>()?;
    Ok(SigningIdentity {
        key: Key::P256(leaf_key),
        leaf,
        chain: vec![ca_cert.clone()],
    })
}

/// The issuers of `leaf` among `pool`, closest first, following issuer to subject; ends at a
/// self-signed certificate or when no issuer is found (each certificate is used once, so a
/// cycle ends too).
fn issuers(leaf: &Certificate, pool: &[Certificate]) -> Vec<Certificate> {
    let mut left: Vec<&Certificate> = pool.iter().filter(|c| *c != leaf).collect();
    let mut chain: Vec<Certificate> = Vec::new();
    let mut current = leaf;
    while current.tbs_certificate.issuer != current.tbs_certificate.subject {
        let Some(pos) = left
            .iter()
            .position(|c| c.tbs_certificate.subject == current.tbs_certificate.issuer)
        else {
            break;
        };
        current = left.swap_remove(pos);
        chain.push(current.clone());
    }
    chain
}

/// What `handover sign-identity show` prints.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IdentityDescription {
    /// Subject DN of the signing certificate.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// The subject's organisation (O), if it names one.
    pub organization: Option<String>,
    /// Validity start (RFC 3339).
    pub not_before: String,
    /// Validity end (RFC 3339).
    pub not_after: String,
    /// SHA-256 of the certificate DER, colon-separated upper-case hex.
    pub sha256_fingerprint: String,
    /// "ECDSA P-256" or "RSA-2048" (bits).
    pub key_algorithm: String,
    /// Number of issuer certificates carried with the leaf.
    pub chain_len: usize,
}

/// Validity of the created CA and leaf, in days.
const CA_DAYS: i64 = 3650;
const LEAF_DAYS: i64 = 1095;

fn x509_time(t: OffsetDateTime) -> Result<Time> {
    let secs =
        u64::try_from(t.unix_timestamp()).map_err(|_| Error::IdentityBundle("time before 1970"))?;
    let d = std::time::Duration::from_secs(secs);
    if t.year() < 2050 {
        Ok(Time::UtcTime(UtcTime::from_unix_duration(d)?))
    } else {
        Ok(Time::GeneralTime(GeneralizedTime::from_unix_duration(d)?))
    }
}

/// A distinguished name `CN=<cn>, O=<org>` built attribute by attribute (no string parsing,
/// so commas or equals signs in the names cannot inject attributes).
fn name(cn: &str, org: &str) -> Result<Name> {
    let atv = |oid, value: &str| -> Result<RelativeDistinguishedName> {
        let any = Any::new(Tag::Utf8String, value.as_bytes())?;
        Ok(RelativeDistinguishedName(SetOfVec::try_from(vec![
            AttributeTypeAndValue { oid, value: any },
        ])?))
    };
    let mut rdns = Vec::new();
    if !org.is_empty() {
        rdns.push(atv(const_oid::db::rfc4519::O, org)?);
    }
    rdns.push(atv(const_oid::db::rfc4519::CN, cn)?);
    Ok(RdnSequence(rdns))
}

fn serial(rng: &mut (impl RngCore + CryptoRng)) -> Result<SerialNumber> {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    b[0] &= 0x7f;
    b[0] |= 0x01;
    Ok(SerialNumber::new(&b)?)
}

impl SigningIdentity {
    /// Creates an integrator CA (P-256, 10 years, `CN=<name> Handover CA, O=<org>`) and a
    /// signing leaf under it (P-256, 3 years, key usage digitalSignature + nonRepudiation,
    /// `CN=<name>, O=<org>`). Returns the CA for IT to trust and the identity to sign with.
    pub fn create_integrator_ca(
        name_cn: &str,
        org: &str,
        now: OffsetDateTime,
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<(CaBundle, SigningIdentity)> {
        let ca_key = p256::ecdsa::SigningKey::random(rng);
        let ca_subject = name(&format!("{name_cn} Handover CA"), org)?;
        let not_before = now - time::Duration::minutes(5);
        let ca_validity = Validity {
            not_before: x509_time(not_before)?,
            not_after: x509_time(now + time::Duration::days(CA_DAYS))?,
        };
        let ca_spki = SubjectPublicKeyInfoOwned::from_key(*ca_key.verifying_key())?;
        let ca_cert = CertificateBuilder::new(
            Profile::Root,
            serial(rng)?,
            ca_validity,
            ca_subject.clone(),
            ca_spki,
            &ca_key,
        )?
        .build::<p256::ecdsa::DerSignature>()?;

        let bundle = CaBundle {
            ca_cert_pem: ca_cert.to_pem(LineEnding::LF)?,
            ca_key: Zeroizing::new(ca_key.to_pkcs8_der()?.as_bytes().to_vec()),
        };
        let identity = issue_leaf(&ca_key, &ca_cert, name_cn, org, now, rng)?;
        Ok((bundle, identity))
    }

    /// Imports a PKCS#12 file (see [`crate::sign::pkcs12`] for the encodings read; OpenSSL 3's
    /// defaults and the legacy 3DES/RC2 ones are): the first key a certificate in the file
    /// belongs to; that certificate is the leaf, and the chain is its issuers found in the file
    /// (closest first). Other certificates are left out.
    pub fn from_pkcs12(bytes: &[u8], password: &str) -> Result<SigningIdentity> {
        let contents = super::pkcs12::read(bytes, password)?;
        let certs = contents
            .certs
            .iter()
            .map(|c| Certificate::from_der(c).map_err(Error::from))
            .collect::<Result<Vec<_>>>()?;
        let mut refused = None;
        let mut parsed_any = false;
        for der in &contents.keys {
            let key = match Key::from_pkcs8_der(der) {
                Ok(k) => k,
                Err(e) => {
                    refused.get_or_insert(e);
                    continue;
                }
            };
            parsed_any = true;
            let public = key.public_key_der()?;
            let Some(leaf) = certs.iter().find(|c| {
                c.tbs_certificate
                    .subject_public_key_info
                    .to_der()
                    .is_ok_and(|d| d == public)
            }) else {
                continue;
            };
            let mut with_chain = vec![leaf.clone()];
            with_chain.extend(issuers(leaf, &certs));
            return Self::assemble(key, with_chain);
        }
        Err(match refused {
            Some(e) if !parsed_any => e,
            _ if contents.keys.is_empty() || certs.is_empty() => Error::Pkcs12NoKey,
            _ => Error::KeyMismatch,
        })
    }

    fn assemble(key: Key, certs: Vec<Certificate>) -> Result<SigningIdentity> {
        let id = Self::assemble_unchecked(key, certs)?;
        if !may_sign_documents(&id.leaf) {
            return Err(Error::NotASigningCertificate);
        }
        Ok(id)
    }

    /// Pairs the key with its certificate without judging the certificate.
    fn assemble_unchecked(key: Key, mut certs: Vec<Certificate>) -> Result<SigningIdentity> {
        if certs.is_empty() {
            return Err(Error::Pkcs12NoKey);
        }
        let public = key.public_key_der()?;
        let pos = certs
            .iter()
            .position(|c| {
                c.tbs_certificate
                    .subject_public_key_info
                    .to_der()
                    .ok()
                    .as_deref()
                    == Some(public.as_slice())
            })
            .ok_or(Error::KeyMismatch)?;
        let leaf = certs.remove(pos);
        Ok(SigningIdentity {
            key,
            leaf,
            chain: certs,
        })
    }

    /// The identity as bytes for the vault: a PEM bundle (PKCS#8 `PRIVATE KEY`, then the
    /// leaf and chain `CERTIFICATE`s). Contains the private key: keep it secret.
    pub fn to_bytes(&self) -> Result<Zeroizing<Vec<u8>>> {
        let key = self.key.to_pkcs8_der()?;
        let key_pem = Zeroizing::new(der::pem::encode_string(
            "PRIVATE KEY",
            LineEnding::LF,
            &key,
        )?);
        let mut out = Zeroizing::new(Vec::with_capacity(4096));
        out.extend_from_slice(key_pem.as_bytes());
        for c in std::iter::once(&self.leaf).chain(&self.chain) {
            out.extend_from_slice(c.to_pem(LineEnding::LF)?.as_bytes());
        }
        Ok(out)
    }

    /// Restores an identity written by [`SigningIdentity::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<SigningIdentity> {
        let text =
            std::str::from_utf8(bytes).map_err(|_| Error::IdentityBundle("not UTF-8 PEM"))?;
        let mut key = None;
        let mut certs = Vec::new();
        for block in pem_blocks(text) {
            let (label, der) = der::pem::decode_vec(block.as_bytes())?;
            let der = Zeroizing::new(der);
            match label {
                "PRIVATE KEY" => key = Some(Key::from_pkcs8_der(&der)?),
                "CERTIFICATE" => certs.push(Certificate::from_der(&der)?),
                _ => return Err(Error::IdentityBundle("unexpected PEM block")),
            }
        }
        let key = key.ok_or(Error::IdentityBundle("no private key"))?;
        Self::assemble(key, certs)
    }

    /// The signing certificate as PEM.
    pub fn certificate_pem(&self) -> Result<String> {
        Ok(self.leaf.to_pem(LineEnding::LF)?)
    }

    /// The certificate of the topmost issuer carried (the CA to trust), as PEM, if any.
    pub fn root_pem(&self) -> Result<Option<String>> {
        self.chain
            .last()
            .map(|c| c.to_pem(LineEnding::LF).map_err(Error::from))
            .transpose()
    }

    /// The signer and the CA IT is asked to trust, as the report's cover prints them: the topmost
    /// issuer carried with the leaf (`None` when the identity carries no issuer certificate).
    pub fn signer(&self) -> Result<Option<crate::model::Signer>> {
        let Some(ca) = self.chain.last() else {
            return Ok(None);
        };
        let ca = describe_certificate(ca)?;
        Ok(Some(crate::model::Signer {
            subject: describe_certificate(&self.leaf)?.subject,
            ca_subject: ca.subject,
            ca_sha256: ca.sha256_fingerprint,
        }))
    }

    /// Subject, issuer, validity and fingerprint of the signing certificate.
    pub fn describe(&self) -> Result<IdentityDescription> {
        let key_algorithm = match &self.key {
            Key::P256(_) => "ECDSA P-256".to_owned(),
            Key::Rsa(k) => format!("RSA-{}", rsa::traits::PublicKeyParts::size(k.as_ref()) * 8),
        };
        let mut d = describe_certificate(&self.leaf)?;
        d.key_algorithm = key_algorithm;
        d.chain_len = self.chain.len();
        Ok(d)
    }
}

/// Describes any certificate (key algorithm from its SPKI).
pub(crate) fn describe_certificate(c: &Certificate) -> Result<IdentityDescription> {
    let tbs = &c.tbs_certificate;
    let fp: [u8; 32] = Sha256::digest(c.to_der()?).into();
    let validity = |t: &Time| {
        OffsetDateTime::from_unix_timestamp(t.to_unix_duration().as_secs() as i64)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_default()
    };
    let alg = tbs.subject_public_key_info.algorithm.oid;
    let key_algorithm = if alg == const_oid::db::rfc5912::ID_EC_PUBLIC_KEY {
        "ECDSA".to_owned()
    } else if alg == const_oid::db::rfc5912::RSA_ENCRYPTION {
        "RSA".to_owned()
    } else {
        alg.to_string()
    };
    Ok(IdentityDescription {
        subject: crate::verify::printable(&tbs.subject.to_string()),
        issuer: crate::verify::printable(&tbs.issuer.to_string()),
        organization: organization(&tbs.subject).map(|o| crate::verify::printable(&o)),
        not_before: validity(&tbs.validity.not_before),
        not_after: validity(&tbs.validity.not_after),
        sha256_fingerprint: fp
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":"),
        key_algorithm,
        chain_len: 0,
    })
}

/// The first organisation (O) attribute of a name, decoded from any of the usual string types.
pub(crate) fn organization(n: &Name) -> Option<String> {
    let atv =
        n.0.iter()
            .flat_map(|rdn| rdn.0.iter())
            .find(|atv| atv.oid == const_oid::db::rfc4519::O)?;
    let bytes = atv.value.value();
    Some(match atv.value.tag() {
        Tag::BmpString => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        _ => String::from_utf8_lossy(bytes).into_owned(),
    })
}

/// True when the certificate is not a CA and has no key usage extension or one that allows
/// digitalSignature or nonRepudiation (contentCommitment).
pub(crate) fn may_sign_documents(c: &Certificate) -> bool {
    use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages};
    let Some(exts) = &c.tbs_certificate.extensions else {
        return true;
    };
    let is_ca = exts
        .iter()
        .filter(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_BASIC_CONSTRAINTS)
        .any(|e| BasicConstraints::from_der(e.extn_value.as_bytes()).map_or(true, |bc| bc.ca));
    if is_ca {
        return false;
    }
    match exts
        .iter()
        .find(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_KEY_USAGE)
    {
        None => true,
        Some(e) => KeyUsage::from_der(e.extn_value.as_bytes())
            .map(|ku| {
                ku.0.contains(KeyUsages::DigitalSignature)
                    || ku.0.contains(KeyUsages::NonRepudiation)
            })
            .unwrap_or(false),
    }
}

/// Splits PEM text into its `-----BEGIN … END …-----` blocks.
pub(crate) fn pem_blocks(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = &rest[start..];
        let Some(end_tag) = after.find("-----END ") else {
            break;
        };
        let Some(close) = after[end_tag + 9..].find("-----") else {
            break;
        };
        let end = end_tag + 9 + close + 5;
        out.push(&after[..end]);
        rest = &after[end..];
    }
    out
}

/// A DER certificate a caller trusts (e.g. the integrator CA IT was given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedCert(pub(crate) Certificate);

impl TrustedCert {
    /// Parses every `CERTIFICATE` in a PEM file (other blocks are ignored).
    pub fn from_pem(pem: &[u8]) -> Result<Vec<TrustedCert>> {
        let text = std::str::from_utf8(pem).map_err(|_| Error::IdentityBundle("not UTF-8 PEM"))?;
        let mut out = Vec::new();
        for block in pem_blocks(text) {
            if block.starts_with("-----BEGIN CERTIFICATE-----") {
                out.push(TrustedCert(Certificate::from_pem(block.as_bytes())?));
            }
        }
        Ok(out)
    }

    /// One certificate from DER.
    pub fn from_der(der: &[u8]) -> Result<TrustedCert> {
        Ok(TrustedCert(Certificate::from_der(der)?))
    }

    /// Subject DN.
    pub fn subject(&self) -> String {
        self.0.tbs_certificate.subject.to_string()
    }
}

/// Parses a PKCS#8 key + certificates and checks they belong together (used by tests and
/// by callers that hold PEM files from another PKI).
pub fn identity_from_pem_parts(key_pem: &str, certs_pem: &str) -> Result<SigningIdentity> {
    let (label, der) = der::pem::decode_vec(key_pem.trim().as_bytes())?;
    let der = Zeroizing::new(der);
    if label != "PRIVATE KEY" {
        return Err(Error::IdentityBundle("expected a PKCS#8 PRIVATE KEY block"));
    }
    let key = Key::from_pkcs8_der(&der)?;
    let certs = TrustedCert::from_pem(certs_pem.as_bytes())?
        .into_iter()
        .map(|t| t.0)
        .collect();
    SigningIdentity::assemble(key, certs)
}

/// Like [`identity_from_pem_parts`] but accepts any certificate for the key, CA or not,
/// whatever its key usage: what a forger's own tool would sign with. Only tests use it, to
/// show that `verify` refuses such signatures; the product never calls it.
#[doc(hidden)]
pub fn forged_identity_from_pem_parts(key_pem: &str, certs_pem: &str) -> Result<SigningIdentity> {
    let (_, der) = der::pem::decode_vec(key_pem.trim().as_bytes())?;
    let der = Zeroizing::new(der);
    let certs = TrustedCert::from_pem(certs_pem.as_bytes())?
        .into_iter()
        .map(|t| t.0)
        .collect();
    SigningIdentity::assemble_unchecked(Key::from_pkcs8_der(&der)?, certs)
}
