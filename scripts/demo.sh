#!/usr/bin/env bash
# The demo: the whole job on the built-in simulated site — discover, take custody of credentials (OS keyring),
# check, sign the handover report, export for IT — with traffic on loopback only. Installs what it needs first.
# With a display ($DISPLAY or $WAYLAND_DISPLAY) it opens the desktop app on the simulated site instead
# (scripts/demo-desktop.sh); HANDOVER_DEMO_HEADLESS=1 forces the command-line demo.
# Usage: bash scripts/demo.sh [OUTPUT_FOLDER]   (default: ./handover-demo)
# Without a desktop session (no D-Bus session bus), it runs inside a throwaway unlocked keyring, so nothing
# touches your own keyring; the folder keeps the report, its CA certificate and the KeePass export.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/handover-target}"
out="$(mkdir -p "${1:-handover-demo}" && cd "${1:-handover-demo}" && pwd)"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${HANDOVER_DEMO_HEADLESS:-}" ]; then
  exec bash scripts/demo-desktop.sh "$out"
fi
# The demo is a binary of its own (crates/handover-demo): the `handover` the installers ship has no simulator.
# `handover` is built too, for the commands the demo ends with.
cargo build -q -p handover-demo --bin handover-demo -p handover-cli --bin handover
bin="$CARGO_TARGET_DIR/debug/handover-demo"
export HANDOVER_DATA_DIR="${HANDOVER_DATA_DIR:-$out/data}"
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -z "${HANDOVER_DEMO_THROWAWAY_KEYRING:-}" ]; then
  exec "$bin" --out "$out" --fresh
fi
echo "No desktop session: using a throwaway keyring for the demo."
exec bash scripts/with-keyring.sh "$bin" --out "$out" --fresh
