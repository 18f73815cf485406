#!/usr/bin/env bash
# Refreshes the committed screenshots in docs/screenshots/ (the README shows them): runs the desktop walk
# (scripts/test-desktop.sh) and, with ALSO_INSTALLER=1, the installer test, with HANDOVER_SCREENSHOTS pointed at
# docs/screenshots/. The test suite itself writes its screenshots under the build folder and never here.
# Review the pictures (and `git diff --stat docs/screenshots`) before committing them.
set -euo pipefail
cd "$(dirname "$0")/.."
export HANDOVER_SCREENSHOTS="$PWD/docs/screenshots"
mkdir -p "$HANDOVER_SCREENSHOTS"
bash scripts/test-desktop.sh
if [ "${ALSO_INSTALLER:-0}" = 1 ]; then bash scripts/test-installer.sh; fi
echo "Screenshots refreshed in $HANDOVER_SCREENSHOTS; look at them before committing."
