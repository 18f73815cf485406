#!/usr/bin/env bash
# Installs the third-party tools the simulator's acceptance tests talk to, idempotently, into
# /var/tmp/handover-tools (override with HANDOVER_TOOLS):
#   - venv/ : a Python venv (Debian's /usr/bin/python3) with onvif-zeep, an ONVIF client that is not ours,
#             and pyHanko (pyhanko-cli), a PDF signature validator that is not ours (crates/handover-report/tests/agreement.rs).
# net-snmp's snmpwalk comes from the Debian package `snmp`, listed in scripts/packages.txt (scripts/setup.sh).
# Safe to run again: does nothing when everything is already there.
set -euo pipefail
tools="${HANDOVER_TOOLS:-/var/tmp/handover-tools}"
venv="$tools/venv"
py=/usr/bin/python3
[ -x "$py" ] || py="$(command -v python3)"
mkdir -p "$tools"
if ! "$venv/bin/python" -c 'import onvif, zeep' 2>/dev/null; then
  echo "setup-sim-tools: creating $venv with onvif-zeep"
  if ! "$py" -m venv "$venv" 2>/dev/null; then
    # Debian ships venv separately (python3-venv).
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    "$py" -m venv "$venv"
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'onvif-zeep==0.2.12'
fi
"$venv/bin/python" -c 'import onvif, zeep; print("setup-sim-tools: onvif-zeep ready in", __import__("sys").prefix)'
if ! [ -x "$venv/bin/pyhanko" ]; then
  echo "setup-sim-tools: adding pyHanko to $venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'pyhanko-cli==0.6.0' 'pyhanko==0.38.0'
fi
"$venv/bin/pyhanko" --version 2>/dev/null | sed 's/^/setup-sim-tools: /'
