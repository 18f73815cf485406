#!/usr/bin/env bash
# The desktop app's tests: installs what they need (Debian packages, npm packages, tauri-driver), builds the UI
# and the app (scripts/build-desktop.sh), runs svelte-check and Vitest, checks the IPC bindings for drift, runs
# the app's unit tests, and walks the real window end to end under Xvfb against the simulated demo site
# (screenshots in $CARGO_TARGET_DIR/screenshots/, never over the committed ones: scripts/update-screenshots.sh
# refreshes docs/screenshots/).
# Idempotent: a second run skips installs and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/handover-target}
TOOLS=${HANDOVER_TOOLS:-/var/tmp/handover-tools}

echo "== build: packages, UI, app (scripts/build-desktop.sh; test packages too)"
bash scripts/build-desktop.sh xvfb xauth webkit2gtk-driver gnome-keyring dbus poppler-utils

if [ ! -x "$TOOLS/bin/tauri-driver" ]; then
  echo "== installing tauri-driver into $TOOLS"
  cargo install tauri-driver --version '^2' --locked --root "$TOOLS"
fi

echo "== ui: svelte-check, vitest"
cd "$ROOT/ui"
npx svelte-check --tsconfig ./tsconfig.json
npx vitest run
cd "$ROOT"

echo "== src-tauri: clippy -D warnings"
cargo clippy -p handover-desktop --all-targets --features e2e -- -D warnings

echo "== src-tauri: unit tests and the bindings drift check"
cargo test -p handover-desktop

echo "== end to end in the real window (xvfb, a throwaway unlocked keyring)"
cargo build -p handover-desktop --features e2e --tests
# The keyring gets a throwaway HOME; cargo and rustup keep theirs.
export CARGO_HOME=${CARGO_HOME:-$HOME/.cargo} RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup}
T=$(mktemp -d); mkdir -m700 "$T/run"
trap 'rm -rf "$T"' EXIT
HOME=$T XDG_DATA_HOME=$T/share XDG_RUNTIME_DIR=$T/run TAURI_DRIVER="$TOOLS/bin/tauri-driver" \
  dbus-run-session -- sh -c '
    echo -n e2e-pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    xvfb-run -a -s "-screen 0 1366x768x24" \
      cargo test -p handover-desktop --features e2e --test e2e -- --nocapture
  '
