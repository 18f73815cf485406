//! The report as the customer's IT reads it, checked in poppler's text: page 1 splits the open
//! findings by severity, names the known-exploited CVEs and what IT must do next, and prints the
//! integrator CA's SHA-256 exactly as `openssl x509 -fingerprint -sha256` gives it for the CA
//! certificate; every open finding carries an owner and a due date; checks that did not run
//! read "not checked", never a pass; fixed findings are grouped by what was done.

use handover_test_support::report as common;

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

#[test]
fn the_as_built_section_shows_switch_ports_against_the_plan_and_unidentified_hosts() {
    let dir = tempfile::tempdir().unwrap();
    let mut m = model(40);
    // One device on a port in another VLAN than its address is planned on.
    let moved = m
        .devices
        .iter_mut()
        .find(|d| d.vlan_id == 20 && d.switch_port.is_some() && d.name.starts_with("cam-"))
        .unwrap();
    moved.switch_port.as_mut().unwrap().vlan = 30;
    moved.switch_port.as_mut().unwrap().switch = "depot-core-sw01.example.net".into();
    let moved = moved.clone();
    let path = write(dir.path(), "r.pdf", &render(&m, &options()).unwrap());
    let text = pdftotext(&path);
    let page1 = &pages(&text)[0];
    assert!(
        page1.contains("Unidentified hosts on planned subnets: 1"),
        "{page1}"
    );
    let flat = pages(&text).join(" ");
    assert!(flat.contains("As-built network"), "{flat}");
    assert!(
        flat.contains("Unidentified hosts on planned subnets (1)"),
        "{flat}"
    );
    assert!(flat.contains("10.30.0.201"), "{flat}");
    assert!(flat.contains("ONVIF switched off"), "{flat}");
    // The row: switch name and port whole (never cut), the port's VLAN against the plan.
    let layout = pdftotext_layout(&path);
    let heading = layout
        .lines()
        .find(|l| l.trim() == "As-built network")
        .expect("as-built heading");
    let at = layout.find(&format!("{heading}\n")).unwrap();
    let row_at = at
        + layout[at..]
            .find(moved.name.as_str())
            .expect("the moved device in the as-built table");
    let block: String = layout[row_at..]
        .lines()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    let port = &moved.switch_port.as_ref().unwrap().port;
    assert!(
        block.contains(port.as_str()),
        "port {port} missing: {block}"
    );
    assert!(block.contains("30 ACCESS \u{2260}"), "{block}");
    // Wrapped at its separators, never inside a part.
    assert!(block.contains("example.net"), "switch name cut: {block}");
    assert!(block.contains("depot-core-"), "switch name cut: {block}");
    assert!(!block.contains('\u{2026}'), "nothing cut: {block}");
}

#[test]
fn the_credential_section_lists_accounts_and_the_export_never_a_password() {
    let dir = tempfile::tempdir().unwrap();
    let m = model(30);
    let h = m.credentials.as_ref().unwrap();
    let path = write(dir.path(), "r.pdf", &render(&m, &options()).unwrap());
    let flat = pages(&pdftotext(&path)).join(" ");
    assert!(flat.contains("Credential handover"), "{flat}");
    let e = h.export.as_ref().unwrap();
    assert!(flat.contains(&e.file), "{flat}");
    assert!(flat.contains(e.sha256.as_deref().unwrap()), "{flat}");
    assert!(flat.contains(&format!("Entries {}", e.entries)), "{flat}");
    assert!(
        flat.contains("What stays with") || flat.contains("stay sealed"),
        "{flat}"
    );
    // Every account, with its level: one row per (device, user).
    let layout = pdftotext_layout(&path);
    let section = &layout[layout.find("Credential handover").unwrap()..];
    for a in &h.accounts {
        let name = &m.device(&a.device_id).unwrap().name;
        if !name.is_ascii() || name.len() > 16 {
            continue; // wrapped or reordered by bidi: the ids below cover them
        }
        let row = section
            .lines()
            .find(|l| {
                l.trim_start().starts_with(name.as_str()) && l.contains(&format!(" {} ", a.user))
            })
            .unwrap_or_else(|| panic!("no account row {} {}", name, a.user));
        assert!(row.contains(a.level.as_deref().unwrap()), "{row}");
    }
    assert!(
        h.accounts
            .iter()
            .any(|a| a.user == "vms" && a.level.as_deref() == Some("Operator"))
    );
    // The cover tells IT to check the file it received.
    let page1 = &pages(&pdftotext(&path))[0];
    assert!(
        page1.contains(&e.file) && page1.contains(&e.sha256.as_deref().unwrap()[..16]),
        "{page1}"
    );
}

#[test]
fn waivers_show_the_customers_approver_and_expiry_and_the_cover_asks_for_missing_ones() {
    let dir = tempfile::tempdir().unwrap();
    let mut m = model(120);
    assert!(m.waivers.len() >= 2, "{}", m.waivers.len());
    m.waivers[0].approved_by.clear();
    m.waivers[1].expires_at = Some(clock() - time::Duration::days(1));
    let (w0, w1) = (m.waivers[0].clone(), m.waivers[1].clone());
    let path = write(dir.path(), "r.pdf", &render(&m, &options()).unwrap());
    let text = pdftotext(&path);
    let page1 = &pages(&text)[0];
    assert!(
        page1.contains(&format!(
            "Approve or reject 1 waiver(s) nobody on your side has accepted yet ({})",
            w0.finding_id
        )),
        "{page1}"
    );
    let layout = pdftotext_layout(&path);
    // A row and the line under it (cells wrap).
    let row = |id: &str| {
        let lines: Vec<&str> = layout.lines().collect();
        let i = lines
            .iter()
            .position(|l| l.trim_start().starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("no waiver row {id}"));
        lines[i..(i + 2).min(lines.len())].join("\n")
    };
    let r0 = row(&w0.id);
    assert!(r0.contains("not approved by"), "{r0}");
    let r1 = row(&w1.id);
    assert!(r1.contains(&w1.approved_by), "{r1}");
    assert!(r1.contains("(expired)"), "{r1}");
}

#[test]
fn many_known_exploited_devices_still_fit_one_cover_page() {
    let dir = tempfile::tempdir().unwrap();
    let m = model(400);
    let kev = m
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::Open && !f.known_exploited.is_empty())
        .count();
    assert!(kev > 5, "{kev}");
    let path = write(dir.path(), "r.pdf", &render(&m, &options()).unwrap());
    let pages = pages(&pdftotext(&path));
    assert!(
        pages[0].contains(&format!("and {} more", kev - 3)),
        "{}",
        pages[0]
    );
    assert!(pages[0].contains("What IT must do next"), "{}", pages[0]);
    assert!(
        pages[1].contains("Devices by VLAN"),
        "the cover spilled onto page 2: {}",
        &pages[1][..300.min(pages[1].len())]
    );
}
