//! Exporting rows from a received report (the desktop app's Review screen): the report's own CSV writers over
//! the inventory it carries, a selection of rows, and clear refusals for a wrong file name or a file that is
//! not a report. Nothing is written when refused.

use handover_engine::report::{CsvKind, export_report_csv};
use handover_report::twin;

fn received_report(dir: &std::path::Path) -> (std::path::PathBuf, handover_report::ReportModel) {
    let at = time::macros::datetime!(2026-12-07 09:00 UTC);
    let model = handover_report::sample::sample_model(6, at);
    let pdf = handover_report::render(&model, &handover_report::RenderOptions::default()).unwrap();
    let path = dir.join("site.pdf");
    std::fs::write(&path, pdf).unwrap();
    (path, model)
}

#[test]
fn an_export_of_every_row_is_the_reports_own_twin_and_a_selection_keeps_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let (pdf, model) = received_report(dir.path());
    for (kind, own) in [
        (CsvKind::Devices, twin::inventory_csv(&model).unwrap()),
        (CsvKind::Netbox, twin::netbox_csv(&model).unwrap()),
        (CsvKind::Findings, twin::findings_csv(&model).unwrap()),
    ] {
        let out = dir.path().join(format!("all-{kind:?}.csv"));
        let rows = export_report_csv(&pdf, kind, None, &out).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), own, "{kind:?}");
        let expected = match kind {
            CsvKind::Findings => model.findings.len(),
            _ => model.devices.len(),
        };
        assert_eq!(rows, expected, "{kind:?}");
    }
    let keep = vec![model.devices[1].id.clone(), "D999".to_owned()];
    let out = dir.path().join("two.csv");
    assert_eq!(
        export_report_csv(&pdf, CsvKind::Netbox, Some(&keep), &out).unwrap(),
        1,
        "an id the report does not carry is no row"
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains(&model.devices[1].id), "{text}");
}

#[test]
fn a_wrong_name_or_a_file_that_is_not_a_report_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (pdf, _) = received_report(dir.path());
    let txt = dir.path().join("rows.txt");
    let e = export_report_csv(&pdf, CsvKind::Devices, None, &txt).unwrap_err();
    assert_eq!(e.code(), handover_engine::ErrorCode::InvalidInput);
    assert!(e.to_string().contains(".csv"), "{e}");
    assert!(!txt.exists());

    let not_pdf = dir.path().join("notes.pdf");
    std::fs::write(&not_pdf, "just text").unwrap();
    let out = dir.path().join("rows.csv");
    let e = export_report_csv(&not_pdf, CsvKind::Devices, None, &out).unwrap_err();
    assert_eq!(e.code(), handover_engine::ErrorCode::InvalidInput);
    assert!(e.to_string().contains("no rows to export"), "{e}");
    assert!(!out.exists());

    let missing = dir.path().join("gone.pdf");
    let e = export_report_csv(&missing, CsvKind::Devices, None, &out).unwrap_err();
    assert!(e.to_string().contains("gone.pdf"), "{e}");
}
