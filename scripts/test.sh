#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what it needs (Debian packages, test tools), then checks
# formatting, runs clippy with warnings as errors, and runs every test against real parts (a real SQLite file,
# a real OS keyring in a throwaway session, real sockets on loopback and in network namespaces).
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
echo "== cargo test"
if [ -f scripts/with-keyring.sh ]; then
  bash scripts/with-keyring.sh cargo test --no-fail-fast
else
  cargo test --no-fail-fast
fi
