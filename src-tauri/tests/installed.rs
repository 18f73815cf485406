//! The installed app, as a technician meets it after installing the package: scripts/test-installer.sh
//! installs the .deb and runs this under `xvfb-run` with `HANDOVER_INSTALLED_BIN=/usr/bin`. The installed
//! `handover` CLI creates a project; the installed `handover-desktop` is started with that project as its
//! argument (what the desktop entry's `Exec=handover-desktop %f` does when a `.handover` file is opened) and
//! shows it open; its About box shows the workspace version, the one `handover --version` prints. The About
//! box is saved as installed-about.png beside the walk's screenshots (`driver::screenshot_dir`).
//!
//! Without `HANDOVER_INSTALLED_BIN` it prints SKIP and passes: nothing is installed to test. Built only with
//! `--features e2e` (it drives the window with tauri-driver, like the e2e walk, whose driver module it shares).
#![cfg(feature = "e2e")]

#[allow(dead_code)] // The walk's helpers; this test uses a few.
#[path = "e2e/driver.rs"]
mod driver;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use driver::{click, shot, wait_text};

/// The workspace version: every package inherits it (crates/handover-cli/tests/version.rs checks that).
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A WebDriver session on `app` started with `args` (tauri-driver passes them to the binary).
async fn connect_with_args(drv: &driver::Driver, app: &Path, args: &[&Path]) -> fantoccini::Client {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), serde_json::json!("wry"));
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": app, "args": args }),
    );
    let mut builder =
        fantoccini::ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
    builder.capabilities(caps);
    let url = format!("http://127.0.0.1:{}", drv.port);
    tokio::time::timeout(Duration::from_secs(60), builder.connect(&url))
        .await
        .expect("the installed app's window did not come up within 60 s")
        .expect("a WebDriver session with the installed app")
}

#[tokio::test(flavor = "current_thread")]
async fn installed_app_opens_the_project_it_is_given_and_shows_the_version() {
    let Some(bin) = std::env::var_os("HANDOVER_INSTALLED_BIN").map(PathBuf::from) else {
        println!(
            "SKIP installed_app_opens_the_project_it_is_given_and_shows_the_version: \
             HANDOVER_INSTALLED_BIN is not set (scripts/test-installer.sh sets it after installing the .deb)"
        );
        return;
    };
    let (cli, app) = (bin.join("handover"), bin.join("handover-desktop"));

    let o = Command::new(&cli).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        format!("handover {VERSION}\n")
    );

    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("warehouse-7.handover");
    let plan = manifest_dir().join("../assets/demo/plan.csv");
    let o = Command::new(&cli)
        .arg("--project")
        .arg(&project)
        .args([
            "init",
            "--name",
            "Warehouse 7",
            "--technician",
            "Ana Lopez",
            "--plan",
        ])
        .arg(&plan)
        .env_remove("HANDOVER_PROJECT")
        .env("HANDOVER_DATA_DIR", tmp.path().join("data"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let port: u16 = std::env::var("HANDOVER_E2E_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(4754);
    let listen_at = format!("127.0.0.1:{}", port + 2);
    let drv = driver::start(
        port,
        &[
            ("HANDOVER_CONFIG_DIR", tmp.path().join("config").as_path()),
            ("HANDOVER_DATA_DIR", tmp.path().join("data").as_path()),
            ("XDG_DATA_HOME", home.as_path()),
            ("XDG_CONFIG_HOME", home.as_path()),
            ("XDG_CACHE_HOME", home.as_path()),
            // Announcements only by unicast to loopback: no multicast group is joined on a real interface.
            ("HANDOVER_LISTEN", Path::new(&listen_at)),
        ],
    );
    let c = connect_with_args(&drv, &app, &[&project]).await;

    // Opened from the command line: the header names the site before anyone clicked anything.
    wait_text(&c, "[data-testid=current-project]", "Warehouse 7").await;
    wait_text(&c, "[data-testid=project-status]", "Warehouse 7").await;

    click(&c, "[data-testid=about-open]").await;
    let about = wait_text(&c, "[data-testid=about-version]", VERSION).await;
    assert_eq!(about.trim(), format!("Version {VERSION}"));
    // WebKit's screenshot shows the last frame it drew, which can lag the page by a second or two under Xvfb:
    // wait until the page has drawn two frames with the box open.
    c.execute_async(
        "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
        vec![],
    )
    .await
    .expect("two animation frames");
    shot(&c, "installed-about").await;
    click(&c, "[data-testid=about-close]").await;

    c.close().await.expect("close the session");
    drop(drv);
}

/// The package folder, read when the test runs (not baked in at build time), so a test binary built
/// from another checkout of the same commit still finds this checkout's files.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
}
