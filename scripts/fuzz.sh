#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, ASan + UBSan + fuzzer) and runs each for SECONDS.
# The test command runs a short pass; a long run is e.g. `scripts/fuzz.sh 3600`.
# Findings (crash-*, leak-*) are written to build/fuzz/findings/ and fail the run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
jobs=${JOBS:-$(nproc)}

CC=clang-14 CXX=clang++-14 cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHANDOFFKIT_FUZZ=ON >/dev/null
cmake --build build/fuzz -j "$jobs" >/dev/null
node tests/fuzz/seed-corpus.mjs build/fuzz/seeds
mkdir -p build/fuzz/findings
for target in build/fuzz/tests/fuzz/fuzz_*; do
  name=$(basename "$target" | sed 's/^fuzz_//')
  corpus=build/fuzz/corpus/$name
  mkdir -p "$corpus"
  echo "fuzz: $name for ${seconds}s"
  log=build/fuzz/$name.log
  if ! "$target" "$corpus" "build/fuzz/seeds/$name" -max_total_time="$seconds" -max_len=8192 -timeout=10 \
      -artifact_prefix=build/fuzz/findings/"$name"- -print_final_stats=1 >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "fuzz: $name found a failure (input saved under build/fuzz/findings/)" >&2
    exit 1
  fi
  grep -E "^stat::number_of_executed_units" "$log" || true
done
