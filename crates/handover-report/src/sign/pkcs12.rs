//! Reading a PKCS#12 file (.p12/.pfx) into private keys and certificates: the password
//! integrity MAC is checked before anything else is decrypted, then every safe and bag is
//! opened. Built on the released RustCrypto generation the report signature already uses
//! (`pkcs12` 0.1 types and key derivation, `pkcs5` 0.7 PBES2, `cms` 0.2, `der` 0.7), so an
//! import brings no second generation of the stack.
//!
//! Read: what OpenSSL 3 writes by default (PBES2 with PBKDF2-HMAC-SHA-256 and AES-256-CBC, an
//! HMAC-SHA-256 MAC), other PBES2 choices (PBKDF2 with HMAC-SHA-1/-2, scrypt; AES-128/192/256
//! or 3DES-CBC), and the legacy PKCS#12 schemes older tools and OpenSSL's `-legacy` write
//! (pbeWithSHAAnd3-KeyTripleDES-CBC, 2-key 3DES, 40- and 128-bit RC2), with a MAC over SHA-1 or
//! SHA-2. Refused with [`Pkcs12Error`]: RC4, PBMAC1, the public-key integrity and privacy
//! modes, and key-derivation costs above fixed bounds (a file must not make the import run for
//! minutes or exhaust memory). This module does not choose the leaf certificate: that is
//! `identity.rs`.

use cms::content_info::ContentInfo;
use cms::encrypted_data::EncryptedData;
use const_oid::ObjectIdentifier;
use der::asn1::ContextSpecific;
use der::{Any, Decode, Encode, Tag, Tagged};
use pkcs12::cert_type::CertBag;
use pkcs12::kdf::{Pkcs12KeyType, derive_key};
use pkcs12::mac_data::MacData;
use pkcs12::pbe_params::{EncryptedPrivateKeyInfo, Pbes2Params, Pbkdf2Params, Pkcs12PbeParams};
use pkcs12::pfx::Pfx;
use pkcs12::safe_bag::SafeBag;
use sha2::digest::core_api::BlockSizeUser;
use sha2::digest::{Digest, FixedOutputReset, Mac, OutputSizeUser};
use spki::AlgorithmIdentifierOwned;
use zeroize::Zeroizing;

/// Most PBKDF2, PKCS#12-KDF or MAC iterations accepted (OpenSSL 3 writes 2,048; Windows 2,000;
/// Java 10,000).
const MAX_ITERATIONS: u32 = 1_000_000;
/// Most memory an scrypt derivation may ask for, in bytes.
const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;
/// Most scrypt parallelism accepted.
const MAX_SCRYPT_PARALLELISM: u16 = 16;

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_ENCRYPTED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");
const X509_CERTIFICATE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.22.1");
const PBES2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");
const PBKDF2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.12");
const SCRYPT: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.11591.4.11");
const SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const SHA224: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.4");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const SHA512_224: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.5");
const SHA512_256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.6");
/// PBES2 ciphers pkcs5 0.7 decrypts (with the `3des` feature).
const PBES2_CIPHERS: [ObjectIdentifier; 4] = [
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.1.2"), // aes128-CBC
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.1.22"), // aes192-CBC
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.1.42"), // aes256-CBC
    ObjectIdentifier::new_unwrap("1.2.840.113549.3.7"),     // des-ede3-cbc
];
/// PBKDF2 PRFs pkcs5 0.7 computes (with `sha1-insecure`).
const PBKDF2_PRFS: [ObjectIdentifier; 5] = [
    ObjectIdentifier::new_unwrap("1.2.840.113549.2.7"), // hmacWithSHA1
    ObjectIdentifier::new_unwrap("1.2.840.113549.2.8"), // hmacWithSHA224
    ObjectIdentifier::new_unwrap("1.2.840.113549.2.9"), // hmacWithSHA256
    ObjectIdentifier::new_unwrap("1.2.840.113549.2.10"), // hmacWithSHA384
    ObjectIdentifier::new_unwrap("1.2.840.113549.2.11"), // hmacWithSHA512
];
/// The PKCS#12 PBE schemes (RFC 7292 appendix C), by the last arc of `1.2.840.113549.1.12.1`.
const PKCS12_PBE_ARC: &str = "1.2.840.113549.1.12.1.";

/// How to turn an unreadable file into one Handover reads, said by every "unsupported" error.
/// Two steps: `pkcs12 -export` reads the key and the certificates from its input one after the
/// other, so a pipe would hand it only one of them. The intermediate PEM keeps the key
/// encrypted (OpenSSL asks for a pass phrase).
const REEXPORT: &str = "export it again with OpenSSL 3: \
    `openssl pkcs12 -legacy -in OLD.p12 -out tmp.pem`, then \
    `openssl pkcs12 -export -in tmp.pem -out NEW.p12`, then delete tmp.pem";

/// Why a PKCS#12 file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Pkcs12Error {
    /// Not DER-encoded PKCS#12 (or truncated, or in BER form, which is not read).
    #[error("not a PKCS#12 file, or a damaged one: {0}")]
    Malformed(#[source] der::Error),
    /// The password does not open the file.
    #[error("wrong password: it does not open this file")]
    WrongPassword,
    /// The password opens the file's encrypted parts but its integrity MAC does not match: the
    /// file was changed after it was exported.
    #[error(
        "the file was changed after it was exported: the password opens it but its integrity check (MAC) does not match"
    )]
    Tampered,
    /// An encrypted part does not decrypt although the integrity check passed (a damaged part,
    /// or one protected by a second password).
    #[error(
        "part of the file does not decrypt with this password (damaged, or protected by a second password)"
    )]
    Undecryptable,
    /// The integrity check uses an algorithm not read here (e.g. PBMAC1).
    #[error("the file's integrity check uses {}, which is not supported: {REEXPORT}", name(.0))]
    UnsupportedMac(ObjectIdentifier),
    /// A part is encrypted with an algorithm not read here (e.g. RC4).
    #[error("the file is encrypted with {}, which is not supported: {REEXPORT}", name(.0))]
    UnsupportedEncryption(ObjectIdentifier),
    /// The file is in the public-key integrity or privacy mode (signed or enveloped content).
    #[error(
        "the file uses PKCS#12's public-key mode ({}), which is not supported: {REEXPORT}",
        name(.0)
    )]
    UnsupportedMode(ObjectIdentifier),
    /// PBES2 parameters that pkcs5 refuses (carried, not chained: pkcs5 0.7's error is no
    /// `std::error::Error`).
    #[error("the file's encryption parameters are invalid: {0}")]
    Pbes2(pkcs5::Error),
    /// The key derivation asks for more work or memory than allowed.
    #[error("the file asks for an unreasonable key derivation ({0}); export it again")]
    TooCostly(&'static str),
}

/// A readable name for the OIDs the errors mention.
fn name(oid: &ObjectIdentifier) -> String {
    let known = match oid.to_string().as_str() {
        "1.2.840.113549.1.12.1.1" => "pbeWithSHAAnd128BitRC4",
        "1.2.840.113549.1.12.1.2" => "pbeWithSHAAnd40BitRC4",
        "1.2.840.113549.1.5.14" => "PBMAC1",
        "1.2.840.113549.1.7.2" => "signedData",
        "1.2.840.113549.1.7.3" => "envelopedData",
        "1.2.840.113549.2.5" => "MD5",
        _ => return format!("algorithm {oid}"),
    };
    format!("{known} ({oid})")
}

/// What a PKCS#12 file held, in file order.
pub(crate) struct Contents {
    /// Private keys, PKCS#8 DER.
    pub keys: Vec<Zeroizing<Vec<u8>>>,
    /// X.509 certificates, DER.
    pub certs: Vec<Vec<u8>>,
}

/// The password in the two forms PKCS#12 uses: UTF-8 bytes for PBES2, and big-endian UTF-16
/// with a terminating NUL for the PKCS#12 key derivation (MAC and legacy schemes).
struct Password<'a> {
    utf8: &'a [u8],
    bmp: Zeroizing<Vec<u8>>,
}

/// Reads the keys and certificates of a PKCS#12 file. The MAC, when the file has one, is
/// verified over the authenticated safe before any part is decrypted; a file without a MAC
/// (OpenSSL's `-nomac`) is read as OpenSSL reads it.
pub(crate) fn read(bytes: &[u8], password: &str) -> Result<Contents, Pkcs12Error> {
    let pfx = Pfx::from_der(bytes).map_err(Pkcs12Error::Malformed)?;
    if pfx.auth_safe.content_type != ID_DATA {
        return Err(Pkcs12Error::UnsupportedMode(pfx.auth_safe.content_type));
    }
    let safe = octets(&pfx.auth_safe.content)?;
    // UTF-16 as OpenSSL makes it (characters beyond the BMP as surrogate pairs).
    let mut bmp = Zeroizing::new(Vec::with_capacity(password.len() * 2 + 2));
    bmp.extend(password.encode_utf16().flat_map(u16::to_be_bytes));
    bmp.extend_from_slice(&[0, 0]);
    let mut pw = Password {
        utf8: password.as_bytes(),
        bmp,
    };
    let Some(mac) = &pfx.mac_data else {
        // No integrity check: a part that does not decrypt means a wrong password.
        return open_safes(safe, &pw, Mode::Strict)
            .map(|c| c.contents)
            .map_err(|e| match e {
                Pkcs12Error::Undecryptable => Pkcs12Error::WrongPassword,
                e => e,
            });
    };
    if !mac_matches(mac, safe, &pw.bmp)? {
        // OpenSSL also accepts an empty password derived without the terminating NUL.
        if password.is_empty() && mac_matches(mac, safe, &[])? {
            pw.bmp = Zeroizing::new(Vec::new());
        } else {
            // Tell a wrong password from a changed file: only the right password decrypts an
            // encrypted part (each is tried on its own, as the change may have hit any of them).
            // What was decrypted is thrown away, never returned.
            return Err(match open_safes(safe, &pw, Mode::Probe) {
                Ok(c) if c.decrypted_any => Pkcs12Error::Tampered,
                Ok(_) | Err(_) => Pkcs12Error::WrongPassword,
            });
        }
    }
    open_safes(safe, &pw, Mode::Strict).map(|c| c.contents)
}

/// The value of an OCTET STRING carried in an `Any`.
fn octets(any: &Any) -> Result<&[u8], Pkcs12Error> {
    if any.tag() != Tag::OctetString {
        return Err(Pkcs12Error::Malformed(
            any.tag().unexpected_error(Some(Tag::OctetString)),
        ));
    }
    Ok(any.value())
}

fn mac_matches(mac: &MacData, data: &[u8], bmp: &[u8]) -> Result<bool, Pkcs12Error> {
    let iterations = mac.iterations;
    if iterations < 1 {
        return Err(Pkcs12Error::Malformed(der::Tag::Integer.value_error()));
    }
    if iterations.unsigned_abs() > MAX_ITERATIONS {
        return Err(Pkcs12Error::TooCostly("MAC iterations"));
    }
    let oid = mac.mac.algorithm.oid;
    let f = match oid {
        SHA1 => hmac_matches::<sha1::Sha1>,
        SHA224 => hmac_matches::<sha2::Sha224>,
        SHA256 => hmac_matches::<sha2::Sha256>,
        SHA384 => hmac_matches::<sha2::Sha384>,
        SHA512 => hmac_matches::<sha2::Sha512>,
        SHA512_224 => hmac_matches::<sha2::Sha512_224>,
        SHA512_256 => hmac_matches::<sha2::Sha512_256>,
        _ => return Err(Pkcs12Error::UnsupportedMac(oid)),
    };
    Ok(f(mac, data, bmp))
}

/// The MAC of RFC 7292 appendix B: HMAC keyed by the PKCS#12 KDF (ID 3) with the same hash.
fn hmac_matches<D>(mac: &MacData, data: &[u8], bmp: &[u8]) -> bool
where
    D: Digest + FixedOutputReset + BlockSizeUser,
{
    let key = Zeroizing::new(derive_key::<D>(
        bmp,
        mac.mac_salt.as_bytes(),
        Pkcs12KeyType::Mac,
        mac.iterations,
        <D as OutputSizeUser>::output_size(),
    ));
    let Ok(mut hmac) = <hmac::SimpleHmac<D> as Mac>::new_from_slice(&key) else {
        return false;
    };
    Mac::update(&mut hmac, data);
    hmac.verify_slice(mac.mac.digest.as_bytes()).is_ok()
}

/// Whether a part that cannot be read fails the whole file (an import) or is passed over (the
/// probe after a MAC mismatch, which only asks whether any encrypted part decrypts).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Strict,
    Probe,
}

impl Mode {
    /// `Ok(None)` for a failed part when probing.
    fn part<T>(self, r: Result<T, Pkcs12Error>) -> Result<Option<T>, Pkcs12Error> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(_) if self == Mode::Probe => Ok(None),
            Err(e) => Err(e),
        }
    }
}

struct Opened {
    contents: Contents,
    /// At least one encrypted part decrypted (so the password opens the file).
    decrypted_any: bool,
}

/// Opens the AuthenticatedSafe: a sequence of ContentInfo, each plain data or encrypted data.
fn open_safes(safe: &[u8], pw: &Password<'_>, mode: Mode) -> Result<Opened, Pkcs12Error> {
    let infos = Vec::<ContentInfo>::from_der(safe).map_err(Pkcs12Error::Malformed)?;
    let mut out = Opened {
        contents: Contents {
            keys: Vec::new(),
            certs: Vec::new(),
        },
        decrypted_any: false,
    };
    for info in infos {
        if info.content_type == ID_DATA {
            let bags = octets(&info.content)
                .and_then(|o| Vec::<SafeBag>::from_der(o).map_err(Pkcs12Error::Malformed));
            if let Some(bags) = mode.part(bags)? {
                open_bags(&bags, pw, mode, &mut out)?;
            }
        } else if info.content_type == ID_ENCRYPTED_DATA {
            if let Some(bags) = mode.part(decrypt_safe(&info.content, pw))? {
                out.decrypted_any = true;
                open_bags(&bags, pw, mode, &mut out)?;
            }
        } else {
            return Err(Pkcs12Error::UnsupportedMode(info.content_type));
        }
    }
    Ok(out)
}

/// The bags of an encrypted safe (`EncryptedData`).
fn decrypt_safe(content: &Any, pw: &Password<'_>) -> Result<Vec<SafeBag>, Pkcs12Error> {
    let der = content.to_der().map_err(Pkcs12Error::Malformed)?;
    let data = EncryptedData::from_der(&der).map_err(Pkcs12Error::Malformed)?;
    let eci = &data.enc_content_info;
    let Some(ciphertext) = &eci.encrypted_content else {
        return Ok(Vec::new());
    };
    let plain = decrypt(&eci.content_enc_alg, ciphertext.as_bytes(), pw)?;
    // Garbage that happened to unpad is what a wrong key gives: not "malformed".
    Vec::<SafeBag>::from_der(&plain).map_err(|_| Pkcs12Error::Undecryptable)
}

const KEY_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.1");
const SHROUDED_KEY_BAG: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.2");
const CERT_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.3");

/// Keys and X.509 certificates from the bags; CRL, secret and nested bags are skipped. A bag's
/// value is its `[0] EXPLICIT` element as it appears in the file.
fn open_bags(
    bags: &[SafeBag],
    pw: &Password<'_>,
    mode: Mode,
    out: &mut Opened,
) -> Result<(), Pkcs12Error> {
    for bag in bags {
        match bag.bag_id {
            KEY_BAG => {
                let key = ContextSpecific::<Any>::from_der(&bag.bag_value)
                    .and_then(|any| any.value.to_der())
                    .map_err(Pkcs12Error::Malformed);
                if let Some(key) = mode.part(key)? {
                    out.contents.keys.push(Zeroizing::new(key));
                }
            }
            SHROUDED_KEY_BAG => {
                if let Some(key) = mode.part(decrypt_key(&bag.bag_value, pw))? {
                    out.decrypted_any = true;
                    out.contents.keys.push(key);
                }
            }
            CERT_BAG => {
                let cert = ContextSpecific::<CertBag>::from_der(&bag.bag_value)
                    .map_err(Pkcs12Error::Malformed);
                if let Some(cert) = mode.part(cert)?
                    && cert.value.cert_id == X509_CERTIFICATE
                {
                    out.contents
                        .certs
                        .push(cert.value.cert_value.as_bytes().to_vec());
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The PKCS#8 DER of a shrouded key bag's value.
fn decrypt_key(bag_value: &[u8], pw: &Password<'_>) -> Result<Zeroizing<Vec<u8>>, Pkcs12Error> {
    let epki = ContextSpecific::<EncryptedPrivateKeyInfo>::from_der(bag_value)
        .map_err(Pkcs12Error::Malformed)?
        .value;
    let key = decrypt(
        &epki.encryption_algorithm,
        epki.encrypted_data.as_bytes(),
        pw,
    )?;
    // A PKCS#8 key is a SEQUENCE; anything else came from a wrong key.
    if !matches!(Any::from_der(&key), Ok(a) if a.tag() == Tag::Sequence) {
        return Err(Pkcs12Error::Undecryptable);
    }
    Ok(key)
}

/// Decrypts with PBES2 (pkcs5) or a PKCS#12 PBE scheme.
fn decrypt(
    alg: &AlgorithmIdentifierOwned,
    ciphertext: &[u8],
    pw: &Password<'_>,
) -> Result<Zeroizing<Vec<u8>>, Pkcs12Error> {
    let params = alg
        .parameters
        .as_ref()
        .ok_or(Pkcs12Error::Malformed(Tag::Sequence.value_error()))?;
    if alg.oid == PBES2 {
        let params = params.to_der().map_err(Pkcs12Error::Malformed)?;
        pbes2(&params, ciphertext, pw.utf8)
    } else if let Some(arc) = alg.oid.to_string().strip_prefix(PKCS12_PBE_ARC) {
        pkcs12_pbe(alg.oid, arc, params, ciphertext, &pw.bmp)
    } else {
        Err(Pkcs12Error::UnsupportedEncryption(alg.oid))
    }
}

fn pbes2(
    params: &[u8],
    ciphertext: &[u8],
    password: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Pkcs12Error> {
    let parsed =
        pkcs5::pbes2::Parameters::from_der(params).map_err(|e| explain_pbes2(params, e))?;
    match &parsed.kdf {
        pkcs5::pbes2::Kdf::Pbkdf2(p) if p.iteration_count > MAX_ITERATIONS => {
            return Err(Pkcs12Error::TooCostly("PBKDF2 iterations"));
        }
        pkcs5::pbes2::Kdf::Scrypt(s) => {
            let memory = 128u64
                .saturating_mul(u64::from(s.block_size))
                .saturating_mul(s.cost_parameter);
            if memory > MAX_SCRYPT_MEMORY || s.parallelization > MAX_SCRYPT_PARALLELISM {
                return Err(Pkcs12Error::TooCostly("scrypt memory or parallelism"));
            }
        }
        _ => {}
    }
    let mut buf = Zeroizing::new(ciphertext.to_vec());
    let len = parsed
        .decrypt_in_place(password, &mut buf)
        .map_err(|e| match e {
            // pkcs5 0.7 reports a bad padding as `EncryptFailed`.
            pkcs5::Error::DecryptFailed | pkcs5::Error::EncryptFailed => Pkcs12Error::Undecryptable,
            pkcs5::Error::UnsupportedAlgorithm { oid } => Pkcs12Error::UnsupportedEncryption(oid),
            e => Pkcs12Error::Pbes2(e),
        })?
        .len();
    buf.truncate(len);
    Ok(buf)
}

/// pkcs5 refuses PBES2 parameters naming an algorithm it lacks with a bare DER error: find the
/// algorithm, so the message names it.
fn explain_pbes2(params: &[u8], err: der::Error) -> Pkcs12Error {
    let Ok(p) = Pbes2Params::from_der(params) else {
        return Pkcs12Error::Malformed(err);
    };
    if !PBES2_CIPHERS.contains(&p.encryption.oid) {
        return Pkcs12Error::UnsupportedEncryption(p.encryption.oid);
    }
    if p.kdf.oid != PBKDF2 && p.kdf.oid != SCRYPT {
        return Pkcs12Error::UnsupportedEncryption(p.kdf.oid);
    }
    let prf = p
        .kdf
        .parameters
        .as_ref()
        .and_then(|a| a.to_der().ok())
        .and_then(|d| Pbkdf2Params::from_der(&d).ok())
        .map(|k| k.prf.oid);
    match prf {
        Some(oid) if p.kdf.oid == PBKDF2 && !PBKDF2_PRFS.contains(&oid) => {
            Pkcs12Error::UnsupportedEncryption(oid)
        }
        _ => Pkcs12Error::Malformed(err),
    }
}

/// The PKCS#12 PBE schemes: key and IV from the PKCS#12 KDF over SHA-1, then CBC.
fn pkcs12_pbe(
    oid: ObjectIdentifier,
    arc: &str,
    params: &Any,
    ciphertext: &[u8],
    bmp: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Pkcs12Error> {
    use cbc::cipher::KeyInit;
    let key_len = match arc {
        "3" => 24,       // pbeWithSHAAnd3-KeyTripleDES-CBC
        "4" | "5" => 16, // 2-KeyTripleDES-CBC, 128BitRC2-CBC
        "6" => 5,        // 40BitRC2-CBC
        _ => return Err(Pkcs12Error::UnsupportedEncryption(oid)),
    };
    let der = params.to_der().map_err(Pkcs12Error::Malformed)?;
    let p = Pkcs12PbeParams::from_der(&der).map_err(Pkcs12Error::Malformed)?;
    if p.iterations < 1 {
        return Err(Pkcs12Error::Malformed(Tag::Integer.value_error()));
    }
    if p.iterations.unsigned_abs() > MAX_ITERATIONS {
        return Err(Pkcs12Error::TooCostly("PKCS#12 KDF iterations"));
    }
    let derive = |id, len| {
        Zeroizing::new(derive_key::<sha1::Sha1>(
            bmp,
            p.salt.as_bytes(),
            id,
            p.iterations,
            len,
        ))
    };
    let key = derive(Pkcs12KeyType::EncryptionKey, key_len);
    let iv = derive(Pkcs12KeyType::Iv, 8);
    let mut buf = Zeroizing::new(ciphertext.to_vec());
    let bad_len = |_| Pkcs12Error::Malformed(Tag::OctetString.length_error());
    let len = match arc {
        "3" => cbc_decrypt(
            des::TdesEde3::new_from_slice(&key).map_err(bad_len)?,
            &iv,
            &mut buf,
        ),
        "4" => cbc_decrypt(
            des::TdesEde2::new_from_slice(&key).map_err(bad_len)?,
            &iv,
            &mut buf,
        ),
        _ => cbc_decrypt(
            rc2::Rc2::new_with_eff_key_len(&key, key_len * 8),
            &iv,
            &mut buf,
        ),
    }?;
    buf.truncate(len);
    Ok(buf)
}

fn cbc_decrypt<C>(cipher: C, iv: &[u8], buf: &mut [u8]) -> Result<usize, Pkcs12Error>
where
    C: cbc::cipher::BlockDecryptMut + cbc::cipher::BlockCipher,
{
    use cbc::cipher::{BlockDecryptMut, InnerIvInit, block_padding::Pkcs7};
    let mode = cbc::Decryptor::<C>::inner_iv_slice_init(cipher, iv)
        .map_err(|_| Pkcs12Error::Malformed(Tag::OctetString.length_error()))?;
    mode.decrypt_padded_mut::<Pkcs7>(buf)
        .map(<[u8]>::len)
        .map_err(|_| Pkcs12Error::Undecryptable)
}
