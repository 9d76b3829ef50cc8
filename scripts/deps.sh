#!/usr/bin/env bash
# Installs what is missing, and nothing that is already there (a second run takes seconds).
# Usage: scripts/deps.sh [native|all]   native: what the CLI/host needs; all: + wasm, browser, npm.
set -euo pipefail
cd "$(dirname "$0")/.."
scope=${1:-all}

native_packages=(g++ cmake make pkg-config libboost-url1.81-dev nlohmann-json3-dev doctest-dev
  libsqlite3-dev libhiredis-dev redis-server libssl-dev)
# emscripten pulls clang-14 (also our fuzzing compiler); chromium runs the browser tests; wrk loads the host;
# openssl (the command) makes the throwaway TLS certificate of the production host benchmark's authority.
all_packages=("${native_packages[@]}" emscripten chromium wrk openssl libclang-rt-14-dev)

case "$scope" in
  native) wanted=("${native_packages[@]}") ;;
  all) wanted=("${all_packages[@]}") ;;
  *) echo "usage: $0 [native|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$scope" = all ]; then
  command -v node >/dev/null || { echo "deps: Node.js 20 or newer is required (node not found)" >&2; exit 1; }
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || { echo "deps: Node.js 20 or newer is required (found $(node --version))" >&2; exit 1; }
  # npm ci only when package-lock.json changed since the last install.
  stamp=node_modules/.handoffkit-lock.sha256
  if ! sha256sum --status -c "$stamp" 2>/dev/null; then
    echo "deps: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    sha256sum package-lock.json > "$stamp"
  fi
fi
