#!/usr/bin/env bash
# Shared by scripts/fuzz-smoke.sh and scripts/fuzz-campaign.sh (sourced, not run): makes sure the nightly
# toolchain and cargo-fuzz are there, builds every fuzz target in fuzz/ (libFuzzer + AddressSanitizer, its own
# target directory), and runs one target over its committed seeds with the allocation and memory bounds.

FUZZ_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/fuzz"
# Never the main workspace's target directory: the fuzz crate is its own workspace with other flags.
FUZZ_TARGET_DIR="${FUZZ_TARGET_DIR:-${CARGO_TARGET_DIR:-/var/tmp/handover-target}-fuzz}"
# A single allocation above this, or a resident set above FUZZ_RSS_MB, is a failure like a crash.
FUZZ_MALLOC_MB="${FUZZ_MALLOC_MB:-64}"
FUZZ_RSS_MB="${FUZZ_RSS_MB:-512}"

fuzz_setup() {
  if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal
  fi
  if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo +nightly install cargo-fuzz --locked
  fi
}

fuzz_build() {
  (cd "$FUZZ_ROOT" && cargo +nightly fuzz build --target-dir "$FUZZ_TARGET_DIR")
  FUZZ_BIN="$FUZZ_TARGET_DIR/$(rustc +nightly -vV | sed -n 's/^host: //p')/release"
}

fuzz_targets() {
  (cd "$FUZZ_ROOT" && cargo +nightly fuzz list)
}

# fuzz_run TARGET CORPUS_DIR ARTIFACT_DIR LOG [libFuzzer options...]: one process (no -jobs, no -fork), new
# inputs written to CORPUS_DIR, the committed seeds read too. Returns libFuzzer's status (non-zero on a crash,
# a leak, a timeout or an allocation over the bound).
fuzz_run() {
  local target="$1" corpus="$2" artifacts="$3" log="$4"
  shift 4
  mkdir -p "$corpus" "$artifacts"
  "$FUZZ_BIN/$target" "$corpus" "$FUZZ_ROOT/seeds/$target" \
    -malloc_limit_mb="$FUZZ_MALLOC_MB" -rss_limit_mb="$FUZZ_RSS_MB" -timeout=10 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 "$@" >"$log" 2>&1
}

# fuzz_stat LOG NAME: a figure from libFuzzer's final stats (number_of_executed_units, peak_rss_mb, ...).
fuzz_stat() {
  sed -n "s/^stat::$2: *//p" "$1" | tail -1
}
