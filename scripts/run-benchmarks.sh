#!/usr/bin/env bash
# Runs every benchmark binary in BUILD_DIR/bench and collects their `RESULT name value unit`
# lines. Benchmarks are never part of `make test`.
set -euo pipefail
BUILD=${1:-build/release}
shopt -s nullglob
benches=("$BUILD"/bench/*_bench)
if ((${#benches[@]} == 0)); then
  echo "no benchmarks built in $BUILD/bench"
  exit 0
fi
for b in "${benches[@]}"; do
  echo "== $(basename "$b")"
  "$b"
done
