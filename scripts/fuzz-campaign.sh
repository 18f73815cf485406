#!/usr/bin/env bash
# The long fuzz campaign: `scripts/fuzz-campaign.sh [runs-per-target] [target...]` (default 10,000,000 runs,
# every target). One process at a time (no -jobs, no -fork), the 64 MiB allocation bound, a corpus that grows
# across campaigns in FUZZ_CORPUS (default /var/tmp/handover-fuzz/corpus) and crashing inputs saved in
# FUZZ_CORPUS/../artifacts. FUZZ_MAX_TIME=SECONDS also stops each target after that long. Prints one Markdown
# table row per target (executions, crashes, time, executions per second, peak RSS) for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/fuzz-lib.sh
runs="${1:-10000000}"
shift || true
corpus="${FUZZ_CORPUS:-/var/tmp/handover-fuzz/corpus}"
artifacts="$(dirname "$corpus")/artifacts"
logs="$(dirname "$corpus")/logs"
mkdir -p "$logs"
fuzz_setup
fuzz_build
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(fuzz_targets)
time_opt=()
[ -n "${FUZZ_MAX_TIME:-}" ] && time_opt=(-max_total_time="$FUZZ_MAX_TIME")
echo "| target | executions | crashes | time | executions/s | peak RSS MiB |"
echo "|---|---|---|---|---|---|"
status=0
for t in "${targets[@]}"; do
  log="$logs/$t.log"
  start=$(date +%s)
  crashes=0
  fuzz_run "$t" "$corpus/$t" "$artifacts/$t" "$log" -runs="$runs" "${time_opt[@]}" || { crashes=1; status=1; }
  secs=$(($(date +%s) - start))
  execs=$(fuzz_stat "$log" number_of_executed_units)
  echo "| \`$t\` | ${execs:-?} | $crashes | ${secs} s | $(fuzz_stat "$log" average_exec_per_sec) | $(fuzz_stat "$log" peak_rss_mb) |"
  if [ "$crashes" -ne 0 ]; then
    grep -E 'ERROR|panicked|Test unit written' "$log" | head -5 | sed 's/^/    /' >&2
  fi
done
exit "$status"
