//! The report as the customer's IT reads it, checked in poppler's text: page 1 splits the open
//! findings by severity, names the known-exploited CVEs and what IT must do next, and prints the
//! integrator CA's SHA-256 exactly as `openssl x509 -fingerprint -sha256` gives it for the CA
//! certificate; every open finding carries an owner and a due date; checks that did not run
//! read "not checked", never a pass; fixed findings are grouped by what was done.

mod common;

use common::*;
use handover_report::{FindingStatus, Owner, render, sign};

fn pages(text: &str) -> Vec<String> {
    text.split('\u{c}')
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

fn pdftotext_layout(pdf: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_cover_names_severities_known_exploited_cves_next_steps_and_the_ca_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, id) = identity(21);
    let mut m = model(120);
    m.signer = id.signer().unwrap();
    let signed = sign(&render(&m, &options()).unwrap(), &id, clock()).unwrap();
    let path = write(dir.path(), "r.pdf", &signed);
    let text = pdftotext(&path);
    let page1 = &pages(&text)[0];

    let s = m.summary();
    assert!(s.open_findings > 0 && s.open_known_exploited > 0, "{s:?}");
    assert!(
        page1.contains(&format!(
            "Open findings by severity ({} open)",
            s.open_findings
        )),
        "{page1}"
    );
    for label in ["Critical", "High", "Medium", "Low / info"] {
        assert!(page1.contains(label), "{label} missing: {page1}");
    }
    let by_hand = |sev| {
        m.findings
            .iter()
            .filter(|f| f.status == FindingStatus::Open && f.severity == sev)
            .count() as u32
    };
    assert_eq!(
        s.open_by_severity,
        handover_report::Severity::DESCENDING.map(by_hand)
    );

    // Every open known-exploited CVE is on page 1 with its finding id.
    let kev: Vec<_> = m
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::Open && !f.known_exploited.is_empty())
        .collect();
    assert!(page1.contains("Known-exploited vulnerabilities"), "{page1}");
    for f in &kev {
        for cve in &f.known_exploited {
            assert!(page1.contains(cve.as_str()), "{cve} not on page 1");
        }
        assert!(
            page1.contains(&format!("({})", f.id)),
            "{} not on page 1",
            f.id
        );
    }
    assert!(page1.contains("What IT must do next"), "{page1}");
    assert!(
        page1.contains("read the CA SHA-256 above back to them"),
        "{page1}"
    );

    // The CA fingerprint, as an independent tool computes it from the CA certificate IT receives.
    std::fs::write(dir.path().join("ca.pem"), &ca.ca_cert_pem).unwrap();
    let out = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(dir.path().join("ca.pem"))
        .output()
        .expect("openssl");
    let fp = String::from_utf8_lossy(&out.stdout)
        .trim()
        .rsplit('=')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(fp.len(), 95, "{fp}");
    let printed = page1.replace(": ", ":").replace(":", "");
    assert!(
        printed.contains(&fp.replace(':', "")),
        "CA fingerprint {fp} not on page 1: {page1}"
    );
    assert!(page1.contains("Handover CA"), "{page1}");
    let sig = pdfsig(&path, None);
    assert!(sig.contains("Signature is Valid."), "{sig}");
}

#[test]
fn every_open_finding_has_an_owner_and_a_due_date_in_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut m = model(120);
    // One finding is customer IT's, so both owners appear.
    let first_open = m
        .findings
        .iter_mut()
        .find(|f| f.status == FindingStatus::Open)
        .unwrap();
    first_open.owner = Some(Owner::Customer);
    let path = write(dir.path(), "r.pdf", &render(&m, &options()).unwrap());
    let layout = pdftotext_layout(&path);
    let open: Vec<_> = m
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::Open)
        .collect();
    assert!(open.len() >= 5);
    for f in open {
        let row = layout
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{} ", f.id)))
            .unwrap_or_else(|| panic!("no row for {}", f.id));
        let owner = f.owner.expect("the sample assigns owners").label();
        assert!(row.contains(owner), "{} row lacks its owner: {row}", f.id);
        let due = f.due.as_deref().expect("and due dates");
        let at = layout.find(row).unwrap();
        assert!(
            layout[at..].lines().take(3).any(|l| l.contains(due)),
            "{} lacks its due date {due}",
            f.id
        );
    }
}

#[test]
fn what_was_not_checked_reads_not_checked_and_fixes_are_grouped() {
    let dir = tempfile::tempdir().unwrap();
    let m = model(120);
    let unchecked = m
        .devices
        .iter()
        .find(|d| d.not_checked.is_some())
        .expect("the sample has a device never logged into");
    let path = write(dir.path(), "r.pdf", &render(&m, &options()).unwrap());
    let layout = pdftotext_layout(&path);
    let row = layout
        .lines()
        .find(|l| l.trim_start().starts_with(unchecked.name.as_str()))
        .unwrap_or_else(|| panic!("no row for {}", unchecked.name));
    assert!(row.contains("not checked"), "{row}");
    assert!(
        !row.contains("+0 s"),
        "a clock never read shows as a pass: {row}"
    );
    let at = layout.find(row).unwrap();
    let block: String = layout[at..].lines().take(3).collect::<Vec<_>>().join("\n");
    assert!(block.contains("never logged"), "{block}");
    assert!(
        !block.contains(" none"),
        "services never read shown as none: {block}"
    );
    assert!(!row.contains("rotated"), "{row}");

    // Fixed findings: one row per kind of fix with its device count, not one row per finding.
    let text = pages(&pdftotext(&path)).join(" ");
    let fixed = m
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::Resolved)
        .count();
    assert!(fixed >= 3, "{fixed}");
    assert!(text.contains("Fixed during handover"), "{text}");
    assert_eq!(text.matches("Telnet switched off").count(), 1, "{text}");
    let line = layout
        .lines()
        .find(|l| l.contains("Telnet switched off"))
        .unwrap();
    assert!(line.contains(&format!(" {fixed} ")), "{line}");
    assert!(
        !text.contains("Telnet enabled"),
        "fixed findings are listed by what was done, not by their old titles"
    );
}
