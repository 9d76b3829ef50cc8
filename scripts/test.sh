#!/usr/bin/env bash
# The one test command (README Quick start; .ci/run runs exactly this): installs what is missing,
# builds native and wasm, then runs every suite: C++ (doctest via CTest, plain and under ASan+UBSan;
# the core suite also as wasm under Node), a short libFuzzer pass, Node, headless Chromium, and the
# packed npm package used four ways (and packed from a clean clone).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh all
scripts/build.sh all

echo "== native suites (ctest: the core suite, the host/tools suite, the find_package consumer)"
(cd build/native && ctest --output-on-failure -j 2)

echo "== the core suite again, compiled to wasm, under Node"
(cd build/wasm && ctest --output-on-failure)

echo "== native suites again under AddressSanitizer + UndefinedBehaviorSanitizer"
scripts/build.sh asan
(cd build/asan && ctest --output-on-failure -j 2)

echo "== short fuzz pass (libFuzzer + ASan + UBSan; a long run: scripts/fuzz.sh 3600)"
scripts/fuzz.sh "${FUZZ_SECONDS:-10}"

echo "== JS suites (node --test: Node, headless Chromium, packed package)"
packed=$(node -e 'import("./tests/support/pack.mjs").then((m) => console.log(m.packAndInstall()))')
trap 'rm -rf "$packed"' EXIT
HANDOFFKIT_PACKED_DIR="$packed" node --test --test-concurrency=1 tests/node/ tests/browser/ tests/package/
