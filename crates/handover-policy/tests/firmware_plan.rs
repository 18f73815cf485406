//! Firmware images against the signed catalog, and the upgrade plan: what each device would get and what
//! blocks it. One `check` helper: a device, the folder's images, what the plan must say.

use handover_model::DeviceFacts;
use handover_policy::CatalogError;
use handover_policy::catalog::firmware::FirmwareBaseline;
use handover_policy::firmware_image::recognise;
use handover_policy::firmware_plan::{
    Action, Identified, ImageFile, Standing, identify, plan_device,
};

const FIRMWARE: &str = include_str!("../../../assets/catalogs/firmware-baseline.toml");
const HIK_NEW: &str = "1111111111111111111111111111111111111111111111111111111111111111";
const HIK_NEWER: &str = "2222222222222222222222222222222222222222222222222222222222222222";
const DAHUA: &str = "3333333333333333333333333333333333333333333333333333333333333333";

/// The built-in baseline plus approved images (as a publisher would sign it).
fn baseline() -> FirmwareBaseline {
    let extra = format!(
        r#"
[[image]]
vendor = "hikvision"
family = "Hikvision G2 network cameras"
version = "V5.7.23 build 240618"
sha256 = "{HIK_NEW}"
size = 1000
file = "digicap.dav"

[[image]]
vendor = "hikvision"
family = "Hikvision G2 network cameras"
version = "V5.8.0 build 250101"
sha256 = "{HIK_NEWER}"

[[image]]
vendor = "dahua"
family = "Dahua Lite IP cameras"
version = "V2.820.0000000.5.R"
sha256 = "{}"
"#,
        DAHUA.to_uppercase()
    );
    FirmwareBaseline::parse(format!("{FIRMWARE}{extra}").as_bytes(), "test").unwrap()
}

fn file(name: &str, sha: &str, header: Option<(&str, &str, &str)>) -> ImageFile {
    ImageFile {
        file: name.into(),
        sha256: sha.into(),
        size: 1000,
        header: header.and_then(|(v, m, ver)| {
            recognise(format!("HOVRFW1\nvendor: {v}\nmodel: {m}\nversion: {ver}\n\n").as_bytes())
        }),
    }
}

fn hik(fw: &str) -> DeviceFacts {
    DeviceFacts {
        manufacturer: Some("HIKVISION".into()),
        model: Some("DS-2CD2143G2-I".into()),
        firmware: Some(fw.into()),
        ..DeviceFacts::default()
    }
}

/// Plans `device` with `images` (identified against the test baseline, `accepted` SHA-256s accepted) and
/// compares action, target, chosen file and the blocking codes.
fn check(
    device: DeviceFacts,
    images: Vec<ImageFile>,
    accepted: &[&str],
    forced: Option<usize>,
    want: (Action, Option<&str>, Option<&str>, &[&str]),
) {
    let b = baseline();
    let accepted: Vec<String> = accepted.iter().map(|s| s.to_string()).collect();
    let ids: Vec<Identified> = images
        .into_iter()
        .map(|i| identify(i, &b, &accepted))
        .collect();
    let p = plan_device(&device, None, &b, &ids, forced.map(|i| &ids[i]));
    let codes: Vec<&str> = p.blocked.iter().map(|b| b.code()).collect();
    assert_eq!(
        (
            p.action,
            p.target.as_deref(),
            p.image.as_ref().map(|i| i.image.file.as_str()),
            codes.as_slice()
        ),
        want,
        "{p:#?}"
    );
}

#[test]
fn the_newest_approved_image_is_chosen() {
    check(
        hik("V5.5.0 build 170725"),
        vec![file("a.dav", HIK_NEW, None), file("b.dav", HIK_NEWER, None)],
        &[],
        None,
        (
            Action::Upgrade,
            Some("V5.8.0 build 250101"),
            Some("b.dav"),
            &[],
        ),
    );
}

#[test]
fn a_catalog_hash_matches_whatever_its_case() {
    check(
        DeviceFacts {
            manufacturer: Some("Dahua".into()),
            model: Some("IPC-HFW2431S-S-S2".into()),
            firmware: Some("V2.800.0000000.16.R.200805".into()),
            ..DeviceFacts::default()
        },
        vec![file("dahua.bin", DAHUA, None)],
        &[],
        None,
        (
            Action::Upgrade,
            Some("V2.820.0000000.5.R"),
            Some("dahua.bin"),
            &[],
        ),
    );
}

#[test]
fn an_image_not_in_the_catalog_is_refused_until_accepted() {
    let unknown = "4444444444444444444444444444444444444444444444444444444444444444";
    let img = || {
        file(
            "own.dav",
            unknown,
            Some(("Hikvision", "DS-2CD2*", "V5.9.0 build 260101")),
        )
    };
    check(
        hik("V5.5.0 build 170725"),
        vec![img()],
        &[],
        None,
        (
            Action::Blocked,
            Some("V5.7.23 build 240618"),
            None,
            &["not-in-catalog"],
        ),
    );
    check(
        hik("V5.5.0 build 170725"),
        vec![img()],
        &[unknown],
        None,
        (
            Action::Upgrade,
            Some("V5.9.0 build 260101"),
            Some("own.dav"),
            &[],
        ),
    );
}

#[test]
fn a_file_claiming_a_catalog_version_with_another_hash_is_refused_even_if_accepted() {
    let altered = "5555555555555555555555555555555555555555555555555555555555555555";
    let img = file(
        "digicap.dav",
        altered,
        Some(("Hikvision", "DS-2CD2*", "V5.7.23 build 240618")),
    );
    let b = baseline();
    let id = identify(img.clone(), &b, &[altered.into()]);
    assert!(
        matches!(id.standing, Standing::ChecksumMismatch { ref catalog_sha256 } if catalog_sha256 == HIK_NEW)
    );
    check(
        hik("V5.5.0 build 170725"),
        vec![img],
        &[altered],
        None,
        (
            Action::Blocked,
            Some("V5.7.23 build 240618"),
            None,
            &["checksum-mismatch"],
        ),
    );
}

#[test]
fn older_images_are_a_downgrade_and_the_same_version_is_up_to_date() {
    check(
        hik("V5.9.0 build 260101"),
        vec![file("a.dav", HIK_NEW, None)],
        &[],
        None,
        (Action::UpToDate, Some("V5.7.23 build 240618"), None, &[]),
    );
    check(
        hik("V5.9.0 build 260101"),
        vec![file("a.dav", HIK_NEW, None)],
        &[],
        Some(0),
        (
            Action::Blocked,
            Some("V5.7.23 build 240618"),
            Some("a.dav"),
            &["downgrade"],
        ),
    );
    check(
        hik("V5.8.0 build 250101"),
        vec![file("b.dav", HIK_NEWER, None)],
        &[],
        None,
        (Action::UpToDate, Some("V5.8.0 build 250101"), None, &[]),
    );
}

#[test]
fn an_image_for_another_model_is_refused() {
    check(
        hik("V5.5.0 build 170725"),
        vec![file("dahua.bin", DAHUA, None)],
        &[],
        Some(0),
        (
            Action::Blocked,
            Some("V2.820.0000000.5.R"),
            Some("dahua.bin"),
            &["wrong-model"],
        ),
    );
    check(
        hik("V5.5.0 build 170725"),
        vec![file("dahua.bin", DAHUA, None)],
        &[],
        None,
        (
            Action::Blocked,
            Some("V5.7.23 build 240618"),
            None,
            &["no-image"],
        ),
    );
}

#[test]
fn an_unknown_model_or_version_blocks() {
    let mut d = hik("V5.5.0 build 170725");
    d.model = Some("DS-9999".into());
    check(
        d,
        vec![file("a.dav", HIK_NEW, None)],
        &[],
        None,
        (Action::Blocked, None, None, &["model-unknown"]),
    );
    check(
        hik("five point five"),
        vec![file("a.dav", HIK_NEW, None)],
        &[],
        None,
        (
            Action::Blocked,
            Some("V5.7.23 build 240618"),
            None,
            &["version-unknown"],
        ),
    );
}

#[test]
fn malformed_image_entries_name_their_line() {
    let bad = |entry: &str| {
        FirmwareBaseline::parse(format!("{FIRMWARE}\n[[image]]\n{entry}").as_bytes(), "test")
            .unwrap_err()
    };
    let lines = FIRMWARE.lines().count();
    let e = bad(
        "vendor = \"hikvision\"\nfamily = \"Hikvision G2 network cameras\"\nversion = \"V5.7.23 build 240618\"\nsha256 = \"abc\"\n",
    );
    assert!(e.to_string().contains("not 64 hexadecimal digits"), "{e}");
    assert!(e.line().is_some_and(|l| l > lines), "{e}");
    let e = bad(&format!(
        "vendor = \"hikvision\"\nfamily = \"No such family\"\nversion = \"V5.7.23 build 240618\"\nsha256 = \"{HIK_NEW}\"\n"
    ));
    assert!(e.to_string().contains("no family"), "{e}");
    let e = bad(&format!(
        "vendor = \"hikvision\"\nfamily = \"Hikvision G2 network cameras\"\nversion = \"five\"\nsha256 = \"{HIK_NEW}\"\n"
    ));
    assert!(matches!(e, CatalogError::Invalid { .. }), "{e}");
    let e = bad(&format!(
        "vendor = \"hikvision\"\nfamily = \"Hikvision G2 network cameras\"\nversion = \"V5.7.23 build 240618\"\nsha256 = \"{HIK_NEW}\"\nchecksum = 1\n"
    ));
    assert!(matches!(e, CatalogError::Malformed { .. }), "{e}");
}

#[test]
fn the_built_in_catalog_still_loads_without_images() {
    assert!(FirmwareBaseline::built_in().images().is_empty());
}
