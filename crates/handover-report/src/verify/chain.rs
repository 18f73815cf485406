//! Certification path validation for the report signer, after RFC 5280 §6 (the subset a
//! document signature needs; no revocation, no policies, no name constraints — a certificate
//! marking either critical is refused as not understood). Paths are built from the signer
//! through the certificates embedded in the CMS to one of the caller's trusted CAs by name
//! chaining plus signature check, then each path is judged by one function per rule:
//! issuers are CAs ([`issuer_is_ca`]) allowed to sign certificates ([`issuer_may_sign_certs`]),
//! path lengths are honoured ([`path_len_ok`]), no certificate carries a critical extension we
//! do not understand ([`critical_extensions_understood`]), the signer is not a CA and may sign
//! documents ([`signer_is_end_entity`], [`signer_may_sign_documents`]), and every
//! certificate, the trust anchor included, is valid at the validation time ([`valid_at`]).
//!
//! The validation time is the caller's `now` (the time of verification), not the signature's
//! `/M`: `/M` is written by the signer and no timestamp token backs it, so it cannot show
//! the certificate was valid when the signature was made. pyHanko and pdfsig validate a
//! signature without a timestamp at the current time as well.
//!
//! This is written here rather than taken from a crate: `certval` (the RFC 5280 validator of
//! the RustCrypto family) is at a 0.2 release candidate for the next x509-cert generation and
//! pulls in an HTTP client by default, and `pkix-path` is a months-old single-author crate
//! that leaves path building to a second crate. The rules are short, each one a function below.

use der::Decode;
use der::asn1::ObjectIdentifier;
use time::OffsetDateTime;
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages};

use crate::sign::cms;
use crate::sign::identity::TrustedCert;

/// Longest path tried (signer to anchor, both included).
const MAX_DEPTH: usize = 8;
/// Most certificates from the (untrusted) CMS considered, and most paths judged.
const MAX_POOL: usize = 32;
const MAX_PATHS: usize = 64;

/// Result of validating the signer's certification path.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "detail")]
pub enum ChainStatus {
    /// A valid path leads from the signer to this trusted CA (subject DN).
    Trusted(String),
    /// No trusted CA was given, so the signer could not be confirmed.
    NoTrustAnchors,
    /// The signer's certificate is self-signed (subject DN): nobody vouches for it.
    SelfSigned(String),
    /// No path leads from the signer to any of the given CAs.
    Untrusted,
    /// A path to a given CA exists, but a certificate on it (subject DN) is expired or not yet
    /// valid at the validation time; the detail says which and when.
    OutsideValidity(String),
    /// A path to a given CA exists but breaks a rule; the detail names the rule and the certificate.
    Refused(String),
}

impl ChainStatus {
    /// The reason in a sentence, for anything but [`ChainStatus::Trusted`].
    pub fn reason(&self) -> Option<String> {
        Some(match self {
            ChainStatus::Trusted(_) => return None,
            ChainStatus::NoTrustAnchors => {
                "no trusted CA was given (--trust CA.pem), so who signed is not confirmed".into()
            }
            ChainStatus::SelfSigned(s) => {
                format!("the signer's certificate is self-signed ({s}): no CA vouches for it")
            }
            ChainStatus::Untrusted => {
                "the signer's certificate does not chain to any of the given CAs".into()
            }
            ChainStatus::OutsideValidity(d) => format!("certificate not valid now: {d}"),
            ChainStatus::Refused(d) => format!("certificate chain refused: {d}"),
        })
    }
}

/// Validates the path from `signer` to one of `anchors` at time `at`, using `pool` (the
/// certificates carried in the signature) as intermediates.
pub(crate) fn validate(
    signer: &Certificate,
    pool: &[Certificate],
    anchors: &[TrustedCert],
    at: OffsetDateTime,
) -> ChainStatus {
    if is_self_signed(signer) {
        return ChainStatus::SelfSigned(subject(signer));
    }
    if anchors.is_empty() {
        return ChainStatus::NoTrustAnchors;
    }
    let pool = &pool[..pool.len().min(MAX_POOL)];
    let mut paths = Vec::new();
    build(&mut vec![signer], pool, anchors, &mut paths);
    let mut first_failure = None;
    for path in &paths {
        match judge(path, at) {
            Ok(()) => return ChainStatus::Trusted(subject(path.last().expect("non-empty path"))),
            Err(status) => {
                first_failure.get_or_insert(status);
            }
        }
    }
    first_failure.unwrap_or(ChainStatus::Untrusted)
}

/// Depth-first search for paths ending at an anchor; each link is checked by name and signature.
fn build<'a>(
    path: &mut Vec<&'a Certificate>,
    pool: &'a [Certificate],
    anchors: &'a [TrustedCert],
    out: &mut Vec<Vec<&'a Certificate>>,
) {
    if out.len() >= MAX_PATHS || path.len() >= MAX_DEPTH {
        return;
    }
    let current = *path.last().expect("non-empty path");
    for a in anchors {
        if issued(current, &a.0) {
            let mut done = path.clone();
            done.push(&a.0);
            out.push(done);
        }
    }
    for c in pool {
        if !path.contains(&c) && !anchors.iter().any(|a| &a.0 == c) && issued(current, c) {
            path.push(c);
            build(path, pool, anchors, out);
            path.pop();
        }
    }
}

/// `issuer` issued `cert`: the names chain and `issuer`'s key checks `cert`'s signature.
fn issued(cert: &Certificate, issuer: &Certificate) -> bool {
    cert != issuer
        && cert.tbs_certificate.issuer == issuer.tbs_certificate.subject
        && cms::verify_cert_signature(cert, issuer).is_ok()
}

fn is_self_signed(c: &Certificate) -> bool {
    c.tbs_certificate.issuer == c.tbs_certificate.subject
        && cms::verify_cert_signature(c, c).is_ok()
}

/// Applies every rule to one path (signer first, trust anchor last).
fn judge(path: &[&Certificate], at: OffsetDateTime) -> Result<(), ChainStatus> {
    let refused = ChainStatus::Refused;
    let signer = path[0];
    for c in path {
        critical_extensions_understood(c).map_err(refused)?;
    }
    signer_is_end_entity(signer).map_err(refused)?;
    signer_may_sign_documents(signer).map_err(refused)?;
    for (i, issuer) in path.iter().enumerate().skip(1) {
        let issued = path[i - 1];
        issuer_is_ca(issuer, issued).map_err(refused)?;
        issuer_may_sign_certs(issuer, issued).map_err(refused)?;
        // Intermediates between this issuer and the signer (RFC 5280 §4.2.1.9).
        path_len_ok(issuer, i - 1).map_err(refused)?;
    }
    for c in path {
        valid_at(c, at).map_err(ChainStatus::OutsideValidity)?;
    }
    Ok(())
}

fn subject(c: &Certificate) -> String {
    crate::verify::printable(&c.tbs_certificate.subject.to_string())
}

/// The one extension with `oid`, decoded; an extension present twice is refused (RFC 5280 §4.2).
fn extension<'a, T: Decode<'a>>(
    c: &'a Certificate,
    oid: ObjectIdentifier,
) -> Result<Option<(bool, T)>, String> {
    let mut found = c
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .filter(|e| e.extn_id == oid);
    let Some(e) = found.next() else {
        return Ok(None);
    };
    if found.next().is_some() {
        return Err(format!("{} carries extension {oid} twice", subject(c)));
    }
    T::from_der(e.extn_value.as_bytes())
        .map(|v| Some((e.critical, v)))
        .map_err(|err| format!("{} has an unreadable extension {oid}: {err}", subject(c)))
}

fn basic_constraints(c: &Certificate) -> Result<Option<BasicConstraints>, String> {
    Ok(
        extension::<BasicConstraints>(c, const_oid::db::rfc5280::ID_CE_BASIC_CONSTRAINTS)?
            .map(|(_, bc)| bc),
    )
}

fn key_usage(c: &Certificate) -> Result<Option<KeyUsage>, String> {
    Ok(extension::<KeyUsage>(c, const_oid::db::rfc5280::ID_CE_KEY_USAGE)?.map(|(_, ku)| ku))
}

/// The extensions this validator acts on; any other one marked critical refuses the path.
const UNDERSTOOD: [ObjectIdentifier; 6] = [
    const_oid::db::rfc5280::ID_CE_BASIC_CONSTRAINTS,
    const_oid::db::rfc5280::ID_CE_KEY_USAGE,
    const_oid::db::rfc5280::ID_CE_EXT_KEY_USAGE,
    const_oid::db::rfc5280::ID_CE_SUBJECT_ALT_NAME,
    const_oid::db::rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER,
    const_oid::db::rfc5280::ID_CE_AUTHORITY_KEY_IDENTIFIER,
];

/// Rule: a certificate with a critical extension we do not process is refused (RFC 5280 §4.2).
pub(crate) fn critical_extensions_understood(c: &Certificate) -> Result<(), String> {
    match c
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .find(|e| e.critical && !UNDERSTOOD.contains(&e.extn_id))
    {
        Some(e) => Err(format!(
            "{} carries a critical extension this verifier does not understand ({})",
            subject(c),
            e.extn_id
        )),
        None => Ok(()),
    }
}

/// Rule: the signer is an end entity, not a CA (basicConstraints cA absent or false).
pub(crate) fn signer_is_end_entity(c: &Certificate) -> Result<(), String> {
    match basic_constraints(c)? {
        Some(bc) if bc.ca => Err(format!(
            "the signer {} is a CA certificate; documents must be signed with a leaf certificate",
            subject(c)
        )),
        _ => Ok(()),
    }
}

/// Extended key usages that allow signing documents.
const DOCUMENT_EKUS: [ObjectIdentifier; 5] = [
    ObjectIdentifier::new_unwrap("2.5.29.37.0"), // anyExtendedKeyUsage
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.36"), // id-kp-documentSigning
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.4"), // id-kp-emailProtection
    ObjectIdentifier::new_unwrap("1.2.840.113583.1.1.5"), // Adobe authentic documents trust
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.10.3.12"), // Microsoft document signing
];

/// Rule: the signer's key usage, if present, allows digitalSignature or nonRepudiation, and its
/// extended key usage, if present, allows signing documents.
pub(crate) fn signer_may_sign_documents(c: &Certificate) -> Result<(), String> {
    if let Some(ku) = key_usage(c)?
        && !(ku.0.contains(KeyUsages::DigitalSignature) || ku.0.contains(KeyUsages::NonRepudiation))
    {
        return Err(format!(
            "the signer {}'s key usage allows neither digitalSignature nor nonRepudiation",
            subject(c)
        ));
    }
    if let Some((_, eku)) =
        extension::<ExtendedKeyUsage>(c, const_oid::db::rfc5280::ID_CE_EXT_KEY_USAGE)?
        && !eku.0.iter().any(|o| DOCUMENT_EKUS.contains(o))
    {
        return Err(format!(
            "the signer {}'s extended key usage does not allow signing documents",
            subject(c)
        ));
    }
    Ok(())
}

/// Rule: every issuer is a CA: basicConstraints present with cA true (RFC 5280 §6.1.4 (k)).
pub(crate) fn issuer_is_ca(issuer: &Certificate, issued: &Certificate) -> Result<(), String> {
    match basic_constraints(issuer)? {
        Some(bc) if bc.ca => Ok(()),
        _ => Err(format!(
            "{} issued {} but is not a CA (basicConstraints cA is not set)",
            subject(issuer),
            subject(issued)
        )),
    }
}

/// Rule: every issuer may sign certificates: its key usage includes keyCertSign (RFC 5280
/// §6.1.4 (n); a CA certificate without a key usage extension is taken as allowed, as there).
pub(crate) fn issuer_may_sign_certs(
    issuer: &Certificate,
    issued: &Certificate,
) -> Result<(), String> {
    match key_usage(issuer)? {
        Some(ku) if !ku.0.contains(KeyUsages::KeyCertSign) => Err(format!(
            "{} issued {} but its key usage does not include keyCertSign",
            subject(issuer),
            subject(issued)
        )),
        _ => Ok(()),
    }
}

/// Rule: a CA with pathLenConstraint n has at most n intermediate CAs below it on the path.
pub(crate) fn path_len_ok(issuer: &Certificate, intermediates_below: usize) -> Result<(), String> {
    match basic_constraints(issuer)?.and_then(|bc| bc.path_len_constraint) {
        Some(n) if intermediates_below > usize::from(n) => Err(format!(
            "{} allows {n} intermediate CA(s) below it (pathLenConstraint) but the path has {intermediates_below}",
            subject(issuer)
        )),
        _ => Ok(()),
    }
}

/// Rule: the certificate is valid at `at` (notBefore <= at <= notAfter).
pub(crate) fn valid_at(c: &Certificate, at: OffsetDateTime) -> Result<(), String> {
    let v = &c.tbs_certificate.validity;
    let secs = |t: &x509_cert::time::Time| t.to_unix_duration().as_secs() as i64;
    let (nb, na) = (secs(&v.not_before), secs(&v.not_after));
    let t = at.unix_timestamp();
    let show = |s: i64| {
        OffsetDateTime::from_unix_timestamp(s)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_else(|| s.to_string())
    };
    if t < nb {
        Err(format!("{} is not valid before {}", subject(c), show(nb)))
    } else if t > na {
        Err(format!("{} expired on {}", subject(c), show(na)))
    } else {
        Ok(())
    }
}
