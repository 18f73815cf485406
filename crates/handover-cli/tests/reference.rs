//! The CLI reference (`docs/cli.md`) is generated from the binary's own `--help`, every command and
//! subcommand, so it cannot drift: this test rebuilds it and fails when the checked-in page differs.
//! `UPDATE_CLI_REFERENCE=1 cargo test -p handover-cli --test reference` rewrites it.

use std::process::Command;

fn help(path: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_handover"))
        .args(path)
        .arg("--help")
        .env_remove("HANDOVER_PROJECT")
        .env_remove("HANDOVER_TECHNICIAN")
        .env_remove("HANDOVER_DATA_DIR")
        .env("COLUMNS", "100")
        .output()
        .expect("run handover --help");
    assert!(o.status.success(), "{path:?}: {o:?}");
    String::from_utf8(o.stdout).unwrap()
}

/// The subcommands a help text lists under "Commands:" (without `help`).
fn subcommands(text: &str) -> Vec<String> {
    text.lines()
        .skip_while(|l| l.trim() != "Commands:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .filter(|c| c != "help")
        .collect()
}

fn walk(path: &mut Vec<String>, out: &mut String) {
    let args: Vec<&str> = path.iter().map(String::as_str).collect();
    let text = help(&args);
    let title = if path.is_empty() {
        "handover".to_owned()
    } else {
        format!("handover {}", path.join(" "))
    };
    out.push_str(&format!(
        "\n## `{title}`\n\n```text\n{}\n```\n",
        text.trim_end()
    ));
    for sub in subcommands(&text) {
        path.push(sub);
        walk(path, out);
        path.pop();
    }
}

#[test]
fn the_cli_reference_is_the_binarys_own_help() {
    let mut page = String::from(
        "# The `handover` command line, every command\n\n\
         Generated from `handover … --help` by `crates/handover-cli/tests/reference.rs` (the test fails when this \
         page and the binary differ; `UPDATE_CLI_REFERENCE=1 cargo test -p handover-cli --test reference` \
         rewrites it). Exit statuses are in the README.\n",
    );
    walk(&mut Vec::new(), &mut page);
    assert!(
        page.contains("## `handover devices rename`"),
        "walk missed subcommands"
    );
    let file = manifest_dir().join("../../docs/cli.md");
    if std::env::var_os("UPDATE_CLI_REFERENCE").is_some() {
        std::fs::write(file, &page).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(file).unwrap_or_default();
    assert!(
        committed == page,
        "docs/cli.md differs from the binary's --help: run \
         UPDATE_CLI_REFERENCE=1 cargo test -p handover-cli --test reference and commit docs/cli.md"
    );
}

/// The package folder, read when the test runs (not baked in at build time), so a test binary built
/// from another checkout of the same commit still finds this checkout's files.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
}
