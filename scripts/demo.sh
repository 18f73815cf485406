#!/usr/bin/env bash
# The demo: the whole job on the built-in simulated site (installs what it needs first).
# Usage: bash scripts/demo.sh [OUTPUT_FOLDER]   (default: ./handover-demo)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/handover-target}"
out="${1:-handover-demo}"
cargo build -q -p handover-cli
exec "$CARGO_TARGET_DIR/debug/handover" demo --out "$out" --fresh
