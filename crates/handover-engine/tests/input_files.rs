//! Files a person hands to Handover are read no further than such a file can be: IT's plan CSV (as `handover init
//! --plan`/`plan import` and the app's preview read it), a labels CSV, a catalog, a PKCS#12 identity, a report to
//! verify and its CA file. A file larger than any of them, or one that never ends (`/dev/zero`), is refused at
//! once without being read into memory; the plan preview gives the file's lines with the first problem located.

use std::path::Path;

use std::sync::Arc;

use handover_engine::report::read_report;
use handover_engine::signing::Signing;
use handover_engine::vault::SecretString;
use handover_engine::{Error, ErrorCode, preview_plan_csv, read_plan_csv};
use handover_model::{MAX_PLAN_BYTES, PlanCsvErrorKind};
use handover_test_support::engine as common;

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

/// Every other file a person names, given a file that never ends: each is refused as input at once, naming the
/// kind of file it should have been.
#[test]
fn a_file_that_never_ends_is_refused_wherever_a_file_is_read() {
    let zero = Path::new("/dev/zero");
    if !zero.exists() {
        println!("SKIP: no /dev/zero on this system");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let env = common::env_with(Arc::new(handover_vault::MemoryStore::new()))
        .with_data_dir(dir.path().join("data"));
    let session = common::demo_project_in(dir.path(), "inputs", env.clone());
    let started = std::time::Instant::now();
    let refused = |what: &str, e: Error| {
        assert_eq!(e.code(), ErrorCode::InvalidInput, "{what}: {e}");
        assert!(e.to_string().contains(what), "{e}");
        assert!(e.to_string().contains("/dev/zero"), "{e}");
    };
    refused(
        "a labels file",
        session.import_labels_csv(zero).unwrap_err(),
    );
    refused("a catalog", session.import_catalog(zero).unwrap_err());
    refused(
        "a PKCS#12 identity",
        Signing::open(&env)
            .unwrap()
            .import_pkcs12(zero, &SecretString::new("x".into()))
            .unwrap_err(),
    );
    let now = time::OffsetDateTime::now_utc();
    refused(
        "a handover report",
        read_report(zero, &[], now).unwrap_err(),
    );
    let pdf = dir.path().join("small.pdf");
    std::fs::write(&pdf, b"%PDF-1.7\n%%EOF\n").unwrap();
    refused(
        "a CA certificate file",
        read_report(&pdf, &[zero.to_path_buf()], now).unwrap_err(),
    );
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}
