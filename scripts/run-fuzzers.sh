#!/usr/bin/env bash
# Runs every libFuzzer target in DIR for SECONDS each, seeded from tests/fuzz/corpus/<target>/
# when present. Fails when a target crashes, leaks or hangs.
set -euo pipefail
DIR=${1:?usage: run-fuzzers.sh FUZZ_BIN_DIR SECONDS}
SECONDS_EACH=${2:-30}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
shopt -s nullglob
targets=("$DIR"/*_fuzz)
if ((${#targets[@]} == 0)); then
  echo "run-fuzzers: no fuzz targets in $DIR"
  exit 0
fi
# Known third-party reports (see the file) are suppressed; everything else still fails a target.
export UBSAN_OPTIONS="suppressions=$ROOT/tests/fuzz/ubsan.supp:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
for target in "${targets[@]}"; do
  name=$(basename "$target")
  work=$(mktemp -d)
  seeds=()
  [[ -d "$ROOT/tests/fuzz/corpus/$name" ]] && seeds+=("$ROOT/tests/fuzz/corpus/$name")
  echo "fuzz: $name for ${SECONDS_EACH}s"
  if ! "$target" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -artifact_prefix="$work/" "$work" "${seeds[@]}" >"$work/log" 2>&1; then
    tail -n 40 "$work/log"
    echo "fuzz: $name FAILED (artifacts in $work)"
    exit 1
  fi
  grep -E '^(#[0-9]+\s+DONE|Done)' "$work/log" | tail -n 1 || true
  rm -rf "$work"
done
echo "fuzz: ${#targets[@]} targets passed"
