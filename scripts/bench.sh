#!/usr/bin/env bash
# Benchmarks (figures, never pass/fail): builds Release, then prints one table of native,
# wasm-in-Node and the JS peer doing the same work in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh all
BUILD_TYPE=Release scripts/build.sh all >/dev/null
node tests/bench/run.mjs --native build/native/tests/handoffkit_bench "$@"
