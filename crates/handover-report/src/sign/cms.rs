//! CMS (RFC 5652) for PAdES: builds the detached SignedData over a precomputed SHA-256 of
//! the PDF's byte ranges, with the signer's certificate (and chain) embedded and the
//! signed attributes PAdES baseline asks for — content-type, message-digest and
//! signing-certificate-v2 (RFC 5035), and *no* signing-time (the PDF's `/M` carries the time).
//! Also the low-level checks `verify.rs` needs: signature over the signed attributes with
//! an RSA or ECDSA P-256 public key, and X.509 signature checks. No PDF knowledge here.

use ::cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use ::cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use ::cms::content_info::ContentInfo;
use ::cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
use const_oid::ObjectIdentifier;
use der::asn1::{Any, OctetString, SetOfVec};
use der::{Decode, Encode, Sequence};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;

use super::identity::{Key, SigningIdentity};
use crate::error::{Error, Result};

/// id-aa-signingCertificateV2 (RFC 5035).
pub const ID_AA_SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
/// id-signedData.
pub const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
/// id-data.
pub const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
/// id-sha256.
pub const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
/// id-messageDigest.
pub const ID_MESSAGE_DIGEST: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");

/// IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct IssuerSerial {
    /// The issuer as a directory name.
    pub issuer: Vec<GeneralName>,
    /// The certificate's serial.
    pub serial_number: SerialNumber,
}

/// ESSCertIDv2 with the hash algorithm left at its DEFAULT (SHA-256), so it is omitted.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct EssCertIdV2 {
    /// SHA-256 of the certificate DER.
    pub cert_hash: OctetString,
    /// Issuer and serial of the certificate.
    pub issuer_serial: Option<IssuerSerial>,
}

/// SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 } (no policies).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SigningCertificateV2 {
    /// The signer's certificate first.
    pub certs: Vec<EssCertIdV2>,
}

fn signing_certificate_v2(cert: &Certificate) -> Result<Attribute> {
    let hash: [u8; 32] = Sha256::digest(cert.to_der()?).into();
    let value = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            cert_hash: OctetString::new(hash.to_vec())?,
            issuer_serial: Some(IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(
                    cert.tbs_certificate.issuer.clone(),
                )],
                serial_number: cert.tbs_certificate.serial_number.clone(),
            }),
        }],
    };
    Ok(Attribute {
        oid: ID_AA_SIGNING_CERTIFICATE_V2,
        values: SetOfVec::try_from(vec![Any::encode_from(&value)?])?,
    })
}

/// The DER of a detached CMS SignedData over `digest` (SHA-256 of the signed content).
pub fn sign_digest(id: &SigningIdentity, digest: &[u8; 32]) -> Result<Vec<u8>> {
    match &id.key {
        Key::P256(k) => build::<_, p256::ecdsa::DerSignature>(id, k, digest),
        Key::Rsa(k) => {
            let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(k.as_ref().clone());
            build::<_, rsa::pkcs1v15::Signature>(id, &signer, digest)
        }
    }
}

fn build<S, Sig>(id: &SigningIdentity, signer: &S, digest: &[u8; 32]) -> Result<Vec<u8>>
where
    S: signature::Keypair + spki::DynSignatureAlgorithmIdentifier + signature::Signer<Sig>,
    S::VerifyingKey: spki::EncodePublicKey,
    Sig: spki::SignatureBitStringEncoding,
{
    let eci = EncapsulatedContentInfo {
        econtent_type: ID_DATA,
        econtent: None,
    };
    let digest_alg = AlgorithmIdentifierOwned {
        oid: ID_SHA256,
        parameters: None,
    };
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: id.leaf.tbs_certificate.issuer.clone(),
        serial_number: id.leaf.tbs_certificate.serial_number.clone(),
    });
    let mut sib = SignerInfoBuilder::new(signer, sid, digest_alg.clone(), &eci, Some(digest))?;
    sib.add_signed_attribute(signing_certificate_v2(&id.leaf)?)?;
    let mut sdb = SignedDataBuilder::new(&eci);
    sdb.add_digest_algorithm(digest_alg)?;
    for c in std::iter::once(&id.leaf).chain(&id.chain) {
        sdb.add_certificate(CertificateChoices::Certificate(c.clone()))?;
    }
    sdb.add_signer_info::<S, Sig>(sib)?;
    let ci: ContentInfo = sdb.build()?;
    Ok(ci.to_der()?)
}

/// Checks `signature` over `message` with the public key in `spki` (RSA PKCS#1 v1.5 with
/// SHA-256, or ECDSA P-256 with SHA-256, DER-encoded signature).
pub fn verify_with_spki(
    spki: &spki::SubjectPublicKeyInfoOwned,
    sig_alg: &ObjectIdentifier,
    message: &[u8],
    signature: &[u8],
) -> Result<()> {
    use signature::Verifier;
    let key_oid = spki.algorithm.oid;
    let spki_der = spki.to_der()?;
    if key_oid == const_oid::db::rfc5912::ID_EC_PUBLIC_KEY {
        let vk =
            <p256::ecdsa::VerifyingKey as spki::DecodePublicKey>::from_public_key_der(&spki_der)?;
        let sig = p256::ecdsa::DerSignature::from_bytes(signature)?;
        vk.verify(message, &sig)?;
        Ok(())
    } else if key_oid == const_oid::db::rfc5912::RSA_ENCRYPTION {
        let pk = <rsa::RsaPublicKey as spki::DecodePublicKey>::from_public_key_der(&spki_der)?;
        if *sig_alg != const_oid::db::rfc5912::SHA_256_WITH_RSA_ENCRYPTION
            && *sig_alg != const_oid::db::rfc5912::RSA_ENCRYPTION
        {
            return Err(Error::UnsupportedKey(*sig_alg));
        }
        let vk = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(pk);
        let sig = rsa::pkcs1v15::Signature::try_from(signature)?;
        vk.verify(message, &sig)?;
        Ok(())
    } else {
        Err(Error::UnsupportedKey(key_oid))
    }
}

/// Checks that `issuer` signed `cert`.
pub fn verify_cert_signature(cert: &Certificate, issuer: &Certificate) -> Result<()> {
    let tbs = cert.tbs_certificate.to_der()?;
    let sig = cert.signature.as_bytes().ok_or(Error::IdentityBundle(
        "certificate signature has unused bits",
    ))?;
    verify_with_spki(
        &issuer.tbs_certificate.subject_public_key_info,
        &cert.signature_algorithm.oid,
        &tbs,
        sig,
    )
}

/// The SignedData inside a CMS ContentInfo DER (trailing zero padding allowed).
pub fn parse_signed_data(der_bytes: &[u8]) -> Result<::cms::signed_data::SignedData> {
    // /Contents is zero-padded: read the outer TLV's own length first.
    let mut reader = der::SliceReader::new(der_bytes)?;
    let header = der::Header::decode(&mut reader)?;
    let total = (u32::from(header.length) as usize) + u32::from(header.encoded_len()?) as usize;
    let exact = der_bytes.get(..total).ok_or(Error::Der(
        der::ErrorKind::Incomplete {
            expected_len: header.length,
            actual_len: der::Length::ZERO,
        }
        .into(),
    ))?;
    let ci = ContentInfo::from_der(exact)?;
    if ci.content_type != ID_SIGNED_DATA {
        return Err(Error::UnsupportedKey(ci.content_type));
    }
    Ok(ci.content.decode_as::<::cms::signed_data::SignedData>()?)
}
