//! The demo chain as the CLI meets it: `handover-demo` runs the whole job on the simulated site, then the
//! project it leaves is read and changed with `handover` (names, filters, pins, the report for IT, the
//! keyring's passwords, the planted faults). The `demo` test binary; `waivers.rs` continues it.

mod waivers;

use std::path::Path;
use std::process::Command;

use handover_system_tests::{
    demo_bin, handover, handover_at, handover_bin, keyring_or_skip, sqlite3, text,
};

/// The demo (`handover-demo`, its own binary) runs the whole chain on the simulated site through the real
/// keyring (under with-keyring.sh); the project it leaves is then read and changed with the `handover` CLI.
#[test]
fn demo_runs_the_whole_chain_to_a_trusted_signed_report() {
    if !keyring_or_skip("demo_runs_the_whole_chain_to_a_trusted_signed_report") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    // The keyring is the run's, shared with the other test binaries: the demo signs with the identity it finds
    // there, so the one another test left (another integrator) is replaced by the demo integrator's first.
    let o = handover(
        &dir.path().join("unused.handover"),
        &dir.path().join("data"),
        &[
            "sign-identity",
            "create",
            "--replace",
            "--name",
            "Demo Technician",
            "--org",
            "Example Security Integrators",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = Command::new(demo_bin())
        .args(["--fresh", "--out"])
        .arg(&out)
        .env("HANDOVER_DATA_DIR", dir.path().join("data"))
        .output()
        .unwrap();
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(t.contains("found 24 devices"), "{t}");
    assert!(t.contains("verify: Trusted"), "{t}");
    assert!(out.join("handover-report.pdf").is_file() && out.join("credentials.kdbx").is_file());
    report_names_the_workspace_version(&out);
    report_is_written_for_it(&out, &dir.path().join("data/signing/handover-ca.pem"));
    let project = out.join("demo.handover");
    let o = handover_at(&project, &["--json", "credentials", "list"]);
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rotated = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["state"] == "rotated")
        .count();
    assert_eq!(rotated, 23, "{list:#}");
    planted_faults_are_found_and_nothing_else(&project);
    no_generated_password_leaves_the_keyring(&out, &t);
    pinned_certificates_are_reported_and_forgotten_on_purpose(&out, &project);
    reading_commands_filter_and_show_the_newest(&out, &project);
    names_travel_everywhere(&out, &project, &dir.path().join("data"));
    waivers::waivers_of_several_findings_are_all_or_nothing(&project);
    waivers::verify_exports_the_reports_own_csv(&out);
}

/// Issue #18: a device renamed by the technician (or named by a labels CSV) carries that name in every table,
/// its findings, the JSON, the signed report and the KeePass titles; a labels file with a bad row changes
/// nothing and names the line; rows for devices not found yet are listed, not fatal.
fn names_travel_everywhere(out: &Path, project: &Path, data: &Path) {
    let run = |args: &[&str]| handover(project, data, args);
    let ok = |args: &[&str]| {
        let o = run(args);
        assert!(o.status.success(), "{args:?}: {}", text(&o));
        text(&o)
    };
    let t = ok(&[
        "devices",
        "rename",
        "D3",
        "Zürich Tor 3",
        "--location",
        "Car park",
    ]);
    assert!(t.contains("Zürich Tor 3") && t.contains("Car park"), "{t}");
    let table = ok(&["devices"]);
    let header = table.lines().next().unwrap();
    assert!(
        header.contains("NAME") && header.contains("LOCATION"),
        "{header}"
    );
    let row = table
        .lines()
        .find(|l| l.starts_with("D3 "))
        .unwrap_or_else(|| panic!("no D3 row: {table}"));
    assert!(
        row.contains("Zürich Tor 3") && row.contains("Car park"),
        "{row}"
    );
    let findings = ok(&["findings", "--all", "--device", "D3"]);
    assert!(findings.contains("D3 Zürich Tor 3"), "{findings}");
    let devices: serde_json::Value =
        serde_json::from_slice(&run(&["--json", "devices"]).stdout).unwrap();
    let d = |id: &str| {
        devices
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (d("D3")["name"].as_str(), d("D3")["location"].as_str()),
        (Some("Zürich Tor 3"), Some("Car park"))
    );
    // The step states are the engine's, the same the app's grid shows.
    assert_eq!(d("D3")["steps"]["identified"], "done", "{:#}", d("D3"));
    let in_custody = devices
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["steps"]["credentials"] == "done")
        .count();
    assert!(
        in_custody > 10,
        "after the demo most devices are in custody: {in_custody}"
    );
    // A device that named itself keeps its own ONVIF name until the technician renames it.
    let d4 = d("D4");
    let own = d4["name"].as_str().unwrap().to_owned();
    assert!(!own.is_empty() && !own.starts_with("127."), "{d4:#}");
    let mac = d4["identity"]["mac"]
        .as_str()
        .expect("D4's MAC was read")
        .to_owned();

    // A labels CSV: one bad row refuses the file, naming its line.
    let csv = out.join("labels.csv");
    std::fs::write(
        &csv,
        format!("mac,name,location\n{mac},Dock 1,Loading bay\nD5-nonsense,x,\n"),
    )
    .unwrap();
    let o = run(&["devices", "labels", csv.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    assert!(
        text(&o).contains("line 3") && text(&o).contains("nothing was changed"),
        "{}",
        text(&o)
    );
    std::fs::write(
        &csv,
        format!("device,mac,name,location\n,{mac},Dock 1,Loading bay\nD3,,\"Gate \u{1b}[2J\",\n"),
    )
    .unwrap();
    let o = run(&["devices", "labels", csv.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(4), "hostile name: {}", text(&o));
    let devices: serde_json::Value =
        serde_json::from_slice(&run(&["--json", "devices"]).stdout).unwrap();
    let name_of = |id: &str| {
        devices
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id)
            .unwrap()["name"]
            .clone()
    };
    assert_eq!(name_of("D4"), own.as_str(), "a refused file changed D4");
    std::fs::write(
        &csv,
        format!("mac,name,location\n{mac},Dock 1,Loading bay\n00:11:22:33:44:55,Not here yet,\n"),
    )
    .unwrap();
    let t = ok(&["devices", "labels", csv.to_str().unwrap()]);
    assert!(
        t.contains("1 row named no device") && t.contains("line 3"),
        "{t}"
    );
    let t = ok(&["devices"]);
    assert!(
        t.lines()
            .any(|l| l.starts_with("D4 ") && l.contains("Dock 1") && l.contains("Loading bay")),
        "{t}"
    );
    let log = ok(&["audit", "log", "--limit", "5"]);
    assert!(log.contains("device.labelled"), "{log}");

    // The signed report and the KeePass titles carry the names.
    let pdf = out.join("renamed.pdf");
    ok(&["report", "--out", pdf.to_str().unwrap()]);
    let o = Command::new("pdftotext")
        .arg("-layout")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let pdf_text = String::from_utf8_lossy(&o.stdout);
    for want in ["Zürich Tor 3", "Car park", "Dock 1"] {
        assert!(pdf_text.contains(want), "{want} not in the report");
    }
    let kdbx = out.join("renamed.kdbx");
    let mut child = Command::new(handover_bin())
        .arg("--project")
        .arg(project)
        .args(["credentials", "export", "--kdbx"])
        .arg(&kdbx)
        .env("HANDOVER_DATA_DIR", data)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"renamed-export-pw\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let mut child = Command::new("keepassxc-cli")
        .args(["ls", "-R", "-f"])
        .arg(&kdbx)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("keepassxc-cli (scripts/setup.sh installs keepassxc)");
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"renamed-export-pw\n").unwrap();
    let o = child.wait_with_output().unwrap();
    let entries = String::from_utf8_lossy(&o.stdout);
    assert!(
        entries.contains("Zürich Tor 3 (D3)") && entries.contains("Dock 1 (D4)"),
        "{}",
        text(&o)
    );
}

/// `findings --severity/--device` filter; an unknown device is "not found" (exit 6) before anything else,
/// for `findings` and `accounts` alike; `audit log --limit N` shows the newest N entries; `verify` shows its
/// signing time as a date people read.
fn reading_commands_filter_and_show_the_newest(out: &Path, project: &Path) {
    let json = |args: &[&str]| -> serde_json::Value {
        let o = handover_at(project, args);
        assert!(o.status.success(), "{args:?}: {}", text(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let all = json(&["--json", "findings", "--all"]);
    // --state picks states: the demo fixed WS-Discovery and waived one finding.
    let count = |v: &serde_json::Value, st: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .filter(|f| f["status"] == st)
            .count()
    };
    let fixed_waived = json(&[
        "--json", "findings", "--state", "fixed", "--state", "waived",
    ]);
    assert!(
        count(&fixed_waived, "fixed") > 0 && count(&fixed_waived, "waived") > 0,
        "{fixed_waived:#}"
    );
    assert_eq!(count(&fixed_waived, "open"), 0);
    assert_eq!(
        fixed_waived.as_array().unwrap().len(),
        count(&all, "fixed") + count(&all, "waived")
    );
    let high = json(&["--json", "findings", "--all", "--severity", "high"]);
    let high = high.as_array().unwrap();
    assert!(!high.is_empty(), "the demo has known-exploited firmware");
    assert!(high.len() < all.as_array().unwrap().len());
    assert!(
        high.iter()
            .all(|f| f["severity"] == "high" || f["severity"] == "critical"),
        "{high:#?}"
    );
    // Ids read in JSON as they do in text: "D3", "F7".
    let device = all[0]["device"].as_str().unwrap().to_owned();
    assert!(device.starts_with('D'), "{device}");
    assert!(
        all[0]["id"].as_str().unwrap().starts_with('F'),
        "{}",
        all[0]
    );
    let one = json(&["--json", "findings", "--all", "--device", &device]);
    assert!(!one.as_array().unwrap().is_empty());
    assert!(
        one.as_array()
            .unwrap()
            .iter()
            .all(|f| f["device"] == device)
    );
    for args in [
        &["findings", "--device", "D999"][..],
        &["accounts", "list", "--device", "D999"][..],
    ] {
        let o = handover_at(project, args);
        assert_eq!(o.status.code(), Some(6), "{args:?}: {}", text(&o));
        assert!(
            text(&o).contains("D999 not found"),
            "{args:?}: {}",
            text(&o)
        );
    }
    let head = json(&["--json", "audit", "verify"])["entries"]
        .as_i64()
        .unwrap();
    let o = handover_at(project, &["audit", "log", "--limit", "3"]);
    let seqs: Vec<i64> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect();
    assert_eq!(
        seqs,
        vec![head, head - 1, head - 2],
        "newest first: {}",
        text(&o)
    );
    let seqs_of = |args: &[&str]| -> (Vec<i64>, usize) {
        let o = handover_at(project, args);
        assert!(o.status.success(), "{args:?}: {}", text(&o));
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        let widest = out.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        let seqs = out
            .lines()
            .skip(1)
            .filter_map(|l| l.split_whitespace().next()?.parse().ok())
            .collect();
        (seqs, widest)
    };
    assert_eq!(
        seqs_of(&["audit", "log", "--oldest", "--limit", "2"]).0,
        vec![1, 2]
    );
    // Not a terminal: details cut to 120 characters; --full shows them whole.
    let (_, cut) = seqs_of(&["audit", "log", "--oldest", "--limit", "500"]);
    let (_, whole) = seqs_of(&["audit", "log", "--oldest", "--limit", "500", "--full"]);
    assert!(whole > cut, "--full shows more: {whole} vs {cut}");
    let o = handover_at(project, &["audit", "log", "--limit", "0"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = handover_at(
        project,
        &["verify", out.join("handover-report.pdf").to_str().unwrap()],
    );
    let signed = String::from_utf8_lossy(&o.stdout)
        .lines()
        .find(|l| l.starts_with("Signed"))
        .map(str::to_owned)
        .unwrap_or_default();
    assert!(
        signed.ends_with(" UTC") && !signed.contains("D:"),
        "{signed:?} in {}",
        text(&o)
    );
}

/// Devices that answered over HTTPS have their certificate pinned (in `devices --json` and the report's JSON
/// twin); `devices forget-certificate` lifts one pin, audited, and says when there is nothing to forget.
fn pinned_certificates_are_reported_and_forgotten_on_purpose(out: &Path, project: &Path) {
    let o = handover_at(project, &["--json", "devices"]);
    let devices: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let pinned: Vec<&serde_json::Value> = devices
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["facts"]["tls_fingerprint"].is_string())
        .collect();
    assert!(pinned.len() >= 10, "HTTPS devices are pinned: {devices:#}");
    let twin: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("handover-report.json")).unwrap()).unwrap();
    let in_twin = twin["devices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["tls_sha256"].is_string())
        .count();
    assert_eq!(in_twin, pinned.len(), "{twin:#}");

    let id = pinned[0]["id"].as_str().unwrap().to_owned();
    let fp = pinned[0]["facts"]["tls_fingerprint"].as_str().unwrap();
    let o = handover_at(project, &["devices", "forget-certificate", "--device", &id]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains(fp), "{}", text(&o));
    let audit = sqlite3(
        project,
        "SELECT subject, detail FROM audit WHERE action = 'device.certificate-forgotten';",
    );
    let audit = String::from_utf8_lossy(&audit.stdout);
    assert!(audit.contains(&id) && audit.contains(fp), "{audit}");
    let o = handover_at(project, &["devices", "forget-certificate", "--device", &id]);
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    assert!(text(&o).contains("no pinned certificate"), "{}", text(&o));
    let o = handover_at(
        project,
        &["devices", "forget-certificate", "--device", "D999"],
    );
    assert_eq!(o.status.code(), Some(6), "{}", text(&o));
}

/// The report carries the version every package inherits from the workspace (tests/version.rs): in its
/// JSON twin and in the PDF's method appendix, as poppler's `pdftotext` reads it.
fn report_names_the_workspace_version(out: &Path) {
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("handover-report.json")).unwrap()).unwrap();
    assert_eq!(json["handover_version"], env!("CARGO_PKG_VERSION"));
    let o = Command::new("pdftotext")
        .arg("-layout")
        .arg(out.join("handover-report.pdf"))
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils, installed by scripts/setup.sh)");
    let text = String::from_utf8_lossy(&o.stdout);
    let line = text
        .lines()
        .find(|l| l.contains("Handover version"))
        .unwrap_or_else(|| panic!("no \"Handover version\" in the PDF's text:\n{text}"));
    assert!(line.contains(env!("CARGO_PKG_VERSION")), "{line}");
}

/// The demo's report as the customer's IT reads it (issue #16): page 1 splits the open findings by severity,
/// names the known-exploited CVEs and prints the CA's SHA-256 as openssl computes it from the CA file IT gets;
/// every open finding has an owner and a due date; the device never logged into (D18, not activated) reads
/// "not checked" with the activation reason, never a green clock or "Services none"; the technician's commands
/// stay out; the WS-Discovery fixes are one grouped row.
fn report_is_written_for_it(out: &Path, ca_pem: &Path) {
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("handover-report.json")).unwrap()).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let open: Vec<&serde_json::Value> = findings.iter().filter(|f| f["status"] == "open").collect();
    assert!(!open.is_empty());
    for f in &open {
        assert!(
            f["owner"].is_string() && f["due"].is_string(),
            "open finding without owner or due date: {f:#}"
        );
    }
    let pdftotext = |layout: bool| {
        let mut cmd = Command::new("pdftotext");
        if layout {
            cmd.arg("-layout");
        }
        let o = cmd
            .arg(out.join("handover-report.pdf"))
            .arg("-")
            .output()
            .expect("pdftotext");
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let text = pdftotext(false);
    let page1 = text
        .split('\u{c}')
        .next()
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let open_n = open.len();
    assert!(
        page1.contains(&format!("Open findings by severity ({open_n} open)")),
        "{page1}"
    );
    let kev: Vec<&str> = open
        .iter()
        .flat_map(|f| f["known_exploited"].as_array().into_iter().flatten())
        .filter_map(|c| c.as_str())
        .collect();
    assert!(
        kev.contains(&"CVE-2021-36260"),
        "the demo plants a known-exploited Hikvision firmware: {kev:?}"
    );
    for cve in &kev {
        assert!(page1.contains(cve), "{cve} not on page 1: {page1}");
    }
    assert!(page1.contains("What IT must do next"), "{page1}");
    let o = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(ca_pem)
        .output()
        .expect("openssl");
    let fp = String::from_utf8_lossy(&o.stdout)
        .trim()
        .rsplit('=')
        .next()
        .unwrap()
        .replace(':', "");
    assert_eq!(fp.len(), 64, "{}", String::from_utf8_lossy(&o.stdout));
    assert!(
        page1.replace([':', ' '], "").contains(&fp),
        "CA fingerprint {fp} not on page 1: {page1}"
    );

    // No technician instructions reach IT; the activation reason does.
    assert!(
        !text.contains("handover credentials"),
        "technician command in the PDF"
    );
    assert!(text.contains("SADP"), "the activation reason is missing");

    // The device never logged into: its row says "not checked", never a pass.
    let d18 = json["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "D18")
        .unwrap();
    let aspects = d18["not_checked"]["aspects"]
        .as_array()
        .expect("D18 has checks that did not run");
    for a in ["credentials", "services", "clock"] {
        assert!(aspects.iter().any(|x| x == a), "{a} not marked: {d18:#}");
    }
    let layout = pdftotext(true);
    let name = d18["name"].as_str().unwrap();
    let row = layout
        .lines()
        .find(|l| l.trim_start().starts_with(name))
        .unwrap_or_else(|| panic!("no device row for {name}"));
    assert!(
        row.contains("not checked") && !row.contains("+0 s") && !row.contains("none"),
        "{row}"
    );

    // Fixed findings, grouped: one row for every WS-Discovery switched off, with its device count.
    let ws = findings
        .iter()
        .filter(|f| f["resolution"]["action"] == "WS-Discovery switched off")
        .count();
    assert!(ws >= 20, "{ws}");
    assert_eq!(
        text.matches("WS-Discovery switched off").count(),
        1,
        "one grouped row"
    );
    let line = layout
        .lines()
        .find(|l| l.contains("WS-Discovery switched off"))
        .unwrap();
    assert!(line.contains(&format!(" {ws} ")), "{line}");
    assert!(
        !text.contains("WS-Discovery is still on"),
        "fixed rows listed by their old titles"
    );
}

/// Reads every held password back from the demo's KeePass export with `keepassxc-cli` (an independent reader),
/// checks that the OS keyring holds none of them (only the project's vault key and signing key live there), and
/// that none appears in the project file, the exports, the report's text or the output.
fn no_generated_password_leaves_the_keyring(out: &Path, stdout: &str) {
    let mut child = Command::new("keepassxc-cli")
        .args(["export", "-f", "csv"])
        .arg(out.join("credentials.kdbx"))
        .env("QT_QPA_PLATFORM", "offscreen")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("keepassxc-cli (keepassxc, installed by scripts/setup.sh)");
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"demo-export-password\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut reader = csv::Reader::from_reader(&o.stdout[..]);
    let col = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "Password")
        .expect("a Password column");
    let secrets: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[col].to_owned())
        .filter(|s| s.len() >= 12)
        .collect();
    assert!(
        secrets.len() >= 23,
        "expected the rotated passwords in the export, got {}",
        secrets.len()
    );
    let o = Command::new("secret-tool")
        .args(["search", "--all", "--unlock", "service", "handover"])
        .output()
        .expect("secret-tool");
    let listing =
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    let text = Command::new("pdftotext")
        .arg(out.join("handover-report.pdf"))
        .arg("-")
        .output()
        .unwrap()
        .stdout;
    let mut haystacks: Vec<(String, Vec<u8>)> = vec![
        ("report text".into(), text),
        ("demo output".into(), stdout.as_bytes().to_vec()),
        ("the OS keyring".into(), listing.into_bytes()),
    ];
    for name in [
        "demo.handover",
        "demo.handover-wal",
        "handover-report.json",
        "handover-report.csv",
        "handover-report.pdf",
    ] {
        if let Ok(b) = std::fs::read(out.join(name)) {
            haystacks.push((name.into(), b));
        }
    }
    for secret in &secrets {
        for (name, hay) in &haystacks {
            assert!(
                !hay.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "a stored password appears in {name}"
            );
        }
    }
}

/// The checks find exactly what the demo manifest planted (it is the single source of those facts), plus
/// "WS-Discovery still on" on every device (the hardening step after commissioning), and nothing else.
fn planted_faults_are_found_and_nothing_else(project: &Path) {
    use handover_sim::{Planted, SiteManifest};
    use std::collections::BTreeSet;
    let o = handover_at(project, &["--json", "devices"]);
    let devices: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let addr_of = |id: &str| -> String {
        devices
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id)
            .unwrap()["address"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let o = handover_at(project, &["--json", "findings", "--all"]);
    let findings: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let found: BTreeSet<(String, String)> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                addr_of(f["device"].as_str().unwrap()),
                f["check"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut expected = BTreeSet::new();
    for d in SiteManifest::demo().devices {
        let addr = d.address.to_string();
        let planted = d.planted.clone();
        expected.insert((addr.clone(), "services.discovery-on".to_owned()));
        for p in planted.unwrap_or_default() {
            let checks: &[&str] = match p {
                Planted::MisplacedSubnet => &["network.wrong-subnet"],
                Planted::WrongPortVlan => &["network.wrong-port-vlan"],
                Planted::OutdatedFirmware => &["firmware.known-exploited"],
                Planted::HttpOnly => &["services.http-only"],
                Planted::HttpBesideHttps => &["services.http-beside-https"],
                Planted::NtpNotSet => &["time.ntp-not-set"],
                Planted::ClockSkew => &["time.clock-skew"],
                // Handover cannot log in until the technician activates it with the vendor's tool: no custody,
                // and its firmware cannot be read.
                Planted::FactoryNewActivation => {
                    &["credentials.unknown", "firmware.not-in-baseline"]
                }
                // The technician supplied it; custody taken, then rotated: nothing left open.
                Planted::PasswordChanged | Planted::LockoutProne | Planted::FactoryNewNoUsers => {
                    &[]
                }
            };
            for c in checks {
                expected.insert((addr.clone(), (*c).to_owned()));
            }
        }
        // Not activated: its discovery mode cannot be read, so that check is not evaluated (never a silent pass).
        let unreadable = d
            .planted
            .as_ref()
            .is_some_and(|p| p.contains(&Planted::FactoryNewActivation));
        if !d.discoverable || unreadable {
            expected.remove(&(addr.clone(), "services.discovery-on".to_owned()));
        }
        // Its protocols cannot be read either.
        if unreadable {
            expected.remove(&(addr.clone(), "services.http-beside-https".to_owned()));
        }
    }
    // The demo fixed on the spot what ONVIF allows, and read it back.
    for f in findings.as_array().unwrap() {
        if [
            "services.discovery-on",
            "time.ntp-not-set",
            "services.http-beside-https",
        ]
        .contains(&f["check"].as_str().unwrap())
        {
            assert_eq!(f["status"], "fixed", "{f:#}");
        }
        if f["check"] == "time.clock-skew" {
            assert_eq!(
                f["status"], "open",
                "NTP set does not fix a skewed clock until it syncs: {f:#}"
            );
        }
    }
    let missing: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:#?}\nextra {extra:#?}"
    );
}
