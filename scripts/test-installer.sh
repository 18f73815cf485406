#!/usr/bin/env bash
# The Linux installers, tested as a technician meets them: builds the .deb and .rpm (installers/build.sh,
# offline), checks what they hold (the app and the `handover` CLI in /usr/bin, the desktop entry, icons in
# every hicolor size, the project MIME type), then really installs the .deb on this machine with
# `apt-get install ./…deb` (what the README tells users) and always purges it again on exit. Installed, it
# checks `handover --version` against the workspace version, validates the desktop entry, asks GIO what a
# project file is (by name and by content), starts the installed app under Xvfb with a project as its
# argument and saves a screenshot of the whole screen (installed-app.png in $CARGO_TARGET_DIR/screenshots, or
# in $HANDOVER_SCREENSHOTS: scripts/update-screenshots.sh), and drives the
# installed app with tauri-driver (src-tauri/tests/installed.rs: the project is open, the About box shows the
# version). The .rpm is inspected, not installed: this is a Debian machine; the CI matrix builds AppImage,
# MSI, NSIS and DMG (.github/workflows/installers.yml).
# Needs root (it installs packages); idempotent: a second run rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/handover-target}
TOOLS=${HANDOVER_TOOLS:-/var/tmp/handover-tools}
VERSION=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' Cargo.toml)
[ -n "$VERSION" ] || { echo "no [workspace.package] version in Cargo.toml" >&2; exit 1; }
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo

fail() { echo "FAIL: $*" >&2; exit 1; }
now() { date +%s; }

need_pkgs=()
for p in libwebkit2gtk-4.1-dev build-essential pkg-config xvfb xauth webkit2gtk-driver imagemagick xdotool \
  desktop-file-utils rpm shared-mime-info libglib2.0-bin xdg-utils dbus gnome-keyring; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_pkgs+=("$p")
done
if ((${#need_pkgs[@]})); then
  echo "== installing ${need_pkgs[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi
if [ ! -x "$TOOLS/bin/tauri-driver" ]; then
  echo "== installing tauri-driver into $TOOLS"
  cargo install tauri-driver --version '^2' --locked --root "$TOOLS"
fi

echo "== build the .deb and .rpm (version $VERSION)"
t0=$(now)
bash installers/build.sh deb rpm
t_build=$(($(now) - t0))
DEB=$(ls -t "$CARGO_TARGET_DIR"/release/bundle/deb/*_"${VERSION}"_*.deb | head -1)
RPM=$(ls -t "$CARGO_TARGET_DIR"/release/bundle/rpm/*-"${VERSION}"-*.rpm | head -1)
echo "$DEB ($(du -h "$DEB" | cut -f1))"
echo "$RPM ($(du -h "$RPM" | cut -f1))"

# What a desktop expects, as paths inside the packages.
EXPECTED=(
  /usr/bin/handover-desktop
  /usr/bin/handover
  /usr/share/applications/Handover.desktop
  /usr/share/mime/packages/handover.xml
  /usr/share/icons/hicolor/scalable/apps/handover-desktop.svg
)
for size in 16 24 32 48 64 128 256 512; do
  EXPECTED+=("/usr/share/icons/hicolor/${size}x${size}/apps/handover-desktop.png")
done

echo "== what the .deb holds"
PKG=$(dpkg-deb -f "$DEB" Package)
[ "$(dpkg-deb -f "$DEB" Version)" = "$VERSION" ] || fail "the .deb's Version is not $VERSION"
dpkg-deb -f "$DEB" Depends | grep -q libwebkit2gtk-4.1 || fail "the .deb does not depend on webkit2gtk-4.1"
deb_files=$(dpkg-deb -c "$DEB" | awk '{print $6}' | sed -e 's|^\./|/|' -e 's|^\([^/]\)|/\1|')
for f in "${EXPECTED[@]}"; do
  grep -qx "$f" <<<"$deb_files" || fail "the .deb lacks $f"
done
dpkg-deb -I "$DEB" | sed -n '/Package:/,$p'

echo "== what the .rpm holds"
[ "$(rpm -qp --qf '%{VERSION}' "$RPM" 2>/dev/null)" = "$VERSION" ] || fail "the .rpm's version is not $VERSION"
rpm_files=$(rpm -qlp "$RPM" 2>/dev/null)
for f in "${EXPECTED[@]}"; do
  grep -qx "$f" <<<"$rpm_files" || fail "the .rpm lacks $f"
done
rpm -qp --requires "$RPM" 2>/dev/null | grep -q webkit2gtk || fail "the .rpm does not require webkit2gtk"
echo "rpm: $(rpm -qp --qf '%{NAME} %{VERSION}-%{RELEASE} %{ARCH}' "$RPM" 2>/dev/null), ${#EXPECTED[@]} expected paths present"

echo "== install the .deb on this machine (apt-get install ./…deb; purged on exit)"
T=$(mktemp -d)
cleanup() {
  if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q "installed"; then
    DEBIAN_FRONTEND=noninteractive $SUDO dpkg --purge "$PKG" >/dev/null
  fi
  rm -rf "$T"
}
trap cleanup EXIT
if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q "installed"; then
  fail "$PKG is already installed on this machine; this test installs and removes its own copy"
fi
t0=$(now)
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$DEB" >/dev/null
t_install=$(($(now) - t0))
for f in "${EXPECTED[@]}"; do [ -e "$f" ] || fail "installed, but $f is missing"; done

echo "== the installed CLI"
got=$(/usr/bin/handover --version)
[ "$got" = "handover $VERSION" ] || fail "handover --version printed '$got', not 'handover $VERSION'"
echo "$got"

echo "== the installed desktop entry and file association"
DESKTOP=/usr/share/applications/Handover.desktop
desktop-file-validate "$DESKTOP" || fail "desktop-file-validate refused $DESKTOP"
cat "$DESKTOP"
grep -qx 'Exec=handover-desktop %f' "$DESKTOP" || fail "the desktop entry does not pass the opened file"
grep -qx 'MimeType=application/x-handover-project;' "$DESKTOP" || fail "the desktop entry names no project MIME type"
grep -qx 'Icon=handover-desktop' "$DESKTOP" || fail "the desktop entry's icon is not handover-desktop"
[ -e /usr/share/mime/application/x-handover-project.xml ] || fail "the MIME database was not updated"
mkdir -p "$T/home" "$T/run" && chmod 700 "$T/run"
PROJECT="$T/Warehouse 7.handover"
HANDOVER_DATA_DIR="$T/data" /usr/bin/handover --project "$PROJECT" init --name "Warehouse 7" \
  --technician "Ana Lopez" --plan assets/demo/plan.csv >/dev/null
cp "$PROJECT" "$T/renamed-project"
by_name=$(gio info -a standard::content-type "$PROJECT" | sed -n 's/.*standard::content-type: //p')
by_content=$(gio info -a standard::content-type "$T/renamed-project" | sed -n 's/.*standard::content-type: //p')
echo "GIO: by name $by_name, by content (no extension) $by_content"
[ "$by_name" = application/x-handover-project ] || fail "a .handover file is $by_name to GIO"
[ "$by_content" = application/x-handover-project ] || fail "a project without its extension is $by_content to GIO"
default=$(XDG_DATA_DIRS=/usr/share xdg-mime query default application/x-handover-project 2>/dev/null || true)
echo "default application for application/x-handover-project: ${default:-none}"
[ "$default" = Handover.desktop ] || fail "Handover is not the application for its projects"

echo "== the installed app under Xvfb, opened with a project (as a double-click does)"
t0=$(now)
SHOT="${HANDOVER_SCREENSHOTS:-${CARGO_TARGET_DIR:-/var/tmp/handover-target}/screenshots}/installed-app.png"
mkdir -p "$(dirname "$SHOT")"
# As in a desktop session: a D-Bus session with an unlocked (throwaway) keyring, a throwaway HOME and XDG
# folders (cargo and rustup keep theirs). Device announcements are heard on loopback only (HANDOVER_LISTEN),
# so the app joins no multicast group on a real interface.
export CARGO_HOME=${CARGO_HOME:-$HOME/.cargo} RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup}
cat > "$T/session.sh" <<'SESSION'
set -euo pipefail
echo -n installer-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
/usr/bin/handover-desktop "$PROJECT" > "$HOME/app.log" 2>&1 &
app=$!
trap 'kill $app 2>/dev/null || true' EXIT
timeout 60 xdotool search --sync --onlyvisible --name "^Handover$" >/dev/null \
  || { cat "$HOME/app.log"; echo "no Handover window within 60 s" >&2; exit 1; }
# The window is mapped; wait until the page has drawn (many colours, not a blank window), then a moment more.
for _ in $(seq 1 60); do
  import -window root "$SHOT"
  [ "$(convert "$SHOT" -format "%k" info:)" -gt 200 ] && break
  sleep 0.5
done
sleep 2
import -window root "$SHOT"
kill -0 $app || { cat "$HOME/app.log"; echo "the app exited" >&2; exit 1; }
SESSION
HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config" XDG_DATA_HOME="$T/home/.local/share" \
XDG_CACHE_HOME="$T/home/.cache" XDG_RUNTIME_DIR="$T/run" HANDOVER_DATA_DIR="$T/data" \
HANDOVER_LISTEN=127.0.0.1:3722 PROJECT="$PROJECT" SHOT="$SHOT" \
  dbus-run-session -- xvfb-run -a -s "-screen 0 1366x768x24" bash "$T/session.sh"
colours=$(convert "$SHOT" -format "%k" info:)
[ "$colours" -gt 200 ] || fail "the screenshot looks blank ($colours colours)"
t_shot=$(($(now) - t0))
echo "screenshot: $SHOT ($(identify -format '%wx%h' "$SHOT"), $colours colours)"

echo "== the installed app, driven: the project it was given is open, About shows $VERSION"
t0=$(now)
cargo build -q -p handover-desktop --features e2e --tests
HOME="$T/home" XDG_RUNTIME_DIR="$T/run" HANDOVER_INSTALLED_BIN=/usr/bin TAURI_DRIVER="$TOOLS/bin/tauri-driver" \
  xvfb-run -a -s "-screen 0 1366x768x24" \
  cargo test -q -p handover-desktop --features e2e --test installed -- --nocapture
t_driven=$(($(now) - t0))

echo "== remove"
t0=$(now)
DEBIAN_FRONTEND=noninteractive $SUDO dpkg --purge "$PKG" >/dev/null
for f in "${EXPECTED[@]}"; do [ ! -e "$f" ] || fail "$f is left after purging $PKG"; done
t_remove=$(($(now) - t0))

echo "installer test passed: build ${t_build}s, install ${t_install}s, screenshot ${t_shot}s, driven ${t_driven}s, remove ${t_remove}s"
