//! End to end in the real window: tauri-driver + WebKitWebDriver drive the built `handover-desktop` binary
//! (run it under `xvfb-run`; scripts/test-desktop.sh does) against the simulated demo site (24 devices on
//! loopback). The walk: create a project with the demo plan, see the plan, a plan CSV refused with its line and
//! column; a device that reboots says Bye and Hello and appears on the Devices screen live (the app's listener
//! is bound to a loopback address here: no multicast group is joined, nothing leaves the machine); discovery
//! (unicast sweep) finds the whole site, and a host with ONVIF off is listed as answered but not identified; the
//! grid, search, grouping by VLAN, the detail panel; on the Credentials screen the
//! factory defaults are found, the one changed password is typed in, every held password is rotated with
//! per-device progress (and proven changed on the simulated devices), a VMS account is created and the
//! passwords are exported for IT; on the Devices screen the device's web page is opened (HTTPS) and its password
//! copied to the clipboard, proven by the device and cleared after the delay; a checks run, one finding fixed on the device with confirmation (read back by
//! the engine) and one waived; on the Devices screen a selection made with click and shift+arrows fixed in one go
//! after one confirmation; a signing identity created in the real OS keyring, the report signed, saved and
//! checked with poppler's `pdfsig`; then the Review screen with a signed PDF (amber without a CA, then trusted
//! with the CA), a report naming another integrator shown amber with both names, and a tampered copy shown as
//! changed (red). Last, a 2,000-camera project opened at 1366x768: at least 20 whole rows below the grid's
//! header, the rows in the page bounded, first paint, filter and scroll figures printed, and the one confirmation
//! of "Fix all fixable" listing its 1,333 changes. Each screen is saved to
//! the build folder's `screenshots/` (`driver::screenshot_dir`; `scripts/update-screenshots.sh` refreshes
//! docs/screenshots/).
//!
//! Needs an unlocked Secret Service (scripts/test-desktop.sh starts a throwaway gnome-keyring in a
//! dbus-run-session). Built only with `--features e2e` (see Cargo.toml), so `cargo test -p handover-desktop` needs no X server.

mod big;
mod driver;
mod fixtures;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use driver::{
    assert_not_in_page, choose, click, click_xpath, fill, scroll_panel_to, scroll_to, set_value,
    shot, wait_for, wait_text, wait_text_within,
};

/// What the X clipboard holds now (empty when nothing), read with xclip as another program would.
fn clipboard() -> String {
    Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

fn repo() -> PathBuf {
    manifest_dir().join("..")
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// The button `testid_prefix` in the Credentials table's row of the device at `address`.
fn row_button(address: &str, testid_prefix: &str) -> String {
    format!(
        "//tr[.//span[contains(., '{address} ')] or .//span[text()='{address}']]//button[starts-with(@data-testid, '{testid_prefix}')]"
    )
}

/// The number after `label` in `text` ("Rotated: 21" -> 21).
fn count_after(text: &str, label: &str) -> usize {
    text.split(label)
        .nth(1)
        .and_then(|t| t.trim().split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count after {label:?} in {text:?}"))
}

#[tokio::test(flavor = "current_thread")]
async fn technician_walk_and_it_review() {
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let fx = fixtures::write(tmp.path());
    let config = tmp.path().join("config");
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let port: u16 = std::env::var("HANDOVER_E2E_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(4744);
    // The app listens for Hello/Bye on a loopback address only (no group joined), where the site sends them.
    let listen_at = std::net::SocketAddr::from(([127, 0, 0, 1], port + 2));
    let listen_env = listen_at.to_string();
    let site = fixtures::DemoSite::spawn(listen_at);
    fixtures::spawn_not_onvif_host();
    // "Open web page" runs this instead of the browser: it notes the address it was given.
    let opened_log = tmp.path().join("opened.txt");
    let opener = tmp.path().join("open-with.sh");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\necho \"$1\" > '{}'\n", opened_log.display()),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let drv = driver::start(
        port,
        &[
            ("HANDOVER_CONFIG_DIR", config.as_path()),
            ("HANDOVER_DATA_DIR", tmp.path().join("data").as_path()),
            ("HANDOVER_LISTEN", Path::new(&listen_env)),
            ("HANDOVER_CLIPBOARD_CLEAR_SECS", Path::new("3")),
            ("HANDOVER_OPEN_WITH", opener.as_path()),
            ("XDG_DATA_HOME", home.as_path()),
            ("XDG_CONFIG_HOME", home.as_path()),
            ("XDG_CACHE_HOME", home.as_path()),
        ],
    );
    let app = PathBuf::from(env!("CARGO_BIN_EXE_handover-desktop"));
    let c = driver::connect(&drv, &app).await;

    // Projects: nothing open yet.
    wait_for(&c, "[data-testid=screen-projects]").await;
    wait_text(&c, "[data-testid=current-project]", "No project open").await;
    wait_for(&c, "[data-testid=keyring]").await;
    shot(&c, "01-projects").await;

    // Create a project with the demo plan; the listener starts with it.
    let project = tmp.path().join("warehouse-3.handover");
    fill(&c, "#site-name", "Warehouse 3").await;
    fill(&c, "#site-customer", "Riverside Logistics").await;
    fill(&c, "#site-address", "1 Dock Road").await;
    fill(&c, "#site-integrator", "Example Security").await;
    fill(&c, "#site-technician", "Ana Lopez").await;
    fill(&c, "#new-path", &s(&project)).await;
    fill(&c, "#plan-csv", &s(&repo().join("assets/demo/plan.csv"))).await;
    click(&c, "[data-testid=create]").await;
    let status = wait_text(&c, "[data-testid=project-status]", "Warehouse 3").await;
    assert!(status.contains("VLANs planned"), "{status}");
    assert!(project.exists(), "the project file was created");
    wait_text(&c, "[data-testid=audit]", "intact").await;
    wait_text(&c, "[data-testid=recent]", "warehouse-3.handover").await;
    wait_text(
        &c,
        "[data-testid=listener]",
        &format!("Listening on {listen_at}"),
    )
    .await;
    shot(&c, "02-project-created").await;

    // Site & plan: the demo plan's VLANs.
    click(&c, "[data-testid=nav-plan]").await;
    let plan = wait_text(&c, "[data-testid=plan-table]", "Cameras").await;
    assert!(
        plan.contains("Access control") && plan.contains("127.20.0.0/24"),
        "{plan}"
    );
    shot(&c, "03-plan").await;
    // A bad CSV: refused with line and column, nothing changed.
    fill(&c, "#plan-import", &s(&fx.bad_plan)).await;
    click(&c, "[data-testid=plan-check]").await;
    let problem = wait_text(&c, "[data-testid=plan-problem]", "Line 3").await;
    assert!(problem.contains("subnet"), "{problem}");
    shot(&c, "04-plan-csv-error").await;

    // Devices: empty until a device announces itself. One reboots: Bye, then Hello, and it is on the grid.
    click(&c, "[data-testid=nav-devices]").await;
    wait_text(&c, "[data-testid=devices-empty]", "No devices yet").await;
    let rebooting = site
        .site()
        .device(fixtures::REBOOTING)
        .expect("the rebooting device");
    let rebooting_ip = rebooting.ip().to_string();
    rebooting.reboot();
    wait_text(&c, "[data-testid=device-grid]", &rebooting_ip).await;
    wait_text(&c, "[data-testid=devices-heard]", "said Hello: new device").await;
    shot(&c, "05-devices-hello-live").await;

    // Discover: multicast off (this test sends nothing beyond loopback), a unicast sweep of the demo plan's
    // 127.x subnets finds the whole site; the device heard by Hello is the same device, not a new one.
    click(&c, "[data-testid=nav-discover]").await;
    wait_text(&c, "[data-testid=screen-discover]", "127.30.0.0/24").await;
    wait_text(&c, "[data-testid=heard]", "said Bye").await;
    click(&c, "[data-testid=multicast]").await;
    let multicast = wait_for(&c, "[data-testid=multicast]").await;
    assert_eq!(
        multicast.prop("checked").await.unwrap().as_deref(),
        Some("false")
    );
    let devices = site.site().devices().len();
    click(&c, "[data-testid=run-discovery]").await;
    wait_for(&c, "[data-testid=progress]").await;
    let summary = wait_text_within(&c, "[data-testid=discover-summary]", "Found", 180).await;
    assert!(
        summary.contains(&format!("Found {devices} devices"))
            && summary.contains(&format!("{} new", devices - 1)),
        "{summary}"
    );
    scroll_to(&c, "[data-testid=discover-summary]").await;
    shot(&c, "06-discover").await;
    // A host on the camera subnet answered HTTP but not ONVIF: listed with why and what to do next.
    let unidentified = wait_text(&c, "[data-testid=unidentified]", fixtures::NOT_ONVIF).await;
    assert!(
        unidentified.contains("not the camera protocol")
            && unidentified.contains("switch ONVIF on"),
        "{unidentified}"
    );
    scroll_to(&c, "[data-testid=unidentified]").await;
    shot(&c, "06b-discover-unidentified").await;

    // Devices: the grid, search, the detail panel.
    click(&c, "[data-testid=nav-devices]").await;
    wait_text(&c, "[data-testid=device-grid]", "127.40.0.20").await;
    fill(&c, "[data-testid=device-search]", "127.30").await;
    let grid = wait_text(&c, "[data-testid=device-grid]", "127.30.0.20").await;
    assert!(
        !grid.contains("127.20.0.10"),
        "search should leave VLAN 30 only: {grid}"
    );
    fill(&c, "[data-testid=device-search]", "").await;
    wait_text(&c, "[data-testid=device-grid]", "127.20.0.10").await;
    shot(&c, "07-devices").await;
    // Grouped by VLAN: a header per planned VLAN, its devices under it; the unidentified host listed here too.
    choose(&c, "[data-testid=group-by]", "vlan").await;
    let v20 = wait_text(&c, "[data-testid=\"group-vlan:20\"]", "VLAN 20").await;
    assert!(v20.contains("Cameras"), "{v20}");
    wait_text(&c, "[data-testid=\"group-vlan:30\"]", "VLAN 30").await;
    wait_text(&c, "[data-testid=unidentified]", fixtures::NOT_ONVIF).await;
    shot(&c, "07b-devices-by-vlan").await;
    choose(&c, "[data-testid=group-by]", "none").await;
    // An HTTPS-only camera: its certificate was pinned when it first answered.
    fill(&c, "[data-testid=device-search]", "127.20.0.10").await;
    wait_text(&c, "[data-testid=device-grid]", "127.20.0.10").await;
    click(&c, "[data-testid^=device-link-]").await;
    let detail = wait_text(
        &c,
        "[data-testid=device-detail]",
        "TLS certificate (pinned)",
    )
    .await;
    assert!(
        detail.contains("Manufacturer") && detail.contains("SHA-256 "),
        "{detail}"
    );
    scroll_panel_to(&c, "[data-testid=detail-step-services]").await;
    shot(&c, "08-device-detail").await;
    // A replaced camera: Forget certificate, asked twice; the panel then shows no pin.
    scroll_panel_to(&c, "[data-testid=forget-certificate]").await;
    click(&c, "[data-testid=forget-certificate]").await;
    scroll_panel_to(&c, "[data-testid=forget-certificate-confirm]").await;
    click(&c, "[data-testid=forget-certificate-confirm]").await;
    let deadline = Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let text = wait_for(&c, "[data-testid=device-detail]")
            .await
            .text()
            .await
            .unwrap_or_default();
        if !text.contains("TLS certificate (pinned)") {
            break;
        }
        assert!(Instant::now() < deadline, "the pin is still shown:\n{text}");
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }
    fill(&c, "[data-testid=device-search]", "").await;

    // Credentials: defaults, the one changed password typed in, rotation through this screen.
    click(&c, "[data-testid=nav-credentials]").await;
    wait_text(
        &c,
        "[data-testid=custody-counts]",
        &format!("Not tried: {devices}"),
    )
    .await;
    click(&c, "[data-testid=find-defaults]").await;
    wait_text_within(&c, "[data-testid=custody-result]", "Defaults work on", 180).await;
    // The engine's count: every device with an ONVIF address was tried, each reported as it finished.
    let progress = wait_text(&c, "[data-testid=progress]", "Done: ").await;
    let tried = count_after(&progress, "Done:");
    assert!(
        tried > 0 && tried <= devices && progress.contains(&format!("Done: {tried} of {tried}")),
        "{progress}"
    );
    let counts = wait_text(&c, "[data-testid=custody-counts]", "Factory default: ").await;
    assert!(count_after(&counts, "Factory default:") >= 15, "{counts}");
    shot(&c, "09-credentials-defaults").await;
    let (user, password, changed_at) = site.changed_password();
    let changed_at = changed_at.to_string();
    // The table lists only the rows in view: search for the device first, as a technician would.
    fill(&c, "[data-testid=custody-search]", &changed_at).await;
    click_xpath(&c, &row_button(&changed_at, "set-open-")).await;
    fill(&c, "#set-user", &user).await;
    fill(&c, "#set-password", &password).await;
    click(&c, "[data-testid=set-submit]").await;
    wait_text(
        &c,
        "[data-testid=credentials-notice]",
        "accepts that password",
    )
    .await;
    assert_not_in_page(&c, &password, "after the password was sent").await;
    // The demo site has a device without HTTPS: the technician accepts plain HTTP for it, for this run.
    click(&c, "[data-testid=allow-plain-http]").await;
    click(&c, "[data-testid=rotate-all]").await;
    let rotated = wait_text_within(&c, "[data-testid=custody-result]", "Rotated ", 240).await;
    let progress = wait_text(&c, "[data-testid=progress]", "Done: ").await;
    let n = count_after(&rotated, "Rotated");
    assert!(
        n >= 16 && progress.contains(&format!("Done: {n} of {n}")),
        "{rotated}\n{progress}"
    );
    assert!(
        rotated.contains("rolled back 0") && rotated.contains("unsettled 0"),
        "{rotated}"
    );
    let counts = wait_text(&c, "[data-testid=custody-counts]", &format!("Rotated: {n}")).await;
    assert!(
        counts.contains("Supplied: 0") && counts.contains("Factory default: 0"),
        "{counts}"
    );
    // Really changed on the device: the password the technician typed no longer works there.
    let roof = site
        .site()
        .devices()
        .iter()
        .find(|d| d.ip().to_string() == changed_at)
        .expect("the device whose password was changed");
    assert!(
        !roof.check_password(&user, &password),
        "the old password still works on {changed_at}"
    );
    assert_not_in_page(&c, &password, "after rotation").await;
    scroll_to(&c, "main h1").await;
    shot(&c, "10-credentials-rotated").await;
    // Its accounts, and a least-privilege account for the VMS.
    fill(&c, "[data-testid=custody-search]", &changed_at).await;
    click_xpath(&c, &row_button(&changed_at, "accounts-open-")).await;
    wait_text(&c, "[data-testid=accounts]", "Held by Handover").await;
    click(&c, "[data-testid=create-vms]").await;
    wait_text_within(&c, "[data-testid=credentials-notice]", "Created vms", 60).await;
    let accounts = wait_text(&c, "[data-testid=accounts]", "vms").await;
    assert!(accounts.contains("Operator"), "{accounts}");
    assert!(
        roof.users().iter().any(|u| u == "vms"),
        "the device lists vms"
    );
    scroll_to(&c, "[data-testid=accounts]").await;
    shot(&c, "11-credentials-accounts").await;
    fill(&c, "[data-testid=custody-search]", "").await;
    // Export for IT: the password typed twice.
    let kdbx = tmp.path().join("warehouse-3-credentials.kdbx");
    let export_password = "e2e export passphrase 42";
    fill(&c, "#export-path", &s(&kdbx)).await;
    fill(&c, "#export-password", export_password).await;
    fill(&c, "#export-confirm", "e2e export passphrase 43").await;
    wait_text(&c, "[data-testid=export-problem]", "differ").await;
    fill(&c, "#export-confirm", export_password).await;
    click(&c, "[data-testid=export-submit]").await;
    let written = wait_text_within(&c, "[data-testid=export-written]", "Wrote", 60).await;
    assert!(
        kdbx.exists() && count_after(&written, "Wrote") > n,
        "{written}"
    );
    assert_not_in_page(&c, export_password, "after the export").await;
    scroll_to(&c, "[data-testid=export]").await;
    shot(&c, "12-credentials-export").await;

    // Discover again: identification now reads what needs the password Handover holds (time, services,
    // accounts), so the checks can judge them.
    click(&c, "[data-testid=after-rotation]").await;
    click(&c, "[data-testid=multicast]").await;
    click(&c, "[data-testid=run-discovery]").await;
    let again = wait_text_within(&c, "[data-testid=discover-summary]", "Found", 180).await;
    assert!(
        again.contains(&format!("Found {devices} devices")) && again.contains("0 new"),
        "{again}"
    );

    // On site: the device's web page opened over HTTPS where it offers it, and its password on the clipboard
    // (never on the screen), gone from the clipboard after the delay (3 s here, 30 s by default).
    click(&c, "[data-testid=nav-devices]").await;
    fill(&c, "[data-testid=device-search]", &changed_at).await;
    wait_text(&c, "[data-testid=device-grid]", &changed_at).await;
    click(&c, "[data-testid^=device-link-]").await;
    wait_for(&c, "[data-testid=open-web-page]").await;
    click(&c, "[data-testid=open-web-page]").await;
    let opened = wait_text(&c, "[data-testid=on-site]", "Opened ").await;
    let scheme = if roof.https_addr().is_some() {
        "https"
    } else {
        "http"
    };
    let url = std::fs::read_to_string(&opened_log).unwrap_or_default();
    assert!(
        url.trim().starts_with(&format!("{scheme}://{changed_at}")) && opened.contains(url.trim()),
        "{opened} / {url}"
    );
    scroll_panel_to(&c, &format!("[data-testid=copy-password-{user}]")).await;
    click(&c, &format!("[data-testid=copy-password-{user}]")).await;
    wait_text(&c, "[data-testid=on-site]", "clipboard is cleared in 3 s").await;
    let clip = clipboard();
    assert!(
        roof.check_password(&user, &clip),
        "the clipboard holds the password the device takes"
    );
    assert_not_in_page(&c, &clip, "after Copy password").await;
    scroll_panel_to(&c, "[data-testid=on-site]").await;
    shot(&c, "12b-device-on-site").await;
    let deadline = Instant::now() + std::time::Duration::from_secs(20);
    while clipboard() == clip {
        assert!(
            Instant::now() < deadline,
            "the clipboard still holds the password"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }

    // The technician names the device: the name and location show in the grid and the detail, and later in
    // the findings and the signed report's JSON twin.
    click(&c, "[data-testid=rename]").await;
    fill(&c, "[data-testid=rename-name]", "Zürich Tor 3").await;
    fill(&c, "[data-testid=rename-location]", "Car park level 2").await;
    click(&c, "[data-testid=rename-save]").await;
    wait_text(&c, "[data-testid=detail-name]", "Zürich Tor 3").await;
    wait_text(&c, "[data-testid=detail-location]", "Car park level 2").await;
    wait_text(&c, "[data-testid=device-grid]", "Zürich Tor 3").await;
    shot(&c, "12c-device-renamed").await;
    fill(&c, "[data-testid=device-search]", "").await;

    // Checks: a run with progress per device; one finding fixed on the device (asked first, read back), one waived.
    click(&c, "[data-testid=nav-checks]").await;
    click(&c, "[data-testid=run-checks]").await;
    wait_text_within(
        &c,
        "[data-testid=check-summary]",
        &format!("Checked {devices} devices"),
        120,
    )
    .await;
    wait_text(
        &c,
        "[data-testid=progress]",
        &format!("Done: {devices} of {devices}"),
    )
    .await;
    shot(&c, "13-checks").await;
    fill(&c, "input[type=search]", "time.ntp-not-set").await;
    click(&c, "[data-testid^=fix-open-]").await;
    wait_text(&c, "[data-testid=fix-preview]", "Apply it now?").await;
    click(&c, "[data-testid=fix-apply]").await;
    let fixed = wait_text_within(&c, "[data-testid=fix-done]", "Read back", 60).await;
    assert!(fixed.contains("NTP"), "{fixed}");
    wait_text(&c, "[data-testid=status-filter]", "Fixed (1)").await;
    choose(&c, "[data-testid=status-filter]", "fixed").await;
    wait_text(&c, "[data-testid=findings]", "fixed").await;
    shot(&c, "14-checks-fixed").await;
    choose(&c, "[data-testid=status-filter]", "open").await;
    fill(&c, "input[type=search]", "services.http-only").await;
    click(&c, "[data-testid^=waive-open-]").await;
    fill(
        &c,
        "[data-testid=waive-reason]",
        "Panel firmware has no HTTPS; it sits behind the access-control firewall (IT ticket 4411)",
    )
    .await;
    // The customer's approver and an expiry, as IT asks for every accepted risk.
    fill(&c, "[data-testid=waive-approver]", "R. Osei (Harbour IT)").await;
    let until = time::OffsetDateTime::now_utc().date() + time::Duration::days(90);
    let until = format!(
        "{:04}-{:02}-{:02}",
        until.year(),
        u8::from(until.month()),
        until.day()
    );
    set_value(&c, "[data-testid=waive-expires]", &until).await;
    click(&c, "[data-testid=waive-submit]").await;
    wait_text(&c, "[data-testid=status-filter]", "Waived (1)").await;
    choose(&c, "[data-testid=status-filter]", "waived").await;
    wait_text(
        &c,
        "[data-testid^=waiver-]",
        &format!("approved by R. Osei (Harbour IT) until {until}"),
    )
    .await;
    shot(&c, "15-checks-waived").await;
    choose(&c, "[data-testid=status-filter]", "open").await;
    fill(&c, "input[type=search]", "").await;
    // The catalogs the checks used, beside them (the CLI's `handover catalog show`).
    let catalogs = wait_text(&c, "[data-testid=catalogs]", "default-credentials").await;
    assert!(catalogs.contains("firmware-baseline"), "{catalogs}");

    // Devices: a selection fixed in one go, asked once. The devices whose services need attention; a click on
    // the first row, then shift+down three times in the grid.
    click(&c, "[data-testid=nav-devices]").await;
    choose(&c, "#device-step", "services").await;
    choose(&c, "#device-state", "attention").await;
    let shown: usize = count_after(
        &format!(
            "n {}",
            wait_for(&c, "[data-testid=device-count]")
                .await
                .text()
                .await
                .unwrap()
        ),
        "n",
    );
    assert!(shown >= 2, "devices whose services need attention: {shown}");
    let first = wait_for(&c, "[data-testid^=device-row-]").await;
    first.click().await.expect("select the first row");
    wait_text(&c, "[data-testid=selected-count]", "1 selected").await;
    wait_for(&c, "[data-testid=device-grid]")
        .await
        .send_keys("\u{E008}\u{E015}\u{E015}\u{E015}\u{E000}")
        .await
        .expect("shift+down");
    let picked = shown.min(4);
    wait_text(
        &c,
        "[data-testid=selected-count]",
        &format!("{picked} selected"),
    )
    .await;
    click(&c, "[data-testid=bulk-fix]").await;
    let plan = wait_text(&c, "[data-testid=fix-plan]", "Handover will make").await;
    let changes = count_after(&plan, "Handover will make");
    assert!(changes >= 1, "{plan}");
    shot(&c, "15b-devices-bulk-fix-plan").await;
    click(&c, "[data-testid=fix-plan-apply]").await;
    let done = wait_text_within(&c, "[data-testid=bulk-result]", "Fixed and read back:", 120).await;
    let fixed = count_after(&done, "Fixed and read back:");
    let not_fixed = count_after(&done, "Not fixed:");
    assert!(
        fixed >= 1 && fixed + not_fixed == changes,
        "{changes} planned: {done}"
    );
    shot(&c, "15c-devices-bulk-fixed").await;
    // Four devices of the whole grid identified again, then their passwords rotated once more: one engine call
    // each (the fixed devices left the filtered selection).
    choose(&c, "#device-step", "any").await;
    choose(&c, "#device-state", "any").await;
    wait_for(&c, "[data-testid^=device-row-]")
        .await
        .click()
        .await
        .expect("select the first row");
    wait_for(&c, "[data-testid=device-grid]")
        .await
        .send_keys("\u{E008}\u{E015}\u{E015}\u{E015}\u{E000}")
        .await
        .expect("shift+down");
    wait_text(&c, "[data-testid=selected-count]", "4 selected").await;
    click(&c, "[data-testid=bulk-identify]").await;
    let identified = wait_text_within(&c, "[data-testid=bulk-result]", "Identified", 60).await;
    assert!(identified.contains("nothing read from 0"), "{identified}");
    click(&c, "[data-testid=bulk-rotate]").await;
    wait_for(&c, "[data-testid=rotate-panel]").await;
    click(&c, "[data-testid=bulk-rotate-apply]").await;
    let rotated = wait_text_within(&c, "[data-testid=bulk-result]", "Rotated ", 120).await;
    assert!(
        count_after(&rotated, "Rotated") >= 1
            && rotated.contains("rolled back 0")
            && rotated.contains("failed 0"),
        "{rotated}"
    );
    shot(&c, "15c2-devices-bulk-rotated").await;

    // Firmware: the vendors' images from a folder, accepted with a reason (not in the signed catalog), the plan,
    // one confirmation, then the outdated cameras upgraded and proven after their reboot.
    click(&c, "[data-testid=nav-firmware]").await;
    wait_text(
        &c,
        "[data-testid=firmware-plan-headline]",
        "Choose the folder",
    )
    .await;
    let folder = fixtures::firmware_folder(tmp.path());
    fill(&c, "#firmware-folder", &s(&folder)).await;
    click(&c, "[data-testid=firmware-folder-set]").await;
    for image in ["digicap.dav", "dahua.bin"] {
        wait_text(
            &c,
            &format!("[data-testid='image-standing-{image}']"),
            "not-in-catalog",
        )
        .await;
        click(&c, &format!("[data-testid='accept-open-{image}']")).await;
        fill(
            &c,
            "[data-testid=accept-reason]",
            "Downloaded from the vendor's portal; SHA-256 compared with the vendor's release note",
        )
        .await;
        click(&c, "[data-testid=accept-submit]").await;
        wait_text(
            &c,
            &format!("[data-testid='image-standing-{image}']"),
            "accepted",
        )
        .await;
    }
    wait_text(
        &c,
        "[data-testid=firmware-plan-headline]",
        "2 devices to upgrade",
    )
    .await;
    shot(&c, "15d-firmware-plan").await;
    click(&c, "[data-testid=firmware-upgrade]").await;
    wait_text(&c, "[data-testid=firmware-confirm]", fixtures::HIK_TO).await;
    click(&c, "[data-testid=firmware-confirm-apply]").await;
    let done = wait_text_within(
        &c,
        "[data-testid=firmware-result]",
        "2 of 2 devices upgraded",
        120,
    )
    .await;
    assert!(!done.contains("stopped"), "{done}");
    wait_text(
        &c,
        "[data-testid=firmware-plan-headline]",
        "Nothing to upgrade",
    )
    .await;
    scroll_to(&c, "[data-testid=firmware-result]").await;
    shot(&c, "15e-firmware-upgraded").await;
    for (name, to) in [
        (fixtures::OUTDATED[0], fixtures::HIK_TO),
        (fixtures::OUTDATED[1], fixtures::DAHUA_TO),
    ] {
        let d = site
            .site()
            .devices()
            .iter()
            .find(|d| d.name() == name)
            .expect("the outdated camera");
        assert_eq!(d.firmware(), to, "{name} runs the target");
        assert_eq!(d.firmware_upgrades(), 1, "{name} upgraded once");
    }

    // Handover: create the signing identity (in the real keyring), sign and save, check it as IT will.
    wait_text(&c, "[data-testid=keyring]", "Keyring ready").await;
    let badge = wait_for(&c, "[data-testid=keyring]").await;
    let title = badge.attr("title").await.unwrap().unwrap_or_default();
    assert!(
        title.contains("Secret Service") && !title.contains("://"),
        "the keyring badge names the keyring as users know it: {title:?}"
    );
    click(&c, "[data-testid=nav-handover]").await;
    wait_text(&c, "[data-testid=handover-checklist]", "Audit log intact").await;
    click(&c, "[data-testid=create-identity]").await;
    wait_text(&c, "[data-testid=identity]", "Ana Lopez").await;
    let report = tmp.path().join("warehouse-3-handover.pdf");
    fill(&c, "#report-path", &s(&report)).await;
    click(&c, "[data-testid=sign]").await;
    click(&c, "[data-testid=sign-confirm]").await;
    wait_text_within(&c, "[data-testid=report-written]", "Signed and saved", 60).await;
    assert!(
        report.exists()
            && report.with_extension("json").exists()
            && report.with_extension("csv").exists()
    );
    let pdfsig = Command::new("pdfsig")
        .arg(&report)
        .output()
        .expect("pdfsig (poppler-utils) runs");
    let said = String::from_utf8_lossy(&pdfsig.stdout);
    assert!(said.contains("Signature is Valid."), "pdfsig:\n{said}");
    let json = std::fs::read_to_string(report.with_extension("json")).unwrap();
    assert!(
        json.contains("\"name\": \"Zürich Tor 3\"") && json.contains("Car park level 2"),
        "the renamed device in the report"
    );
    assert!(
        !json.contains(&password) && !json.contains(export_password),
        "a password in the report JSON"
    );
    shot(&c, "16-handover-signed").await;
    // The audit log's entries, newest first: the signing is the latest; no password is in any of them.
    click(&c, "[data-testid=audit-panel] summary").await;
    scroll_to(&c, "[data-testid=audit-refresh]").await;
    click(&c, "[data-testid=audit-refresh]").await;
    let newest = wait_text(&c, "[data-testid=audit-entry]", "report.sign").await;
    assert!(newest.contains("Ana Lopez"), "who signed: {newest}");
    // The checklist counts the signing too (read again after it, not left at what it was before).
    let seq = wait_for(&c, "[data-testid=audit-entry] .seq")
        .await
        .text()
        .await
        .unwrap();
    wait_text(
        &c,
        "[data-testid=handover-checklist]",
        &format!("Audit log intact ({seq} entries)"),
    )
    .await;
    scroll_to(&c, "[data-testid=audit-panel]").await;
    shot(&c, "16b-audit-log").await;
    assert_not_in_page(&c, &password, "the audit log panel").await;
    click(&c, "[data-testid=review-written]").await;
    wait_text(&c, "[data-testid=verdict]", "Valid and trusted").await;
    wait_text(&c, "[data-testid=inventory]", "Warehouse 3").await;
    shot(&c, "17-review-own-report").await;
    assert!(
        json.contains(fixtures::HIK_TO) && json.contains(fixtures::DAHUA_TO),
        "the upgraded versions in the report"
    );
    assert!(
        json.contains("\"approved_by\": \"R. Osei (Harbour IT)\""),
        "the waiver's approver in the report"
    );
    // Exported from the Review screen, every device in NetBox's format: byte for byte the twin beside the PDF.
    click(&c, "[data-testid=tab-devices]").await;
    choose(&c, "[data-testid=export-format]", "netbox").await;
    let exported = tmp.path().join("for-netbox.csv");
    fill(&c, "#export-path", &s(&exported)).await;
    click(&c, "[data-testid=export-csv]").await;
    wait_text(&c, "[data-testid=export-done]", "NetBox import").await;
    let twin = report.with_file_name("warehouse-3-handover-netbox.csv");
    assert_eq!(
        std::fs::read(&exported).unwrap(),
        std::fs::read(&twin).unwrap(),
        "the app's export and the report's twin"
    );
    // A filtered selection keeps the report's columns.
    fill(&c, "[aria-label='Search devices']", "Zürich Tor 3").await;
    choose(&c, "[data-testid=export-format]", "devices").await;
    let one = tmp.path().join("one-device.csv");
    fill(&c, "#export-path", &s(&one)).await;
    click(&c, "[data-testid=export-csv]").await;
    wait_text(&c, "[data-testid=export-done]", "Saved 1 row").await;
    let one = std::fs::read_to_string(&one).unwrap();
    let own = std::fs::read_to_string(report.with_extension("csv")).unwrap();
    assert_eq!(one.lines().next(), own.lines().next(), "the same header");
    assert!(
        one.contains("Zürich Tor 3") && one.lines().count() == 2,
        "{one}"
    );
    fill(&c, "[aria-label='Search devices']", "").await;

    // Review: a signed report, no trust anchor: intact, signer not confirmed (amber, saying why).
    click(&c, "[data-testid=nav-review]").await;
    scroll_to(&c, "#review-pdf").await;
    fill(&c, "#review-pdf", &s(&fx.signed)).await;
    fill(&c, "#review-trust", "").await;
    click(&c, "[data-testid=verify]").await;
    let verdict = wait_for(&c, "[data-testid=verdict]").await;
    assert_eq!(
        verdict.attr("data-verdict").await.unwrap().as_deref(),
        Some("intact-untrusted")
    );
    assert!(
        verdict
            .attr("class")
            .await
            .unwrap()
            .unwrap_or_default()
            .contains("warn"),
        "amber, not green"
    );
    wait_text(&c, "[data-testid=verdict]", "Intact, signer not confirmed").await;
    wait_text(&c, "[data-testid=reasons]", "no trusted CA was given").await;
    wait_text(&c, "[data-testid=signer]", "Ana Lopez").await;
    wait_text(&c, "[data-testid=inventory]", "Findings (").await;
    shot(&c, "18-review-valid").await;

    // With the integrator's CA: trusted; browse the devices.
    fill(&c, "#review-trust", &s(&fx.ca_pem)).await;
    click(&c, "[data-testid=verify]").await;
    wait_text(&c, "[data-testid=verdict]", "Valid and trusted").await;
    click(&c, "[data-testid=tab-devices]").await;
    wait_text(&c, "[data-testid=inventory]", "Devices (12)").await;
    shot(&c, "19-review-trusted-devices").await;

    // Same CA, but the report names another integrator than the signer's organisation: amber, naming both.
    fill(&c, "#review-pdf", &s(&fx.foreign)).await;
    click(&c, "[data-testid=verify]").await;
    wait_text(&c, "[data-testid=verdict]", "Intact, signer not confirmed").await;
    wait_text(&c, "[data-testid=reasons]", "Brightline Security Systems").await;
    wait_text(&c, "[data-testid=reasons]", "Example Security").await;
    let verdict = wait_for(&c, "[data-testid=verdict]").await;
    assert_eq!(
        verdict.attr("data-verdict").await.unwrap().as_deref(),
        Some("intact-untrusted")
    );
    shot(&c, "19b-review-signer-not-confirmed").await;

    // A tampered copy: shown as changed, plainly (red).
    fill(&c, "#review-pdf", &s(&fx.tampered)).await;
    click(&c, "[data-testid=verify]").await;
    wait_text(&c, "[data-testid=verdict]", "Changed or invalid").await;
    let verdict = wait_for(&c, "[data-testid=verdict]").await;
    assert_eq!(
        verdict.attr("data-verdict").await.unwrap().as_deref(),
        Some("changed")
    );
    shot(&c, "20-review-tampered").await;

    // Dark theme.
    click(&c, "button.theme").await;
    shot(&c, "21-review-tampered-dark").await;
    click(&c, "button.theme").await;

    // A site of 2,000 cameras: the grid at 1366x768, with figures measured in the page.
    big_grid(&c, tmp.path()).await;

    c.close().await.expect("close the session");
    drop(drv);
    drop(site);
    println!("e2e walk: {:.0} s", started.elapsed().as_secs_f64());
}

/// Opens a 2,000-camera project, checks the grid shows at least 20 whole rows below its header at 1366x768
/// and keeps the rows in the page bounded, saves screenshots, and prints first paint, filter and scroll
/// figures measured in the page (BENCHMARKS.md).
async fn big_grid(c: &fantoccini::Client, dir: &Path) {
    const N: usize = 2000;
    let path = dir.join("campus.handover");
    let t = Instant::now();
    big::write(&path, N);
    println!(
        "grid: {N}-camera project written in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    click(c, "[data-testid=nav-projects]").await;
    fill(c, "#open-path", &s(&path)).await;
    click(c, "[data-testid=open]").await;
    wait_text(c, "[data-testid=current-project]", "Campus").await;
    // From the click to the grid showing its rows, in the page (the backend's list of 2,000 rows included).
    let first = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; const t0 = performance.now(); \
             document.querySelector('[data-testid=nav-devices]').click(); \
             const poll = () => { const n = document.querySelector('[data-testid=device-count]'); \
               if (n && n.textContent.startsWith(arguments[0])) requestAnimationFrame(() => done(performance.now() - t0)); \
               else requestAnimationFrame(poll); }; poll();",
            vec![serde_json::json!(format!("{N} of {N}"))],
        )
        .await
        .expect("first paint");
    let geometry = c
        .execute(
            "const g = document.querySelector('[data-testid=device-grid]').getBoundingClientRect(); \
             const h = document.querySelector('[data-testid=device-grid] .head').getBoundingClientRect(); \
             const rows = [...document.querySelectorAll('[data-testid^=device-row-]')].map(r => r.getBoundingClientRect()); \
             return { whole: rows.filter(b => b.top >= h.bottom - 0.5 && b.bottom <= g.bottom + 0.5).length, \
                      rendered: rows.length, overlap: rows.some(b => b.top < h.bottom - 0.5 && b.bottom > h.bottom + 0.5 && b.top >= g.top) };",
            vec![],
        )
        .await
        .expect("geometry");
    let whole = geometry["whole"].as_u64().unwrap_or(0);
    let rendered = geometry["rendered"].as_u64().unwrap_or(0);
    assert!(
        whole >= 20,
        "only {whole} whole rows at 1366x768: {geometry}"
    );
    assert!(
        rendered < 100,
        "{rendered} rows in the page for {N} devices"
    );
    assert_eq!(geometry["overlap"], serde_json::json!(false), "{geometry}");
    shot(c, "22-devices-2000").await;
    // In the page: an idle frame for reference, then filter keystrokes and scroll jumps, each timed twice: the
    // work (the app's script, then layout, forced) and until the next frame.
    let t = c
        .execute_async(GRID_TIMINGS_JS, vec![])
        .await
        .expect("grid timings");
    let ms = |v: &serde_json::Value| -> Vec<f64> {
        let mut t: Vec<f64> = v
            .as_array()
            .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
            .unwrap_or_default();
        t.sort_by(f64::total_cmp);
        t
    };
    let med = |v: &[f64]| v.get(v.len() / 2).copied().unwrap_or(f64::NAN);
    let worst = |v: &[f64]| v.last().copied().unwrap_or(f64::NAN);
    let (idle, repaint, small, kw, kf, sw, sf) = (
        ms(&t["idle"]),
        ms(&t["repaint"]),
        ms(&t["repaintSmall"]),
        ms(&t["keyWork"]),
        ms(&t["keyFrame"]),
        ms(&t["scrollWork"]),
        ms(&t["scrollFrame"]),
    );
    let most = t["most"].as_u64().unwrap_or(0);
    assert!(most < 100, "{most} rows in the page while scrolling");
    assert_eq!(kw.len(), 8, "{t}");
    println!(
        "grid in the real window, {N} devices: first paint of Devices {:.0} ms; idle frame interval median {:.0} ms; \
         repainting the grid alone to next frame median {:.0} ms, the title alone {:.0} ms; \
         filter keystroke: work median {:.1} ms (worst {:.1}), to next frame median {:.0} ms (worst {:.0}); \
         scroll jump: work median {:.1} ms (worst {:.1}), to next frame median {:.0} ms (worst {:.0}); \
         at most {most} rows in the page; {whole} whole rows visible",
        first.as_f64().unwrap_or(f64::NAN),
        med(&idle),
        med(&repaint),
        med(&small),
        med(&kw),
        worst(&kw),
        med(&kf),
        worst(&kf),
        med(&sw),
        worst(&sw),
        med(&sf),
        worst(&sf),
    );
    choose(c, "[data-testid=group-by]", "vlan").await;
    wait_text(c, "[data-testid=\"group-vlan:21\"]", "Cameras north").await;
    shot(c, "23-devices-2000-by-vlan").await;
    // "Fix all fixable": one list of every change, asked once. Here: WS-Discovery off on every camera that
    // still announces itself (two in three); nothing is applied (no device answers at these addresses).
    let t = Instant::now();
    click(c, "[data-testid=fix-all]").await;
    let plan = wait_text(c, "[data-testid=fix-plan]", "Handover will make").await;
    let planned = count_after(&plan, "Handover will make");
    assert_eq!(planned, (0..N).filter(|i| i % 3 != 0).count(), "{plan}");
    println!(
        "grid: the plan of \"Fix all fixable\" for {N} devices ({planned} changes) shown in {:.0} ms (WebDriver polling included)",
        t.elapsed().as_secs_f64() * 1000.0
    );
    shot(c, "24-devices-2000-fix-all-plan").await;
    click_xpath(c, "//*[@data-testid='fix-plan']//button[text()='Cancel']").await;
}

/// Timings in the page (async WebDriver script). `idle`: ten frame intervals with nothing changing; `repaint`:
/// to the next frame after a change that only repaints the grid (its background colour), `repaintSmall` the same
/// for the screen's title. Keystrokes
/// in the search box and jumps through the grid: `*Work` until the app's update has run and layout is done
/// (Svelte updates in a microtask; reading `offsetHeight` forces layout), `*Frame` until the next frame.
const GRID_TIMINGS_JS: &str = r#"
const done = arguments[arguments.length - 1];
const i = document.querySelector('[data-testid=device-search]');
const g = document.querySelector('[data-testid=device-grid]');
const out = { idle: [], keyWork: [], keyFrame: [], scrollWork: [], scrollFrame: [], most: 0 };
const frame = () => new Promise((r) => requestAnimationFrame(() => r(performance.now())));
const settle = () => new Promise((r) => setTimeout(r, 30));
(async () => {
  let last = await frame();
  for (let k = 0; k < 10; k++) { const now = await frame(); out.idle.push(now - last); last = now; }
  // The cost of painting one element again with nothing else changed (its background colour toggled): the grid,
  // and the screen's title for what any frame costs here.
  const repaint = async (el) => {
    const times = [];
    for (let k = 0; k < 6; k++) {
      const t0 = performance.now();
      el.style.backgroundColor = k % 2 ? '' : 'rgb(250, 250, 251)';
      times.push((await frame()) - t0);
      await settle();
    }
    el.style.backgroundColor = '';
    return times;
  };
  out.repaint = await repaint(g);
  out.repaintSmall = await repaint(document.querySelector('main h1'));
  for (const text of ['1', '12', '127', '127.', '127.2', '127.22', '127.22.', '127.22.1', '']) {
    const t0 = performance.now();
    i.value = text;
    i.dispatchEvent(new Event('input', { bubbles: true }));
    await Promise.resolve();
    void g.offsetHeight;
    if (text) out.keyWork.push(performance.now() - t0);
    const f = await frame();
    if (text) out.keyFrame.push(f - t0);
    await settle();
  }
  for (let k = 1; k <= 40; k++) {
    const t0 = performance.now();
    g.scrollTop = (k / 40) * g.scrollHeight;
    g.dispatchEvent(new Event('scroll'));
    await Promise.resolve();
    void g.offsetHeight;
    out.scrollWork.push(performance.now() - t0);
    out.most = Math.max(out.most, g.querySelectorAll('[data-testid^=device-row-]').length);
    const f = await frame();
    out.scrollFrame.push(f - t0);
    await settle();
  }
  g.scrollTop = 0;
  done(out);
})();
"#;

/// The package folder, read when the test runs (not baked in at build time), so a test binary built
/// from another checkout of the same commit still finds this checkout's files.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
}
