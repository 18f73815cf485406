#!/usr/bin/env bash
# The demo in the desktop app (scripts/demo.sh runs this when a display is present): builds the app and the
# CLI, starts the simulated site (`handover-sim`: 24 devices on 127.20/30/40.x, loopback only), creates a demo
# project with the demo plan and discovers the site into it (unicast sweep, no multicast), then opens the app
# on that project. Take it from there: Credentials (find defaults, type the one changed password printed
# below, rotate), Checks (fix, waive), Handover (sign). The app listens for device announcements on loopback
# only (HANDOVER_LISTEN), so the demo sends nothing beyond this machine. Closing the window stops the site.
# Usage: bash scripts/demo-desktop.sh OUTPUT_FOLDER
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mkdir -p "${1:?usage: demo-desktop.sh OUTPUT_FOLDER}" && cd "$1" && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/handover-target}"
bash scripts/build-desktop.sh
cargo build -q -p handover-cli --bin handover -p handover-sim --bin handover-sim
bin="$CARGO_TARGET_DIR/debug/handover"
sim_bin="$CARGO_TARGET_DIR/debug/handover-sim"
app="$CARGO_TARGET_DIR/debug/handover-desktop"
export HANDOVER_DATA_DIR="${HANDOVER_DATA_DIR:-$out/data}" HANDOVER_LISTEN="${HANDOVER_LISTEN:-127.0.0.1:3702}"

echo "== Starting the simulated site (loopback only)"
"$sim_bin" > "$out/sim.log" 2>&1 &
sim=$!
trap 'kill "$sim" 2>/dev/null; wait "$sim" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  grep -q "Press Ctrl-C" "$out/sim.log" && break
  kill -0 "$sim" 2>/dev/null || { cat "$out/sim.log" >&2; echo "the simulated site did not start (is a demo or another handover-sim running? stop it)" >&2; exit 1; }
  sleep 0.1
done

project="$out/demo-desktop.handover"
rm -f "$project" "$project-wal" "$project-shm"
echo "== Creating $project and discovering the site into it"
"$bin" --project "$project" init --name "Demo site — Harbour Logistics depot" --customer "Harbour Logistics Ltd" \
  --address "3 Quay Road, Harbourside" --integrator "Example Security Integrators" \
  --technician "Demo Technician" --plan assets/demo/plan.csv
"$bin" --project "$project" discover --no-multicast

cat <<'NOTE'

== Opening the app on the demo project
On the Credentials screen, "Find factory defaults" leaves one device unknown: cam-roof-08 (127.20.0.17),
whose password was changed before the handover. "Set password…" on its row: user service, password
Roof-Cam-2024!  Then "Rotate". Close the window to end the demo.
NOTE
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -z "${HANDOVER_DEMO_THROWAWAY_KEYRING:-}" ]; then
  "$app" "$project"
else
  echo "No D-Bus session: the app uses a throwaway keyring (export the passwords for IT before closing it)."
  bash scripts/with-keyring.sh "$app" "$project"
fi
