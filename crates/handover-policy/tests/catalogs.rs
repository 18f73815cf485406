//! Catalogs: the built-in ones load; malformed ones name the line; imports need a valid signature.

use handover_model::{DeviceFacts, MacAddr};
use handover_policy::catalog::defaults::{DefaultCredentials, FirstSetup, LockoutScope};
use handover_policy::catalog::firmware::{Assessment, FirmwareBaseline};
use handover_policy::catalog::signature::{TrustedKey, sign, verify};
use handover_policy::{CatalogError, Catalogs};

const FIRMWARE: &str = include_str!("../../../assets/catalogs/firmware-baseline.toml");
const DEFAULTS: &str = include_str!("../../../assets/catalogs/default-credentials.toml");

fn facts(manufacturer: &str, model: &str, firmware: &str) -> DeviceFacts {
    DeviceFacts {
        manufacturer: Some(manufacturer.into()),
        model: Some(model.into()),
        firmware: Some(firmware.into()),
        ..DeviceFacts::default()
    }
}

#[test]
fn built_in_catalogs_load_and_name_their_versions_and_hashes() {
    let c = Catalogs::built_in();
    let infos = c.infos();
    assert_eq!(infos.len(), 2);
    for i in &infos {
        assert_eq!(i.sha256.len(), 64);
        assert_eq!(i.header.version, "2026.11.1");
    }
    assert_ne!(infos[0].sha256, infos[1].sha256);
}

#[test]
fn firmware_assessment_per_vendor() {
    let b = FirmwareBaseline::built_in();
    let a = b.assess(
        &facts("HIKVISION", "DS-2CD2143G2-I", "V5.5.0 build 170725"),
        None,
    );
    match a {
        Assessment::Outdated { vulnerable, .. } => {
            assert_eq!(
                vulnerable
                    .iter()
                    .map(|v| v.cve.as_str())
                    .collect::<Vec<_>>(),
                ["CVE-2021-36260"]
            );
            assert!(vulnerable[0].kev);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        b.assess(
            &facts("HIKVISION", "DS-2CD2143G2-I", "V5.7.23 build 240618"),
            None
        ),
        Assessment::Compliant { .. }
    ));
    let dahua = b.assess(
        &facts("Dahua", "IPC-HFW2431S-S-S2", "V2.800.0000000.16.R.200805"),
        None,
    );
    assert!(
        matches!(&dahua, Assessment::Outdated { vulnerable, .. } if vulnerable.len() == 2),
        "{dahua:?}"
    );
    assert!(matches!(
        b.assess(&facts("AXIS", "P3265-LVE", "11.11.73"), None),
        Assessment::Outdated { .. }
    ));
    assert!(matches!(
        b.assess(&facts("AXIS", "P3265-LVE", "12.5.56"), None),
        Assessment::Compliant { .. }
    ));
    // Never a pass when the baseline cannot speak.
    for f in [
        facts("AXIS", "P3265-LVE", "twelve"),
        facts("AXIS", "M1065-L", "12.5.56"),
        facts("Acme Cameras", "X1", "1.0"),
        DeviceFacts {
            manufacturer: Some("AXIS".into()),
            model: Some("P3265-LVE".into()),
            ..DeviceFacts::default()
        },
    ] {
        assert!(
            matches!(b.assess(&f, None), Assessment::NotInBaseline { .. }),
            "{f:?}"
        );
    }
    // The OUI identifies a vendor whose manufacturer string is unhelpful.
    let mac: MacAddr = "44:19:b6:00:00:01".parse().unwrap();
    let f = facts("IPCamera", "DS-2CD2143G2-I", "V5.7.23 build 240618");
    assert!(matches!(
        b.assess(&f, Some(mac)),
        Assessment::Compliant { .. }
    ));
}

#[test]
fn attempt_plans_stay_below_lockout_thresholds() {
    let d = DefaultCredentials::built_in();
    let hik = d.attempt_plan(&facts("HIKVISION", "DS-2CD2143G2-I", "x"), None);
    let l = hik.lockout.unwrap();
    assert_eq!((l.failures, l.scope), (5, LockoutScope::ClientAddress));
    assert_eq!(hik.budget, 4);
    assert!(hik.candidates.len() <= 4);
    assert_eq!(
        (
            hik.candidates[0].user.as_str(),
            hik.candidates[0].password.as_str()
        ),
        ("admin", "12345")
    );
    assert_eq!(hik.first_setup, Some(FirstSetup::Activation));
    let axis = d.attempt_plan(&facts("AXIS", "P3265-LVE", "x"), None);
    assert_eq!(axis.candidates[0].user, "root");
    assert!(axis.candidates.iter().all(|c| c.label.contains(&format!("user {}", c.user)) && c.label.contains("2026.11.1")));
    let unknown = d.attempt_plan(&facts("Acme", "X", "1"), None);
    assert_eq!(unknown.vendor, None);
    assert_eq!(unknown.budget, 3);
    assert_eq!(unknown.candidates.len(), 3);
    // Web-only defaults are not tried over ONVIF.
    let bosch = d.attempt_plan(&facts("Bosch", "DINION IP 3000i", "x"), None);
    assert!(bosch.candidates.iter().all(|c| c.user != "live"));
}

fn check_refused(catalog: &str, text: &str, line: Option<usize>, needle: &str) {
    let e = match catalog {
        "firmware" => FirmwareBaseline::parse(text.as_bytes(), "test").unwrap_err(),
        _ => DefaultCredentials::parse(text.as_bytes(), "test").unwrap_err(),
    };
    assert_eq!(e.line(), line, "{e}");
    assert!(e.to_string().contains(needle), "{e} lacks {needle:?}");
}

#[test]
fn malformed_and_invalid_catalogs_name_the_line() {
    let broken = FIRMWARE.replacen("min_version = \"12.5.56\"", "min_version = 12.5.56", 1);
    let line = FIRMWARE
        .lines()
        .position(|l| l.contains("min_version = \"12.5.56\""))
        .unwrap()
        + 1;
    check_refused("firmware", &broken, Some(line), "firmware-baseline");
    let bad_version = FIRMWARE.replacen("V5.7.23 build 240618", "V5.7.x build 240618", 1);
    let line = FIRMWARE
        .lines()
        .position(|l| l.contains("V5.7.23 build 240618"))
        .unwrap()
        + 1;
    check_refused("firmware", &bad_version, Some(line), "Hikvision");
    let unknown_vendor = FIRMWARE.replacen("vendor = \"bosch\"", "vendor = \"boschh\"", 1);
    check_refused(
        "firmware",
        &unknown_vendor,
        unknown_vendor
            .lines()
            .position(|l| l.contains("Bosch CPP13"))
            .map(|l| l + 1),
        "unknown vendor",
    );
    let wrong_kind = FIRMWARE.replacen(
        "kind = \"firmware-baseline\"",
        "kind = \"default-credentials\"",
        1,
    );
    check_refused(
        "firmware",
        &wrong_kind,
        Some(wrong_kind.lines().position(|l| l == "[catalog]").unwrap() + 1),
        "expected",
    );
    let typo = DEFAULTS.replacen(
        "first_setup = \"activation\"",
        "first_setup = \"activate\"",
        1,
    );
    let line = DEFAULTS
        .lines()
        .position(|l| l.contains("first_setup = \"activation\""))
        .unwrap()
        + 1;
    check_refused("defaults", &typo, Some(line), "activate");
    let bad_oui = DEFAULTS.replacen("\"44:19:b6\"", "\"44:19\"", 1);
    check_refused(
        "defaults",
        &bad_oui,
        bad_oui
            .lines()
            .position(|l| l.contains("key = \"hikvision\""))
            .map(|l| l + 1),
        "oui",
    );
    let e = DefaultCredentials::parse(b"\xff\xfe", "test").unwrap_err();
    assert!(e.to_string().contains("UTF-8"));
}

#[test]
fn imports_need_a_valid_signature_from_a_trusted_key() {
    let key = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let other = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let trusted = [TrustedKey::from_key(key.verifying_key())];
    let bytes = FIRMWARE.as_bytes();
    let sig = sign(bytes, &key);
    verify("firmware-baseline", bytes, Some(&sig), &trusted).unwrap();
    let e = verify("firmware-baseline", bytes, None, &trusted).unwrap_err();
    assert!(matches!(e, CatalogError::Unsigned { .. }) && e.is_signature());
    let mut tampered = bytes.to_vec();
    let at = FIRMWARE.find("12.5.56").unwrap();
    tampered[at] = b'0';
    assert!(matches!(
        verify("firmware-baseline", &tampered, Some(&sig), &trusted),
        Err(CatalogError::BadSignature { .. })
    ));
    let foreign = sign(bytes, &other);
    assert!(matches!(
        verify("firmware-baseline", bytes, Some(&foreign), &trusted),
        Err(CatalogError::BadSignature { .. })
    ));
    assert!(matches!(
        verify("firmware-baseline", bytes, Some("not base64 !!"), &trusted),
        Err(CatalogError::BadSignature { .. })
    ));
    // The shipped key parses.
    assert_eq!(TrustedKey::shipped().len(), 1);
}
