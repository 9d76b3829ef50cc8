#!/usr/bin/env bash
# Builds the native library, CLI, host and test suites into build/native, and the wasm module
# into build/wasm (its output lands in dist/, which npm packs) with the core test suite compiled
# to wasm beside it, and on request the native tree again under AddressSanitizer +
# UndefinedBehaviorSanitizer into build/asan.
# The pages (web/pages, served by the host) are built by Vite into build/pages after the wasm.
# `module` builds only the wasm module (what `npm pack` runs as its prepack: package.json).
# Usage: scripts/build.sh [native|wasm|module|pages|all|asan]
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
type=${BUILD_TYPE:-Release}
jobs=${JOBS:-$(nproc)}

if [ "$what" = native ] || [ "$what" = all ]; then
  cmake -S . -B build/native -DCMAKE_BUILD_TYPE="$type" ${CMAKE_ARGS:-} >/dev/null
  cmake --build build/native -j "$jobs"
fi
if [ "$what" = asan ]; then
  cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DHANDOFFKIT_SANITIZE=ON >/dev/null
  cmake --build build/asan -j "$jobs"
fi
if [ "$what" = wasm ] || [ "$what" = module ] || [ "$what" = all ]; then
  # Debian's emscripten 3.1.6 needs acorn, which Debian installs under /usr/share/nodejs
  # rather than in emscripten's own node_modules, so NODE_PATH points there; the emulator fixes
  # CTest's default (Node 20 refuses --experimental-wasm-threads; without fetch, 3.1.6's glue
  # reads the .wasm from disk in Node).
  export NODE_PATH=/usr/share/nodejs
  emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE="$type" \
    -DCMAKE_CROSSCOMPILING_EMULATOR="/usr/bin/node;--no-experimental-fetch" >/dev/null
  if [ "$what" = module ]; then
    cmake --build build/wasm -j "$jobs" --target handoffkit_wasm
  else
    cmake --build build/wasm -j "$jobs"
  fi
fi
if [ "$what" = pages ] || [ "$what" = all ]; then
  node node_modules/vite/bin/vite.js build --config web/pages/vite.config.mjs --logLevel warn
fi
