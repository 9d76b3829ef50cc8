#!/usr/bin/env bash
# Benchmarks (figures, never pass/fail): builds Release, then prints one table of native,
# wasm-in-Node and the JS peer doing the same work in the same run.
# With --base COMMIT, the same benchmark of COMMIT runs in the same run: a git worktree of it in
# build/bench-base/tree, built there (its own build/native and build/wasm), measured area by area
# alternating with this tree (tests/bench/compare.mjs), and docs/benchmarks.md is written with
# the date, the machine, the issue's floors, the ratios and both tables.
# With --production, only the production setup of the host (issue 17: host.prod.*) runs, and only
# that section of docs/benchmarks.md is rewritten (tests/bench/page.mjs).
# Usage: scripts/bench.sh [--base COMMIT | --production] [operation-prefix]
set -euo pipefail
cd "$(dirname "$0")/.."
base=""
if [ "${1:-}" = --production ]; then
  scripts/deps.sh all
  BUILD_TYPE=Release scripts/build.sh all >/dev/null
  exec node tests/bench/page.mjs
fi
if [ "${1:-}" = --base ]; then
  base=${2:?--base needs a commit}
  shift 2
fi
scripts/deps.sh all
BUILD_TYPE=Release scripts/build.sh all >/dev/null
if [ -z "$base" ]; then
  exec node tests/bench/run.mjs --native build/native/tests/handoffkit_bench "$@"
fi

commit=$(git rev-parse --verify "$base^{commit}")
tree=build/bench-base/tree
if [ -e "$tree/.git" ]; then
  git -C "$tree" checkout --quiet --detach "$commit"
else
  mkdir -p build/bench-base
  git worktree add --detach "$tree" "$commit" >/dev/null
fi
jobs=${JOBS:-$(nproc)}
# What the benchmark runs of the base: its bench binary, its CLI (the host) and its wasm module.
cmake -S "$tree" -B "$tree/build/native" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$tree/build/native" -j "$jobs" --target handoffkit_bench handoffkit_cli >/dev/null
(cd "$tree" && BUILD_TYPE=Release scripts/build.sh wasm >/dev/null)
node tests/bench/compare.mjs --base "$tree" --commit "$commit" "$@"
