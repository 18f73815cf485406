//! Parity between the two front ends, as a tested invariant: every public method of the engine's façades
//! (`Session`, and `Signing` for the laptop-wide signing identity) and every engine free function a front end calls is in [`TABLE`] with the `handover` command that offers it (a `## \`handover …\``
//! heading of `docs/cli.md`, which the CLI's reference test ties to the binary) and the Tauri command (a name in
//! `src-tauri/src/commands/mod.rs`'s `generate_handler!`). A method with no counterpart on one side says why
//! (`Inner`: not a workflow a technician asks for), and a gap not closed yet names its issue (`Gap`); the test
//! prints the gaps so they stay in sight. Reads source text only: no front end is built or linked.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// How one side offers an engine function.
#[derive(Debug, Clone, Copy)]
enum Side {
    /// The CLI heading (without `handover `) or the Tauri command name.
    Cmd(&'static str),
    /// Not something a technician asks for on its own: why.
    Inner(&'static str),
    /// Missing on this side, still to be built: the issue and what is missing. (None open today; a new method
    /// without its command on one side is listed here until it is built.)
    #[allow(dead_code)]
    Gap(&'static str),
}

use Side::{Cmd, Gap, Inner};

/// `Session::name`, `Signing::name` or `module::name` (a free function), the CLI, the app.
const TABLE: &[(&str, Side, Side)] = &[
    // Project.
    ("Session::create", Cmd("init"), Cmd("create_project")),
    ("Session::open", Cmd(""), Cmd("open_project")),
    ("Session::status", Cmd("status"), Cmd("project_status")),
    ("Session::site", Cmd("status"), Cmd("project_status")),
    (
        "Session::verify_audit",
        Cmd("audit verify"),
        Cmd("verify_audit"),
    ),
    (
        "Session::audit_head",
        Cmd("audit verify"),
        Cmd("verify_audit"),
    ),
    (
        "Session::audit_entries",
        Cmd("audit log"),
        Inner("the app pages newest first: `Session::audit_recent`"),
    ),
    ("Session::audit_recent", Cmd("audit log"), Cmd("audit_log")),
    (
        "Session::keyring_ready",
        Cmd("credentials"),
        Inner("the app shows the keyring's state (`keyring_status`); workflows open it themselves"),
    ),
    (
        "Session::import_plan_csv",
        Cmd("plan import"),
        Cmd("import_plan_csv"),
    ),
    ("Session::plan", Cmd("plan show"), Cmd("get_plan")),
    // Devices.
    ("Session::discover", Cmd("discover"), Cmd("run_discovery")),
    ("Session::add_manual", Cmd("add"), Cmd("add_device")),
    (
        "Session::identify",
        Cmd("identify"),
        Cmd("identify_devices"),
    ),
    (
        "Session::unidentified_hosts",
        Cmd("devices unidentified"),
        Cmd("unidentified_hosts"),
    ),
    ("Session::devices", Cmd("devices"), Cmd("list_devices")),
    ("Session::device", Cmd("devices"), Cmd("device_detail")),
    (
        "Session::relabel_device",
        Cmd("devices rename"),
        Cmd("rename_device"),
    ),
    (
        "Session::import_labels_csv",
        Cmd("devices labels"),
        Cmd("import_labels"),
    ),
    (
        "Session::forget_certificate",
        Cmd("devices forget-certificate"),
        Cmd("forget_certificate"),
    ),
    (
        "Session::web_page",
        Cmd("devices web"),
        Cmd("open_web_page"),
    ),
    (
        "Session::listen",
        Cmd("listen"),
        Inner(
            "the app's listener thread makes the same two calls: Listener::run, record_announcement",
        ),
    ),
    (
        "Session::record_announcement",
        Cmd("listen"),
        Cmd("listener_status"),
    ),
    (
        "Session::flush_announcements",
        Cmd("listen"),
        Cmd("listener_status"),
    ),
    (
        "Session::record_announcement_at",
        Inner("record_announcement with the time given: tests"),
        Inner("record_announcement with the time given: tests"),
    ),
    (
        "Session::record_sighting",
        Inner("what discovery and add record; the simulator's tests seed projects with it"),
        Inner("what discovery and add record"),
    ),
    (
        "Session::record_sightings",
        Inner("what discovery records, in one transaction; tests seed projects with it"),
        Inner("what discovery records"),
    ),
    // Custody.
    (
        "Session::find_defaults",
        Cmd("credentials find-defaults"),
        Cmd("find_defaults"),
    ),
    (
        "Session::rotate",
        Cmd("credentials rotate"),
        Cmd("rotate_credentials"),
    ),
    (
        "Session::recover",
        Cmd("credentials recover"),
        Cmd("recover_credentials"),
    ),
    (
        "Session::set_credential",
        Cmd("credentials set"),
        Cmd("set_credential"),
    ),
    (
        "Session::export_kdbx",
        Cmd("credentials export"),
        Cmd("export_credentials"),
    ),
    (
        "Session::credentials",
        Cmd("credentials list"),
        Cmd("list_credentials"),
    ),
    (
        "Session::reveal_password",
        Cmd("credentials show"),
        Cmd("copy_password"),
    ),
    (
        "Session::unsettled_rotations",
        Cmd("status"),
        Cmd("custody_overview"),
    ),
    (
        "Session::held_credentials",
        Inner("the password identification uses; workflows call it"),
        Inner("the password identification uses"),
    ),
    (
        "Session::accounts",
        Cmd("accounts list"),
        Cmd("device_accounts"),
    ),
    (
        "Session::account_view",
        Cmd("accounts list"),
        Cmd("device_accounts"),
    ),
    (
        "Session::remove_account",
        Cmd("accounts remove"),
        Cmd("remove_account"),
    ),
    (
        "Session::create_service_account",
        Cmd("accounts create-vms"),
        Cmd("create_service_account"),
    ),
    // Switches.
    ("Session::add_switch", Cmd("switch add"), Cmd("add_switch")),
    (
        "Session::switches",
        Cmd("switch list"),
        Cmd("list_switches"),
    ),
    (
        "Session::query_switches",
        Cmd("switch query"),
        Cmd("query_switches"),
    ),
    // Checks and findings.
    ("Session::run_checks", Cmd("check"), Cmd("run_checks")),
    ("Session::run_checks_with", Cmd("check"), Cmd("run_checks")),
    ("Session::check_settings", Cmd("check"), Cmd("run_checks")),
    ("Session::catalogs", Cmd("check"), Cmd("catalog_status")),
    (
        "Session::import_catalog",
        Inner("`catalog import` works without a project: `catalogs::import`"),
        Cmd("import_catalog"),
    ),
    (
        "Session::data_dir",
        Inner("`report` writes the CA certificate there"),
        Inner("the report writes the CA certificate there"),
    ),
    ("Session::findings", Cmd("findings"), Cmd("list_findings")),
    ("Session::finding", Cmd("fix"), Cmd("fix_preview")),
    ("Session::waivers", Cmd("findings"), Cmd("list_findings")),
    ("Session::waive", Cmd("waive"), Cmd("waive_finding")),
    ("Session::fix", Cmd("fix"), Cmd("fix_finding")),
    ("Session::fix_for", Cmd("fix"), Cmd("fix_preview")),
    ("Session::fix_many", Cmd("fix"), Cmd("fix_findings")),
    ("Session::open_fixes", Cmd("fix"), Cmd("fix_plan")),
    // Firmware.
    (
        "Session::firmware_folder",
        Cmd("firmware folder"),
        Cmd("firmware_plan"),
    ),
    (
        "Session::firmware_folder_set",
        Cmd("firmware plan"),
        Cmd("firmware_plan"),
    ),
    (
        "Session::set_firmware_folder",
        Cmd("firmware folder"),
        Cmd("set_firmware_folder"),
    ),
    (
        "Session::firmware_images",
        Cmd("firmware images"),
        Cmd("firmware_plan"),
    ),
    (
        "Session::accept_firmware_image",
        Cmd("firmware accept"),
        Cmd("accept_firmware_image"),
    ),
    (
        "Session::firmware_plan",
        Cmd("firmware plan"),
        Cmd("firmware_plan"),
    ),
    (
        "Session::firmware_upgrade",
        Cmd("firmware upgrade"),
        Cmd("upgrade_firmware"),
    ),
    (
        "Session::firmware_recover",
        Cmd("firmware recover"),
        Cmd("recover_firmware"),
    ),
    // Report.
    ("Session::write_report", Cmd("report"), Cmd("write_report")),
    (
        "Session::report_model",
        Inner("what write_report renders; the report tests read it"),
        Inner("what write_report renders"),
    ),
    // Accessors workflows use.
    (
        "Session::actor",
        Inner("who acts, set at open"),
        Inner("who acts, set at open"),
    ),
    (
        "Session::now",
        Inner("the session's clock"),
        Inner("the session's clock"),
    ),
    (
        "Session::today",
        Inner("the session's clock, as a date"),
        Inner("the session's clock, as a date"),
    ),
    (
        "Session::path",
        Inner("the open file, shown in status"),
        Inner("the open file, for recent projects"),
    ),
    (
        "Session::project_id",
        Inner("the project's id, named in keyring entries"),
        Inner("the project's id"),
    ),
    (
        "Session::vault",
        Inner("workflows open the vault themselves"),
        Inner("workflows open the vault themselves"),
    ),
    (
        "Session::store_for_tests",
        Inner("tests reach the store"),
        Inner("tests reach the store"),
    ),
    // Free functions the front ends call.
    ("session::read_plan_csv", Cmd("init"), Cmd("create_project")),
    (
        "session::preview_plan_csv",
        Cmd("plan import"),
        Cmd("preview_plan_csv"),
    ),
    (
        "catalogs::load_with",
        Cmd("catalog show"),
        Cmd("catalog_status"),
    ),
    (
        "catalogs::import",
        Cmd("catalog import"),
        Inner("the app imports into the open project's data folder: `Session::import_catalog`"),
    ),
    // The laptop-wide signing identity (no project).
    (
        "Signing::open",
        Inner("each identity command opens the keyring first"),
        Inner("each identity command opens the keyring first"),
    ),
    (
        "Signing::create",
        Cmd("sign-identity create"),
        Cmd("create_signing_identity"),
    ),
    (
        "Signing::import_pkcs12",
        Cmd("sign-identity import"),
        Cmd("import_signing_identity"),
    ),
    (
        "Signing::show",
        Cmd("sign-identity show"),
        Cmd("signing_identity"),
    ),
    ("report::verify_report", Cmd("verify"), Cmd("verify_report")),
    (
        "report::export_report_csv",
        Cmd("verify"),
        Cmd("export_csv"),
    ),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The name of a `pub fn`/`pub async fn` item on this line, if it declares one.
fn pub_fn(line: &str) -> Option<&str> {
    let rest = line
        .trim_start()
        .strip_prefix("pub ")?
        .trim_start_matches("async ")
        .strip_prefix("fn ")?;
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    Some(&rest[..end])
}

/// The engine's façade types: their public methods are what front ends call.
const FACADES: [&str; 2] = ["Session", "Signing"];

/// The public methods declared in the `impl TYPE` blocks of this source (items at the block's own depth).
fn methods_of(src: &str, ty: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut depth: Option<i32> = None;
    let opening = format!("impl {ty} ");
    for line in src.lines() {
        let code = line.split("//").next().unwrap_or("");
        if depth.is_none() && code.trim_start().starts_with(&opening) {
            depth = Some(0);
        }
        let Some(d) = depth.as_mut() else { continue };
        if let (1, Some(name)) = (*d, pub_fn(code)) {
            found.push(name.to_owned());
        }
        *d += code.matches('{').count() as i32 - code.matches('}').count() as i32;
        if *d <= 0 && code.contains('}') {
            depth = None;
        }
    }
    found
}

/// A row naming a method of a façade type (`Session::…`, `Signing::…`) rather than a free function.
fn is_method(row: &str) -> bool {
    FACADES
        .iter()
        .any(|ty| row.strip_prefix(ty).is_some_and(|r| r.starts_with("::")))
}

fn all_facade_methods() -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(&root().join("crates/handover-engine/src"), &mut files);
    files
        .iter()
        .flat_map(|f| {
            let src = read(f);
            FACADES
                .iter()
                .flat_map(|ty| {
                    methods_of(&src, ty)
                        .into_iter()
                        .map(move |m| format!("{ty}::{m}"))
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The commands documented in `docs/cli.md`, without the leading `handover` ("" for the top level).
fn cli_commands() -> BTreeSet<String> {
    read(&root().join("docs/cli.md"))
        .lines()
        .filter_map(|l| l.strip_prefix("## `handover")?.strip_suffix('`'))
        .map(|c| c.trim().to_owned())
        .collect()
}

/// The command names in `generate_handler!`.
fn tauri_commands() -> BTreeSet<String> {
    let src = read(&root().join("src-tauri/src/commands/mod.rs"));
    let start = src
        .find("generate_handler![")
        .expect("generate_handler! in commands/mod.rs");
    let end = start
        + src[start..]
            .find(']')
            .expect("the end of generate_handler!");
    src[start..end]
        .lines()
        .skip(1)
        .filter_map(|l| l.trim().trim_end_matches(',').rsplit("::").next())
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_scanner_finds_public_methods_of_impl_session_blocks_only() {
    let src = "impl Session {\n    pub fn a(&self) {\n        if x { }\n    }\n    fn hidden() {}\n    pub(crate) fn inner() {}\n    pub async fn b() {}\n}\nimpl Other {\n    pub fn c() {}\n}\n";
    assert_eq!(methods_of(src, "Session"), ["a", "b"]);
    assert_eq!(methods_of(src, "Other"), ["c"]);
}

#[test]
fn every_public_facade_method_is_in_the_parity_table() {
    let methods = all_facade_methods();
    assert!(
        methods.len() > 40,
        "the scan found too few methods: {methods:?}"
    );
    let listed: BTreeSet<&str> = TABLE.iter().map(|(e, _, _)| *e).collect();
    let missing: Vec<&String> = methods
        .iter()
        .filter(|m| !listed.contains(m.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "public Session or Signing methods missing from the parity table in {} (give each its `handover` command and \
         Tauri command, or say why it has none): {missing:?}",
        file!()
    );
    let gone: Vec<&&str> = listed
        .iter()
        .filter(|e| is_method(e) && !methods.contains(**e))
        .collect();
    assert!(
        gone.is_empty(),
        "the parity table lists methods the façades no longer have: {gone:?}"
    );
}

#[test]
fn every_listed_free_function_exists_in_the_engine() {
    for (e, _, _) in TABLE.iter().filter(|(e, _, _)| !is_method(e)) {
        let (module, name) = e.split_once("::").unwrap();
        let src = read(&root().join(format!("crates/handover-engine/src/{module}.rs")));
        assert!(
            src.lines()
                .any(|l| !l.starts_with(' ') && pub_fn(l) == Some(name)),
            "{e} is not a public function of the engine"
        );
    }
}

#[test]
fn every_listed_cli_command_and_tauri_command_exists() {
    let (cli, app) = (cli_commands(), tauri_commands());
    assert!(
        cli.contains("switch add") && app.contains("run_discovery"),
        "{cli:?} {app:?}"
    );
    for (e, c, a) in TABLE {
        if let Cmd(c) = c {
            assert!(
                cli.contains(*c),
                "{e}: `handover {c}` is not a heading of docs/cli.md"
            );
        }
        if let Cmd(a) = a {
            assert!(
                app.contains(*a),
                "{e}: {a} is not in the app's generate_handler!"
            );
        }
        for side in [c, a] {
            if let Inner(why) | Gap(why) = side {
                assert!(!why.trim().is_empty(), "{e}: say why");
            }
            if let Gap(why) = side {
                assert!(why.starts_with('#'), "{e}: a gap names its issue: {why}");
            }
        }
    }
}

#[test]
fn known_gaps_are_printed() {
    let gaps: Vec<String> = TABLE
        .iter()
        .flat_map(|(e, c, a)| {
            [("CLI", c), ("app", a)]
                .into_iter()
                .filter_map(move |(side, s)| match s {
                    Gap(why) => Some(format!("{e}: no {side} command yet ({why})")),
                    _ => None,
                })
        })
        .collect();
    println!("Known parity gaps ({}):", gaps.len());
    for g in &gaps {
        println!("  {g}");
    }
    assert!(
        gaps.len() < TABLE.len() / 4,
        "more gaps than parity: {gaps:#?}"
    );
}
