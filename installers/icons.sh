#!/usr/bin/env bash
# Regenerates every app icon from the one source image, assets/logo/handover.svg, with the Tauri CLI's
# `tauri icon` into src-tauri/icons/: icon.ico (Windows), icon.icns (macOS), and for Linux one PNG per
# hicolor size a desktop looks up (16 to 512; the .deb/.rpm also install the SVG itself as the scalable
# icon; icon.png, 512 px, is the window icon, so it comes first in tauri.conf.json's list). Dropped: the
# Android and iOS sets, the Windows Store logos (no MSIX is built), and 128x128@2x.png, which Tauri would
# install as a 256 px image in hicolor's 256x256@2 folder (meant for 512 px). Run it after changing the logo and commit the result;
# the bundles read the committed icons, so building needs no image tools.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
if [ ! -x ui/node_modules/.bin/tauri ]; then (cd ui && npm install --no-audit --no-fund); fi
(cd ui && npx tauri icon "$ROOT/assets/logo/handover.svg" --output "$OUT")
(cd ui && npx tauri icon "$ROOT/assets/logo/handover.svg" --output "$OUT" -p 16 -p 24 -p 48 -p 256)
rm -rf "$OUT/android" "$OUT/ios" "$OUT/128x128@2x.png" "$OUT"/Square*Logo.png "$OUT/StoreLogo.png"
rm -f src-tauri/icons/*
cp "$OUT"/* src-tauri/icons/
ls src-tauri/icons
