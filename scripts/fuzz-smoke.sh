#!/usr/bin/env bash
# Fuzz smoke test, part of scripts/test.sh: builds every fuzz target in fuzz/ and runs each one briefly (a
# bounded number of runs, FUZZ_SMOKE_RUNS, default 20000; fewer for the PDF target, whose inputs are large) over
# its committed seeds, with no allocation above 64 MiB. Fails on the first crash, naming the saved input.
# The long campaign is scripts/fuzz-campaign.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/fuzz-lib.sh
runs="${FUZZ_SMOKE_RUNS:-20000}"
fuzz_setup
fuzz_build
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0
for t in $(fuzz_targets); do
  n="$runs"
  [ "$t" = verify_pdf ] && n=$((runs / 10))
  start=$(date +%s)
  if fuzz_run "$t" "$work/corpus/$t" "$work/artifacts/$t" "$work/$t.log" -runs="$n" -seed=1; then
    echo "fuzz $t: $(fuzz_stat "$work/$t.log" number_of_executed_units) runs, no crash, peak $(fuzz_stat "$work/$t.log" peak_rss_mb) MiB, $(($(date +%s) - start)) s"
  else
    failed=1
    echo "fuzz $t: FAILED; libFuzzer said:"
    grep -E 'ERROR|panicked|SUMMARY|Test unit written|out-of-memory' "$work/$t.log" | head -20 || tail -30 "$work/$t.log"
    mkdir -p fuzz/artifacts/"$t"
    cp "$work/artifacts/$t"/* fuzz/artifacts/"$t"/ 2>/dev/null || true
    echo "fuzz $t: the input is kept in fuzz/artifacts/$t/"
  fi
done
exit "$failed"
