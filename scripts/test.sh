#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what it needs (Debian packages, test tools), then checks
# formatting, runs clippy with warnings as errors, and runs every test against real parts (a real SQLite file,
# a real OS keyring in a throwaway session, real sockets on loopback and in network namespaces), runs each fuzz
# target briefly (scripts/fuzz-smoke.sh), and ends with
# the Linux installers: the .deb built, installed on this machine, run and removed (scripts/test-installer.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -f scripts/setup-sim-tools.sh ]; then bash scripts/setup-sim-tools.sh; fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/handover-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

echo "== cargo fmt --check"
cargo fmt --all --check
echo "== cargo clippy -D warnings"
cargo clippy --all-targets -- -D warnings
echo "== cargo test (inside a throwaway, real OS keyring)"
bash scripts/with-keyring.sh cargo test --no-fail-fast
echo "== fuzz smoke: every parser of hostile bytes, each fuzz target briefly (nightly, cargo-fuzz)"
bash scripts/fuzz-smoke.sh
echo "== desktop app: UI tests, bindings drift, end to end in a real window"
bash scripts/test-desktop.sh
echo "== installers: .deb and .rpm built; the .deb installed, run under Xvfb and removed"
bash scripts/test-installer.sh
