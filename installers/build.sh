#!/usr/bin/env bash
# Builds the installers for the OS it runs on: `bash installers/build.sh [BUNDLE...]` with BUNDLE among
# deb rpm appimage (Linux), msi nsis (Windows), dmg app (macOS); none = every bundle of this OS (Tauri's
# "targets": "all"). The packages land in $CARGO_TARGET_DIR/release/bundle/<kind>/.
#
# Steps: the UI (npm install when needed, vite build), the `handover` CLI in release, staged as
# src-tauri/binaries/handover-<target triple>[.exe] (Tauri's externalBin naming), then `tauri build` with
# that CLI added as an external binary, so it is installed beside the app: /usr/bin/handover (.deb, .rpm),
# handover.exe in the install folder (MSI, NSIS), Handover.app/Contents/MacOS/handover (DMG).
# externalBin is given here rather than in tauri.conf.json because tauri-build insists that the staged file
# exists on every `cargo build` of the app; this way plain builds and tests do not need it.
# Signing: the Tauri bundler signs when its variables are set (APPLE_* on macOS; on Windows the certificate
# named by HANDOVER_WINDOWS_CERT_THUMBPRINT, see installers/README.md); none are needed to build.
# Runs on Linux, macOS and Windows (Git Bash, as in the CI workflow).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/handover-target}

# The target folder as this shell spells paths (Git Bash on Windows gets C:\... from the environment).
TARGET=$CARGO_TARGET_DIR
if command -v cygpath >/dev/null 2>&1; then TARGET=$(cygpath -u "$CARGO_TARGET_DIR"); fi
TRIPLE=$(rustc -vV | sed -n 's/^host: //p')
EXE=""
case "$TRIPLE" in *windows*) EXE=".exe" ;; esac

echo "== ui: vite build"
cd "$ROOT/ui"
if [ ! -d node_modules ] || [ package.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
fi
npx vite build
cd "$ROOT"

echo "== the handover CLI (release), staged for the bundle"
cargo build --release -p handover-cli
mkdir -p src-tauri/binaries
cp "$TARGET/release/handover$EXE" "src-tauri/binaries/handover-$TRIPLE$EXE"

# Signing inputs (installers/README.md): CI sets every variable, empty when its secret is absent; an empty
# one would make the bundler try to sign with nothing, so those are dropped.
for v in APPLE_SIGNING_IDENTITY APPLE_CERTIFICATE APPLE_CERTIFICATE_PASSWORD APPLE_ID APPLE_PASSWORD \
  APPLE_TEAM_ID APPLE_API_ISSUER APPLE_API_KEY APPLE_API_KEY_PATH; do
  [ -n "${!v:-}" ] || unset "$v"
done
WINDOWS=""
if [ -n "${HANDOVER_WINDOWS_CERT_THUMBPRINT:-}" ]; then
  WINDOWS=',"windows":{"certificateThumbprint":"'$HANDOVER_WINDOWS_CERT_THUMBPRINT'","digestAlgorithm":"sha256","timestampUrl":"'${HANDOVER_WINDOWS_TIMESTAMP_URL:-http://timestamp.digicert.com}'"}'
fi

BUNDLES=()
if [ $# -gt 0 ]; then BUNDLES=(--bundles "$(IFS=,; echo "$*")"); fi
echo "== tauri build ${BUNDLES[*]}"
"$ROOT/ui/node_modules/.bin/tauri" build --ci \
  --config '{"bundle":{"externalBin":["binaries/handover"]'"$WINDOWS"'}}' ${BUNDLES[@]+"${BUNDLES[@]}"}

echo "== packages"
find "$TARGET/release/bundle" -maxdepth 2 -type f \
  \( -name '*.deb' -o -name '*.rpm' -o -name '*.AppImage' -o -name '*.msi' -o -name '*.exe' -o -name '*.dmg' \) \
  -newer "src-tauri/binaries/handover-$TRIPLE$EXE" -print
