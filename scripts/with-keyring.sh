#!/usr/bin/env bash
# Runs a command against a real, throwaway OS keyring (gnome-keyring's Secret Service) on a headless machine.
#
#   scripts/with-keyring.sh CMD ARGS...           keyring unlocked; exports HANDOVER_KEYRING_TEST=1
#   scripts/with-keyring.sh --locked CMD ARGS...  a login keyring that exists but is locked;
#                                                 exports HANDOVER_KEYRING_TEST=locked
#
# Each run gets a fresh HOME (mktemp) so an existing login keyring can never interfere, a private D-Bus session
# (dbus-run-session) and a gnome-keyring-daemon unlocked with a throwaway password. The daemon and the bus end
# with the command; the temporary HOME is removed. Needs: dbus, gnome-keyring, libsecret-tools (scripts/packages.txt).
set -euo pipefail

mode=unlocked
if [ "${1:-}" = "--locked" ]; then
  mode=locked
  shift
fi
if [ $# -eq 0 ]; then
  echo "usage: $0 [--locked] COMMAND [ARGS...]" >&2
  exit 2
fi
for tool in dbus-run-session gnome-keyring-daemon secret-tool; do
  command -v "$tool" >/dev/null || { echo "$0: $tool not found: run scripts/setup.sh" >&2; exit 2; }
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/handover-keyring.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mkdir -m700 "$tmp/run" "$tmp/share"
# Keep the Rust toolchain reachable: rustup and cargo find their homes through $HOME unless told.
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export HOME="$tmp" XDG_DATA_HOME="$tmp/share" XDG_RUNTIME_DIR="$tmp/run"
export HANDOVER_KEYRING_PASSWORD="throwaway-$RANDOM-$$"
unset DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL

if [ "$mode" = locked ]; then
  # First session: create the login keyring (unlocked with the throwaway password) and end, leaving it on disk.
  # gnome-keyring writes login.keyring only once it holds an item, so store a marker item (secret-tool),
  # named like a Handover entry (project "locked-test", other secret "marker") so tests can try to read it.
  dbus-run-session -- sh -c 'printf %s "$HANDOVER_KEYRING_PASSWORD" |
    gnome-keyring-daemon --unlock --components=secrets >/dev/null &&
    printf marker | secret-tool store --label=marker service handover username "locked-test/marker#other" \
      project locked-test' 2>/dev/null
  if [ ! -f "$tmp/share/keyrings/login.keyring" ]; then
    echo "$0: could not create a login keyring to lock (is libsecret-tools installed?)" >&2
    exit 2
  fi
  export HANDOVER_KEYRING_TEST=locked
  # Second session: start the daemon without unlocking; the login keyring stays locked.
  exec_line='gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1 && exec "$@"'
else
  export HANDOVER_KEYRING_TEST=1
  exec_line='printf %s "$HANDOVER_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 && exec "$@"'
fi

# dbus-daemon complains about fd limits when run as root in a container; keep the rest of stderr.
set +e
dbus-run-session -- sh -c "$exec_line" sh "$@" \
  2> >(grep -v -e 'Failed to set fd limit' -e 'Activating service name=' -e 'Successfully activated service' -e "couldn't access control socket" >&2)
rc=$?
wait
exit $rc
