//! Starting `tauri-driver` (which starts WebKitWebDriver, which starts the app) and connecting a WebDriver
//! client to it, plus the few waiting helpers the walk uses. Needs an X server (`xvfb-run`).

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

/// The tauri-driver process; killed on drop.
pub struct Driver {
    child: Child,
    pub port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // End WebKitWebDriver and the app (tauri-driver's descendants) too, so no driver is left holding its
        // port for the next run; only processes this test started are signalled, by pid.
        let pids = descendants(self.child.id());
        let _ = self.child.kill();
        for pid in pids.iter().rev() {
            let _ = Command::new("kill")
                .arg(pid.to_string())
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.wait();
    }
}

/// Every descendant of `pid`, parents before children (from /proc/PID/task/TID/children).
fn descendants(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let mut queue = vec![pid];
    while let Some(p) = queue.pop() {
        let tasks = std::fs::read_dir(format!("/proc/{p}/task"))
            .into_iter()
            .flatten()
            .flatten();
        for t in tasks {
            let children = std::fs::read_to_string(t.path().join("children")).unwrap_or_default();
            for c in children.split_whitespace().filter_map(|c| c.parse().ok()) {
                out.push(c);
                queue.push(c);
            }
        }
    }
    out
}

/// `tauri-driver`: `TAURI_DRIVER`, else the tools folder scripts/test-desktop.sh installs into, else PATH.
fn driver_path() -> PathBuf {
    if let Some(p) = std::env::var_os("TAURI_DRIVER") {
        return p.into();
    }
    let tools = Path::new("/var/tmp/handover-tools/bin/tauri-driver");
    if tools.exists() {
        return tools.into();
    }
    "tauri-driver".into()
}

/// Starts tauri-driver on `port` (native driver on `port + 1`) with the app's environment.
pub fn start(port: u16, env: &[(&str, &Path)]) -> Driver {
    for p in [port, port + 1] {
        assert!(
            TcpStream::connect(("127.0.0.1", p)).is_err(),
            "port {p} is already in use (a driver left from another run?); set HANDOVER_E2E_PORT"
        );
    }
    let mut cmd = Command::new(driver_path());
    cmd.args([
        "--port",
        &port.to_string(),
        "--native-port",
        &(port + 1).to_string(),
    ])
    .stdout(Stdio::null())
    .stderr(Stdio::inherit());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd
        .spawn()
        .expect("tauri-driver must be installed (scripts/test-desktop.sh installs it)");
    let driver = Driver { child, port };
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "tauri-driver did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    driver
}

/// A WebDriver session on the app binary.
pub async fn connect(driver: &Driver, app: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), serde_json::json!("wry"));
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": app }),
    );
    let url = format!("http://127.0.0.1:{}", driver.port);
    let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
    builder.capabilities(caps);
    tokio::time::timeout(Duration::from_secs(60), builder.connect(&url))
        .await
        .expect("the app's window did not come up within 60 s (is a stale WebKitWebDriver holding the port?)")
        .expect("a WebDriver session with the app")
}

/// Waits (up to 20 s) for an element matching `css`.
pub async fn wait_for(c: &Client, css: &str) -> Element {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no element {css}: {e}"))
}

/// Waits (up to 20 s) until the element's text contains `needle`, returning the text.
pub async fn wait_text(c: &Client, css: &str, needle: &str) -> String {
    wait_text_within(c, css, needle, 20).await
}

/// Waits up to `secs` until the element's text contains `needle`, returning the text.
pub async fn wait_text_within(c: &Client, css: &str, needle: &str, secs: u64) -> String {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let text = wait_for(c, css).await.text().await.unwrap_or_default();
        if text.contains(needle) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{css} never showed {needle:?}; it shows:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Clears an input and types `text` into it.
pub async fn fill(c: &Client, css: &str, text: &str) {
    let e = wait_for(c, css).await;
    e.clear().await.expect("clear");
    // Clearing alone fires no input event: type, so the page sees the new value (" " + Backspace for "").
    let keys = if text.is_empty() { " \u{E003}" } else { text };
    e.send_keys(keys).await.expect("type");
}

/// Sets an input's value the way a picker does (a date input takes no typed keys in every engine) and fires
/// the input event the page listens to.
pub async fn set_value(c: &Client, css: &str, value: &str) {
    wait_for(c, css).await;
    c.execute(
        "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
         e.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![css.into(), value.into()],
    )
    .await
    .unwrap_or_else(|e| panic!("set {css} to {value}: {e}"));
}

/// Chooses `value` in the select matching `css`.
pub async fn choose(c: &Client, css: &str, value: &str) {
    wait_for(c, css)
        .await
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("choose {value} in {css}: {e}"));
}

/// Clicks the element matching `css`.
pub async fn click(c: &Client, css: &str) {
    wait_for(c, css).await.click().await.expect("click");
}

/// Where screenshots go: `HANDOVER_SCREENSHOTS` when set (`scripts/update-screenshots.sh` points it at
/// `docs/screenshots/` to refresh the committed ones), else `screenshots/` in the build folder, so a test run
/// never rewrites committed files.
pub fn screenshot_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("HANDOVER_SCREENSHOTS") {
        return PathBuf::from(d);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::manifest_dir().join("../target"));
    target.join("screenshots")
}

/// Saves a PNG of the window to NAME.png in [`screenshot_dir`].
pub async fn shot(c: &Client, name: &str) {
    // Let transitions and layout settle.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let png = c.screenshot().await.expect("screenshot");
    let dir = screenshot_dir();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

/// Clicks the element matching the XPath `xpath` (for "the button in the row that shows this address").
pub async fn click_xpath(c: &Client, xpath: &str) {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(xpath))
        .await
        .unwrap_or_else(|e| panic!("no element {xpath}: {e}"))
        .click()
        .await
        .expect("click");
}

/// Fails when `secret` appears anywhere in the page: its markup, or the value of any field (a typed
/// password stays only as long as it is being typed).
pub async fn assert_not_in_page(c: &Client, secret: &str, when: &str) {
    let html = c.source().await.expect("page source");
    assert!(
        !html.contains(secret),
        "{when}: a password is in the page markup"
    );
    let values = c
        .execute(
            "return Array.from(document.querySelectorAll('input, textarea')).map(e => e.value).join('\\n')",
            vec![],
        )
        .await
        .expect("field values");
    assert!(
        !values.as_str().unwrap_or_default().contains(secret),
        "{when}: a password is still in a field"
    );
}

/// Scrolls only the panel (`.scroll`) holding the element matching `css` so the element is at its top; the
/// window itself stays where it is.
pub async fn scroll_panel_to(c: &Client, css: &str) {
    wait_for(c, css).await;
    c.execute(
        "const e = document.querySelector(arguments[0]); const p = e.closest('.scroll'); \
         p.scrollTop += e.getBoundingClientRect().top - p.getBoundingClientRect().top;",
        vec![serde_json::json!(css)],
    )
    .await
    .expect("scroll the panel");
}

/// Scrolls the element matching `css` to the top of its scrolling parent (for a screenshot of that part).
pub async fn scroll_to(c: &Client, css: &str) {
    wait_for(c, css).await;
    c.execute(
        "document.querySelector(arguments[0]).scrollIntoView({block: 'start'})",
        vec![serde_json::json!(css)],
    )
    .await
    .expect("scroll");
}
