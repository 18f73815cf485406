//! The demo chain's project, continued: waivers of several findings on the same terms (all or nothing), and the
//! report's own CSV twins written again from the signed PDF by `handover verify --export-csv`. Called from
//! `main.rs` (the `demo` test binary).

use std::path::Path;
use std::process::Command;

use handover_system_tests::{handover_at, handover_bin, text};

/// `handover waive` takes several findings on the same terms; an unknown id or a malformed expiry waives none.
pub fn waivers_of_several_findings_are_all_or_nothing(project: &Path) {
    let waived = |p: &Path| {
        let o = handover_at(p, &["--json", "findings", "--state", "waived"]);
        serde_json::from_slice::<serde_json::Value>(&o.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .len()
    };
    let o = handover_at(project, &["--json", "findings"]);
    let open: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ids: Vec<String> = open.as_array().unwrap()[..2]
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect();
    let before = waived(project);
    let reason = "Phase 2: these move to VLAN 30 with the new switch";
    let o = handover_at(project, &["waive", &ids[0], "F9999", "--reason", reason]);
    assert_eq!(o.status.code(), Some(6), "{}", text(&o));
    assert!(text(&o).contains("F9999"), "{}", text(&o));
    let o = handover_at(
        project,
        &[
            "waive",
            &ids[0],
            &ids[1],
            "--reason",
            reason,
            "--expires",
            "31/03/2027",
        ],
    );
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("YYYY-MM-DD"), "{}", text(&o));
    assert_eq!(waived(project), before, "a refused waiver changes nothing");
    let o = handover_at(
        project,
        &[
            "--json",
            "waive",
            &ids[0],
            &ids[1],
            "--reason",
            reason,
            "--approver",
            "R. Osei (Harbour IT)",
            "--expires",
            "2027-03-31",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let done: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let done = done.as_array().unwrap();
    assert_eq!(done.len(), 2, "{done:#?}");
    for (w, id) in done.iter().zip(&ids) {
        assert_eq!(w["finding"].as_str(), Some(id.as_str()), "{w:#}");
        assert_eq!(w["approver"], "R. Osei (Harbour IT)");
        assert_eq!(w["expires"], "2027-03-31");
    }
    assert_eq!(waived(project), before + 2);
}

/// `handover verify --export-csv` writes a received report's rows again with the report's own writers: every
/// kind is byte for byte the twin beside the PDF; the verdict still sets the exit status; a name that is not
/// `.csv` is refused.
pub fn verify_exports_the_reports_own_csv(out: &Path) {
    let pdf = out.join("handover-report.pdf");
    for (kind, twin) in [
        ("devices", "handover-report.csv"),
        ("netbox", "handover-report-netbox.csv"),
        ("findings", "handover-report-findings.csv"),
    ] {
        let to = out.join(format!("exported-{kind}.csv"));
        let o = Command::new(handover_bin())
            .arg("verify")
            .arg(&pdf)
            .arg("--export-csv")
            .arg(&to)
            .args(["--csv-kind", kind])
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(10),
            "no CA given: amber; {}",
            text(&o)
        );
        assert!(text(&o).contains("Exported "), "{}", text(&o));
        assert_eq!(
            std::fs::read(&to).unwrap(),
            std::fs::read(out.join(twin)).unwrap(),
            "{kind}"
        );
    }
    let o = Command::new(handover_bin())
        .arg("verify")
        .arg(&pdf)
        .arg("--export-csv")
        .arg(out.join("rows.txt"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(text(&o).contains(".csv"), "{}", text(&o));
    assert!(!out.join("rows.txt").exists());
}
