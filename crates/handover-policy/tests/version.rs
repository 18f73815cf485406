//! Version comparison per vendor format, including strings that must be rejected.

use std::cmp::Ordering;

use handover_policy::version::Scheme;

/// `a` compared with `b` in `scheme` must be `want`.
fn check(scheme: Scheme, a: &str, b: &str, want: Ordering) {
    let (va, vb) = (scheme.parse(a).unwrap(), scheme.parse(b).unwrap());
    assert_eq!(va.cmp(&vb), want, "{scheme:?}: {a} vs {b}");
    assert_eq!(vb.cmp(&va), want.reverse(), "{scheme:?}: {b} vs {a}");
}

fn reject(scheme: Scheme, text: &str) {
    assert!(
        scheme.parse(text).is_err(),
        "{scheme:?} should refuse {text:?}"
    );
}

#[test]
fn axis_and_bosch_dotted() {
    use Ordering::*;
    check(Scheme::Dotted, "11.11.73", "12.5.56", Less);
    check(Scheme::Dotted, "10.12.9", "10.9.12", Greater);
    check(Scheme::Dotted, "9.10.0018", "9.10.18", Equal);
    check(Scheme::Dotted, "9.10", "9.10.0", Equal);
    check(Scheme::Dotted, "v1.4.2", "1.4.10", Less);
    for bad in [
        "",
        "latest",
        "12.x.3",
        "12..3",
        "1.2.3-beta",
        "-1.2",
        "1.2.3.4.5.6.7.8.9",
        "99999999999999.1",
    ] {
        reject(Scheme::Dotted, bad);
    }
}

#[test]
fn hikvision_version_then_build() {
    use Ordering::*;
    check(
        Scheme::Hikvision,
        "V5.7.3 build 220112",
        "V5.7.23 build 240618",
        Less,
    );
    check(
        Scheme::Hikvision,
        "V5.5.0 build 170725",
        "V5.5.800 build 210628",
        Less,
    );
    check(
        Scheme::Hikvision,
        "V5.5.800 build 210628",
        "V5.5.800 build 210101",
        Greater,
    );
    check(
        Scheme::Hikvision,
        "V4.74.105 build 240307",
        "V4.74.105",
        Greater,
    );
    for bad in [
        "5.7.3 build 220112",
        "V5.7.3 build",
        "V5.7.3 build abc",
        "V5.7.x build 220112",
        "Vbuild 1",
    ] {
        reject(Scheme::Hikvision, bad);
    }
}

#[test]
fn dahua_release_then_build_date() {
    use Ordering::*;
    check(
        Scheme::Dahua,
        "V2.800.0000000.16.R.200805",
        "V2.820.0000000.5.R",
        Less,
    );
    check(
        Scheme::Dahua,
        "V2.800.0000000.16.R.200805",
        "V2.800.0000000.16.R.210705",
        Less,
    );
    check(
        Scheme::Dahua,
        "V2.820.0000000.5.R",
        "V2.800.0000000.16.R.210705",
        Greater,
    );
    check(
        Scheme::Dahua,
        "V4.600.0000000.4.R",
        "V4.600.0000000.4.R",
        Equal,
    );
    check(
        Scheme::Dahua,
        "V1.000.10DH000.0.R",
        "V1.000.0000000.0.R",
        Equal,
    );
    for bad in [
        "V2.820.0000000.5",
        "V2.R",
        "V2.820.0000000.5.R.x",
        "V2.820.0000000.5.Rfoo",
        "2.820.0000000.five.R",
        "V2.820.5.R",
        "V2.820.00-00.5.R",
    ] {
        reject(Scheme::Dahua, bad);
    }
}

#[test]
fn hanwha_release_then_r_build() {
    use Ordering::*;
    check(
        Scheme::Hanwha,
        "2.21.02_20240528_R297",
        "2.21.02_20240101_R300",
        Less,
    );
    check(
        Scheme::Hanwha,
        "2.10.04_20231027_R139",
        "2.21.02_20240528_R297",
        Less,
    );
    check(Scheme::Hanwha, "4.02.05", "4.02.04_20230101_R999", Greater);
    for bad in [
        "2.21.02_x_R297",
        "2.21.02_20240528_Rabc",
        "_R297",
        "two.one",
    ] {
        reject(Scheme::Hanwha, bad);
    }
}
