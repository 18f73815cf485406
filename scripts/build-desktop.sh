#!/usr/bin/env bash
# Builds the desktop app from source: installs the Debian packages it links against (only those missing),
# the UI's npm packages (when package.json changed), builds the UI into ui/dist, then the app
# ($CARGO_TARGET_DIR/debug/handover-desktop). Idempotent; used by scripts/test-desktop.sh and the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/handover-target}

need_pkgs=()
for p in libwebkit2gtk-4.1-dev build-essential pkg-config "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_pkgs+=("$p")
done
if ((${#need_pkgs[@]})); then
  echo "== installing ${need_pkgs[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${need_pkgs[@]}"
fi

cd "$ROOT/ui"
if [ ! -d node_modules ] || [ package.json -nt node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
fi
npx vite build
cd "$ROOT"
cargo build -p handover-desktop
