//! IT's plan CSV read from a file, as `handover init --plan`/`plan import` and the app's preview read it: a file
//! larger than any plan, or one that never ends, is refused as too large without being read into memory; the
//! preview gives the file's lines with the first problem located, or the plan.

use std::path::Path;

use handover_engine::{Error, ErrorCode, preview_plan_csv, read_plan_csv};
use handover_model::{MAX_PLAN_BYTES, PlanCsvErrorKind};

fn too_large(e: &Error) -> bool {
    matches!(e, Error::PlanCsv { source, .. } if matches!(source.kind, PlanCsvErrorKind::TooLarge { .. }))
}

#[test]
fn a_file_larger_than_any_plan_is_refused_without_reading_it_all() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.csv");
    // 64 MiB: read whole, a bigger file (or many) would exhaust memory before the parser's size check.
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(64 * 1024 * 1024).unwrap();
    let e = read_plan_csv(&big).unwrap_err();
    assert!(too_large(&e), "{e}");
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert!(e.to_string().contains(&MAX_PLAN_BYTES.to_string()), "{e}");
    let p = preview_plan_csv(&big).unwrap();
    assert!(p.lines.is_empty(), "no megabytes of lines for the preview");
    assert!(too_large(&p.plan.unwrap_err()));

    // A file that never ends is refused the same way, at once.
    let zero = Path::new("/dev/zero");
    if zero.exists() {
        let started = std::time::Instant::now();
        assert!(too_large(&read_plan_csv(zero).unwrap_err()));
        assert!(started.elapsed().as_secs() < 10);
    }
}

#[test]
fn the_preview_shows_the_lines_and_the_first_problem_or_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo/plan.csv");
    let good = preview_plan_csv(&demo).unwrap();
    let text = std::fs::read_to_string(&demo).unwrap();
    assert_eq!(good.lines.len(), text.lines().count());
    assert_eq!(good.plan.unwrap(), read_plan_csv(&demo).unwrap());

    let bad = dir.path().join("bad.csv");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[2] = lines[2].replacen(',', ",not-a-subnet,", 1);
    std::fs::write(&bad, lines.join("\n")).unwrap();
    let p = preview_plan_csv(&bad).unwrap();
    assert_eq!(p.lines, lines);
    match p.plan.unwrap_err() {
        Error::PlanCsv { source, .. } => assert_eq!(source.line, 3, "{source}"),
        other => panic!("{other}"),
    }

    let e = preview_plan_csv(&dir.path().join("absent.csv"))
        .err()
        .unwrap();
    assert_eq!(e.code(), ErrorCode::NotFound, "{e}");
}
