//! What the rendered report contains and how it renders, checked with poppler's own
//! readers: every serial and every open finding in `pdftotext`, every page rendered by
//! `pdftoppm` with ink on it, hostile device names shown as text without breaking the
//! file, A4 and Letter, and byte-identical output for identical inputs.

use handover_test_support::report as common;

use common::*;
use handover_report::{FindingStatus, PageSize, RenderOptions, render, sample::HOSTILE_NAMES};

#[test]
fn every_serial_and_open_finding_is_in_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let m = model(120);
    let pdf = render(&m, &options()).unwrap();
    let text = pdftotext(&write(dir.path(), "r.pdf", &pdf));
    for d in &m.devices {
        assert!(text.contains(&d.serial), "serial {} missing", d.serial);
    }
    let open: Vec<_> = m
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::Open)
        .collect();
    assert!(open.len() >= 5, "the sample must have open findings");
    for f in open {
        assert!(text.contains(&f.id), "finding id {} missing", f.id);
        assert!(
            text.contains(&f.title),
            "finding title {:?} missing",
            f.title
        );
    }
    for needle in [
        "Executive summary",
        "Devices by VLAN",
        "Findings",
        "Waivers",
        "Standards",
        "Method appendix",
        "Sign-off",
        "ETSI EN 303 645",
        "NIST IR 8259A",
    ] {
        assert!(text.contains(needle), "{needle} missing");
    }
    assert!(
        text.contains(&m.method.audit_log_head),
        "audit log head missing"
    );
    assert!(
        text.contains(&m.method.catalogs[0].sha256),
        "catalog hash missing"
    );
    // The devices' pinned TLS certificates, for IT to pin in the VMS too.
    assert!(
        text.contains("TLS certificates pinned"),
        "pinned table missing"
    );
    let fp = m.devices.iter().find_map(|d| d.tls_sha256.clone()).unwrap();
    assert!(
        text.contains(&fp),
        "pinned certificate {fp} missing (one line)"
    );
}

#[test]
fn every_page_renders_with_ink_and_the_tables_break_with_repeated_headers() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = render_n(150);
    let path = write(dir.path(), "r.pdf", &pdf);
    let ink = ink_per_page(&path, dir.path());
    assert!(
        ink.len() >= 6,
        "expected a multi-page report, got {} pages",
        ink.len()
    );
    for (i, share) in ink.iter().enumerate() {
        assert!(*share > 0.005, "page {} is blank ({share})", i + 1);
    }
    let text = pdftotext(&path);
    let total = ink.len();
    for n in 1..=total {
        assert!(
            text.contains(&format!("{n} / {total}")),
            "footer {n} / {total} missing"
        );
    }
    // The device table continues over pages: its caption and header repeat.
    assert!(
        text.matches("(continued)").count() >= 2,
        "no continued tables"
    );
    assert!(
        text.matches("MAC / serial").count() >= 3,
        "header not repeated"
    );
}

#[test]
fn hostile_names_render_as_text_and_break_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = render_n(HOSTILE_NAMES.len());
    let path = write(dir.path(), "r.pdf", &pdf);
    let text = pdftotext(&path);
    // PDF syntax and backslashes come out as the literal characters.
    assert!(text.contains("Cam ) Tj (pwned)"), "{text}");
    assert!(text.contains("Back\\slash \\) \\\\"), "{text}");
    // Cyrillic and Greek as written; Hebrew and Arabic letters all present.
    assert!(text.contains("Камера вход"));
    assert!(text.contains("Κάμερα"));
    for word in ["מצלמה", "כניסה", "ראשית"] {
        assert!(text.contains(word), "Hebrew word {word} missing:\n{text}");
    }
    assert!(text.contains("كاميرا"), "Arabic word missing");
    // Control characters and the bidi override are gone; the long name was cut.
    assert!(!text.contains('\u{1b}') && !text.contains('\u{202E}') && !text.contains('\u{7}'));
    assert!(
        text.contains('\u{2026}'),
        "long text should end in an ellipsis"
    );
    // The file is still one valid PDF with every page rendering.
    let ink = ink_per_page(&path, dir.path());
    assert!(ink.iter().all(|s| *s > 0.005));
}

#[test]
fn letter_and_a4_have_their_page_sizes() {
    let m = model(10);
    for (size, w, h) in [
        (PageSize::A4, 595.28, 841.89),
        (PageSize::Letter, 612.0, 792.0),
    ] {
        let pdf = render(
            &m,
            &RenderOptions {
                page_size: size,
                ..options()
            },
        )
        .unwrap();
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        let page = doc.page_iter().next().unwrap();
        let mb = doc
            .get_dictionary(page)
            .unwrap()
            .get(b"MediaBox")
            .unwrap()
            .as_array()
            .unwrap()
            .clone();
        let num = |o: &lopdf::Object| {
            o.as_float()
                .map(f64::from)
                .or_else(|_| o.as_i64().map(|i| i as f64))
                .unwrap()
        };
        assert!(
            (num(&mb[2]) - w).abs() < 0.5 && (num(&mb[3]) - h).abs() < 0.5,
            "{size:?}: {mb:?}"
        );
    }
}

#[test]
fn rendering_is_deterministic() {
    let m = model(40);
    let a = render(&m, &options()).unwrap();
    let b = render(&m, &options()).unwrap();
    assert!(a == b, "two renders of the same model differ");
    let other = render(
        &m,
        &RenderOptions {
            document_id: "another".into(),
            ..options()
        },
    )
    .unwrap();
    assert!(a != other, "the document id must reach the file");
    // Signing with the same identity and clock is deterministic too (RFC 6979 ECDSA).
    let (_, id) = identity(3);
    let s1 = handover_report::sign(&a, &id, clock()).unwrap();
    let s2 = handover_report::sign(&b, &id, clock()).unwrap();
    assert!(s1 == s2, "signing is not deterministic");
}

#[test]
fn an_empty_project_still_renders_every_section() {
    let dir = tempfile::tempdir().unwrap();
    let mut m = model(0);
    m.vlans.clear();
    m.standards.clear();
    m.method.catalogs.clear();
    m.method.discovery.clear();
    let pdf = render(&m, &options()).unwrap();
    let path = write(dir.path(), "empty.pdf", &pdf);
    let text = pdftotext(&path);
    assert!(
        text.contains("No findings.") && text.contains("No waivers"),
        "{text}"
    );
    assert!(
        text.contains("No devices are part of this handover."),
        "{text}"
    );
    assert!(ink_per_page(&path, dir.path()).iter().all(|s| *s > 0.005));
}

/// The text of a small report, as poppler extracts it, against the reference in
/// tests/reference/ (fixed clock and document id). Set HANDOVER_UPDATE_REFERENCE=1 to
/// rewrite the reference after an intended layout change, then review the diff.
#[test]
fn text_matches_the_reference() {
    let dir = tempfile::tempdir().unwrap();
    let text = pdftotext(&write(dir.path(), "r.pdf", &render_n(9)));
    let reference = manifest_dir().join("tests/reference/report-9-devices.txt");
    if std::env::var_os("HANDOVER_UPDATE_REFERENCE").is_some() {
        std::fs::write(&reference, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&reference)
        .expect("reference text (run with HANDOVER_UPDATE_REFERENCE=1 once)");
    if text != expected {
        let line = text
            .lines()
            .zip(expected.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "text differs from {} at line {}:\n  got:      {:?}\n  expected: {:?}",
            reference.display(),
            line + 1,
            text.lines().nth(line),
            expected.lines().nth(line)
        );
    }
}

/// The package folder, read when the test runs (not baked in at build time), so a test binary built
/// from another checkout of the same commit still finds this checkout's files.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
}
