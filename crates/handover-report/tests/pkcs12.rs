//! PKCS#12 import against files the `openssl` command makes: OpenSSL 3's default encoding, its
//! `-legacy` one (3DES and RC2-40, SHA-1 MAC), other PBES2 and MAC choices, no MAC, an
//! unencrypted key, an empty password; and the refusals with their messages: a wrong password,
//! a changed MAC, changed content, RC4 (and the re-export the message suggests), not PKCS#12.

use handover_test_support::report as common;

use std::path::Path;

use common::*;
use der::{Decode, Encode};
use handover_report::{Error, Pkcs12Error, SigningIdentity};

/// The PKI of [`openssl_pki`] with P-256 keys, and an unrelated self-signed certificate that
/// goes into every file beside the CA (`extra.pem`).
fn pki(d: &Path) {
    openssl_pki(d, &["ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]);
    let other = "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
                 -keyout other.key -out other.pem -subj /CN=Unrelated";
    openssl(&other.split_whitespace().collect::<Vec<_>>(), d);
    let mut extra = std::fs::read(d.join("other.pem")).unwrap();
    extra.extend(std::fs::read(d.join("ca.pem")).unwrap());
    std::fs::write(d.join("extra.pem"), extra).unwrap();
}

/// `openssl pkcs12 -export` of the leaf with the CA and the unrelated certificate, plus `args`.
fn export(d: &Path, password: &str, args: &[&str]) -> Vec<u8> {
    let pass = format!("pass:{password}");
    let base = "pkcs12 -export -inkey leaf.key -in leaf.pem -certfile extra.pem -out id.p12";
    let mut all: Vec<&str> = base.split_whitespace().collect();
    all.extend(["-passout", &pass]);
    all.extend(args);
    openssl(&all, d);
    std::fs::read(d.join("id.p12")).unwrap()
}

#[derive(Debug)]
enum Want {
    /// Imports the leaf with the CA as its only chain certificate.
    Imports,
    /// A PKCS#12 error whose message contains this.
    Refused(&'static str),
}

fn check(d: &Path, case: &str, p12: &[u8], password: &str, want: Want) {
    let got = SigningIdentity::from_pkcs12(p12, password);
    match (want, got) {
        (Want::Imports, Ok(id)) => {
            let desc = id.describe().unwrap();
            assert_eq!(desc.key_algorithm, "ECDSA P-256", "{case}");
            assert!(desc.subject.contains("CN=Acme Signing"), "{case}: {desc:?}");
            // The chain is the leaf's issuer; the unrelated certificate is left out.
            assert_eq!(desc.chain_len, 1, "{case}");
            let ca = std::fs::read_to_string(d.join("ca.pem")).unwrap();
            assert_eq!(
                id.root_pem().unwrap().as_deref(),
                Some(ca.as_str()),
                "{case}"
            );
        }
        (Want::Refused(text), Err(e)) => {
            assert!(e.is_pkcs12(), "{case}: {e}");
            assert!(e.to_string().contains(text), "{case}: {e}");
        }
        (want, got) => panic!("{case}: wanted {want:?}, got {got:?}"),
    }
}

#[test]
fn openssl_encodings_import() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    pki(d);
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "OpenSSL 3 default: PBES2 AES-256-CBC, HMAC-SHA-256",
            "s3cret",
            &[],
        ),
        (
            "-legacy: 3DES key, RC2-40 certificates, SHA-1 MAC",
            "s3cret",
            &["-legacy"],
        ),
        (
            "2-key 3DES key, RC2-128 certificates",
            "s3cret",
            &[
                "-legacy",
                "-keypbe",
                "PBE-SHA1-2DES",
                "-certpbe",
                "PBE-SHA1-RC2-128",
            ],
        ),
        (
            "PBES2 AES-128 and 3DES-CBC, SHA-512 MAC",
            "s3cret",
            &[
                "-keypbe",
                "AES-128-CBC",
                "-certpbe",
                "DES-EDE3-CBC",
                "-macalg",
                "sha512",
            ],
        ),
        ("no MAC", "s3cret", &["-nomac"]),
        (
            "unencrypted key and certificates",
            "s3cret",
            &["-keypbe", "NONE", "-certpbe", "NONE"],
        ),
        ("empty password", "", &[]),
        ("empty password, legacy", "", &["-legacy"]),
        ("non-ASCII password", "Pässwört-Ω-🔑", &[]),
        ("non-ASCII password, legacy", "Pässwört-Ω-🔑", &["-legacy"]),
    ];
    for (case, password, args) in cases {
        let p12 = export(d, password, args);
        check(d, case, &p12, password, Want::Imports);
    }
}

#[test]
fn wrong_passwords_are_told_apart_from_changed_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    pki(d);
    for args in [&[][..], &["-legacy"], &["-nomac"]] {
        let p12 = export(d, "s3cret", args);
        check(
            d,
            &format!("wrong password {args:?}"),
            &p12,
            "S3cret",
            Want::Refused("wrong password"),
        );
        let err = SigningIdentity::from_pkcs12(&p12, "").unwrap_err();
        assert!(err.is_wrong_password(), "{err}");
        assert_eq!(
            err.to_string(),
            "PKCS#12: wrong password: it does not open this file"
        );
    }

    let p12 = export(d, "s3cret", &[]);
    let pfx = pkcs12::pfx::Pfx::from_der(&p12).unwrap();
    // One bit of the MAC value changed.
    let mac = pfx
        .mac_data
        .as_ref()
        .unwrap()
        .mac
        .digest
        .as_bytes()
        .to_vec();
    let mut changed_mac = p12.clone();
    let at = find(&p12, &mac) + 5;
    changed_mac[at] ^= 0x01;
    let changed = "changed after it was exported";
    check(
        d,
        "MAC changed",
        &changed_mac,
        "s3cret",
        Want::Refused(changed),
    );
    // ... but a wrong password is still called that.
    check(
        d,
        "MAC changed, wrong password",
        &changed_mac,
        "x",
        Want::Refused("wrong password"),
    );
    // One byte inside the encrypted certificates changed (the MAC no longer matches the content).
    let safes: Vec<cms::content_info::ContentInfo> =
        Vec::from_der(pfx.auth_safe.content.value()).unwrap();
    let encrypted = safes
        .iter()
        .find(|c| c.content_type.to_string() == "1.2.840.113549.1.7.6")
        .expect("OpenSSL encrypts the certificates");
    let data =
        cms::encrypted_data::EncryptedData::from_der(&encrypted.content.to_der().unwrap()).unwrap();
    let ciphertext = data.enc_content_info.encrypted_content.unwrap();
    let mut changed_content = p12.clone();
    let at = find(&p12, ciphertext.as_bytes()) + ciphertext.as_bytes().len() / 2;
    changed_content[at] ^= 0x80;
    check(
        d,
        "content changed",
        &changed_content,
        "s3cret",
        Want::Refused(changed),
    );
}

#[test]
fn unsupported_and_foreign_files_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    pki(d);
    let rc4 = export(
        d,
        "s3cret",
        &[
            "-legacy",
            "-keypbe",
            "PBE-SHA1-RC4-128",
            "-certpbe",
            "PBE-SHA1-RC4-128",
        ],
    );
    let err = SigningIdentity::from_pkcs12(&rc4, "s3cret").unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Pkcs12(Pkcs12Error::UnsupportedEncryption(oid)) if oid.to_string() == "1.2.840.113549.1.12.1.1"
        ),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.contains("pbeWithSHAAnd128BitRC4"), "{msg}");
    let step1 = "openssl pkcs12 -legacy -in OLD.p12 -out tmp.pem";
    let step2 = "openssl pkcs12 -export -in tmp.pem -out NEW.p12";
    assert!(msg.contains(step1) && msg.contains(step2), "{msg}");
    // The re-export the message suggests imports (passwords given on the command line here,
    // where OpenSSL would ask for them).
    std::fs::write(d.join("OLD.p12"), &rc4).unwrap();
    let args = |step: &str, pass: &[&'static str]| -> Vec<String> {
        let words = step.split(' ').skip(1).map(str::to_owned);
        words.chain(pass.iter().map(|p| p.to_string())).collect()
    };
    let run = |a: Vec<String>| openssl(&a.iter().map(String::as_str).collect::<Vec<_>>(), d);
    run(args(
        step1,
        &["-passin", "pass:s3cret", "-passout", "pass:tmp"],
    ));
    run(args(
        step2,
        &["-passin", "pass:tmp", "-passout", "pass:n3w"],
    ));
    let new = std::fs::read(d.join("NEW.p12")).unwrap();
    check(d, "re-exported", &new, "n3w", Want::Imports);

    // A PEM file, or anything else, is not PKCS#12.
    let pem = std::fs::read(d.join("leaf.pem")).unwrap();
    check(
        d,
        "PEM",
        &pem,
        "s3cret",
        Want::Refused("not a PKCS#12 file"),
    );
    // A file holding only certificates has no key to sign with.
    let certs_only = export(d, "s3cret", &["-nokeys"]);
    let err = SigningIdentity::from_pkcs12(&certs_only, "s3cret").unwrap_err();
    assert!(matches!(err, Error::Pkcs12NoKey), "{err}");
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("needle in the file")
}
