//! Plan CSV parsing: valid plans round-trip, and every kind of bad input names its line and column.

use handover_model::{Addressing, Plan, PlanCsvErrorKind, Role};

const HEADER: &str = "vlan_id,name,subnet,gateway,roles";

/// Parses `csv`, expecting an error on `line` in `column` whose message contains `needle`.
fn check_err(csv: &[u8], line: u64, column: Option<&str>, needle: &str) {
    let e = Plan::from_csv(csv).expect_err("should be refused");
    assert_eq!(e.line, line, "line of {e}");
    assert_eq!(e.column.as_deref(), column, "column of {e}");
    let msg = e.to_string();
    assert!(msg.contains(needle), "message {msg:?} lacks {needle:?}");
    assert!(
        msg.starts_with(&format!("line {line}")),
        "message {msg:?} does not lead with the line"
    );
}

#[test]
fn demo_plan_parses_with_optional_columns() {
    let plan = Plan::from_csv(include_bytes!("../../../assets/demo/plan.csv")).unwrap();
    assert_eq!(plan.vlans.len(), 3);
    let cams = plan.vlan(20).unwrap();
    assert!(cams.roles.contains(&Role::camera()) && cams.roles.contains(&Role::nvr()));
    assert_eq!(cams.addressing, Addressing::Static);
    assert_eq!(cams.ntp, vec!["127.20.0.3".to_owned()]);
    assert_eq!(
        plan.vlan_for_address("127.30.0.77".parse().unwrap())
            .unwrap()
            .id,
        30
    );
    assert!(plan.vlan_for_address("10.0.0.1".parse().unwrap()).is_none());
}

#[test]
fn plan_round_trips_through_csv() {
    let plan = Plan::from_csv(include_bytes!("../../../assets/demo/plan.csv")).unwrap();
    let again = Plan::from_csv(plan.to_csv().as_bytes()).unwrap();
    assert_eq!(plan, again);
}

#[test]
fn header_is_case_insensitive_and_bom_tolerant_and_blank_lines_skip() {
    let csv =
        "\u{feff}VLAN_ID,Name,Subnet,Gateway,Roles\n\n10,Cams,10.10.0.0/24,10.10.0.1,Camera; NVR\n";
    let plan = Plan::from_csv(csv.as_bytes()).unwrap();
    assert_eq!(plan.vlans[0].roles.len(), 2);
}

#[test]
fn bad_cells_name_line_and_column() {
    let row = |r: &str| format!("{HEADER}\n10,Cams,10.10.0.0/24,10.10.0.1,camera\n{r}\n");
    check_err(
        row("11,X,10.11.0/24,10.11.0.1,camera").as_bytes(),
        3,
        Some("subnet"),
        "CIDR",
    );
    check_err(
        row("11,X,10.11.0.0/24,10.12.0.1,camera").as_bytes(),
        3,
        Some("gateway"),
        "outside subnet",
    );
    check_err(
        row("11,X,10.11.0.5/24,10.11.0.1,camera").as_bytes(),
        3,
        Some("subnet"),
        "host bits",
    );
    check_err(
        row("11,X,10.11.0.0/24,gateway,camera").as_bytes(),
        3,
        Some("gateway"),
        "not an IP address",
    );
    check_err(
        row("5000,X,10.11.0.0/24,10.11.0.1,camera").as_bytes(),
        3,
        Some("vlan_id"),
        "1 to 4094",
    );
    check_err(
        row("abc,X,10.11.0.0/24,10.11.0.1,camera").as_bytes(),
        3,
        Some("vlan_id"),
        "VLAN id",
    );
    check_err(
        row("11,,10.11.0.0/24,10.11.0.1,camera").as_bytes(),
        3,
        Some("name"),
        "empty",
    );
    check_err(
        row("11,X,10.11.0.0/24,10.11.0.1,Door Controller").as_bytes(),
        3,
        Some("roles"),
        "not valid",
    );
    check_err(
        row("10,X,10.11.0.0/24,10.11.0.1,camera").as_bytes(),
        3,
        Some("vlan_id"),
        "appears twice",
    );
    check_err(
        row("11,X,10.10.0.0/16,10.10.0.1,camera").as_bytes(),
        3,
        Some("subnet"),
        "overlaps",
    );
    check_err(
        row("11,X,10.10.0.128/25,10.10.0.129,camera").as_bytes(),
        3,
        Some("subnet"),
        "overlaps",
    );
}

#[test]
fn optional_columns_are_checked_too() {
    let h = format!("{HEADER},dns,addressing\n");
    check_err(
        format!("{h}10,C,10.0.0.0/24,10.0.0.1,camera,10.0.0.300,static\n").as_bytes(),
        2,
        Some("dns"),
        "not an IP",
    );
    check_err(
        format!("{h}10,C,10.0.0.0/24,10.0.0.1,camera,10.0.0.2,sometimes\n").as_bytes(),
        2,
        Some("addressing"),
        "addressing mode",
    );
}

#[test]
fn wrong_header_names_the_column() {
    check_err(
        b"vlan,name,subnet,gateway,roles\n",
        1,
        Some("vlan_id"),
        "expected header",
    );
    check_err(
        b"vlan_id,name,subnet,roles,gateway\n",
        1,
        Some("gateway"),
        "expected header",
    );
    check_err(
        b"vlan_id,name,subnet,gateway,roles,colour\n",
        1,
        Some("colour"),
        "optional",
    );
    check_err(
        b"vlan_id,name,subnet,gateway\n",
        1,
        Some("roles"),
        "expected header",
    );
}

#[test]
fn structural_problems_are_refused() {
    check_err(b"", 1, None, "empty");
    check_err(format!("{HEADER}\n").as_bytes(), 2, None, "no VLANs");
    check_err(
        format!("{HEADER}\n10,Cams,10.10.0.0/24\n").as_bytes(),
        2,
        None,
        "",
    );
    let mut latin1 =
        format!("{HEADER}\n10,Cams,10.10.0.0/24,10.10.0.1,camera\n11,Caf").into_bytes();
    latin1.extend_from_slice(b"\xe9,10.11.0.0/24,10.11.0.1,camera\n");
    let e = Plan::from_csv(&latin1).unwrap_err();
    assert_eq!(e.line, 3);
    assert_eq!(e.kind, PlanCsvErrorKind::NotUtf8);
}

/// Sizes no plan has are refused with a clear error: a whole file over 1 MiB, a 20 MB cell (before, accepted),
/// a name in the NTP list longer than any DNS name.
#[test]
fn oversized_files_and_cells_are_refused() {
    let big = format!(
        "{HEADER}\n{}",
        "10,a,10.0.0.0/24,10.0.0.1,camera\n".repeat(40_000)
    );
    let e = Plan::from_csv(big.as_bytes()).unwrap_err();
    assert!(matches!(e.kind, PlanCsvErrorKind::TooLarge { .. }), "{e}");
    let long_name = "n".repeat(600);
    check_err(
        format!("{HEADER}\n10,{long_name},10.0.0.0/24,10.0.0.1,camera\n").as_bytes(),
        2,
        Some("name"),
        "600 characters long",
    );
    let long_ntp = format!("{}.example", "x".repeat(300));
    check_err(
        format!("{HEADER},ntp\n10,Cams,10.0.0.0/24,10.0.0.1,camera,{long_ntp}\n").as_bytes(),
        2,
        Some("ntp"),
        "at most 253",
    );
}
