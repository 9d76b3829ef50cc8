#!/usr/bin/env bash
# Runs the Northwind sample bot on 127.0.0.1:${PORT:-3978} and, with --playground, the Microsoft 365
# Agents Playground (a local Teams emulator, npm @microsoft/m365agentsplayground) on
# 127.0.0.1:${PLAYGROUND_PORT:-56150}, pointed at it. Local development only: no credentials, so
# inbound authentication is off and follow-ups go out without a bearer token. Ctrl-C stops both.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
[ -d node_modules/@microsoft/agents-hosting ] || npm ci --no-audit --no-fund
[ -f dist/handoffkit.wasm ] || scripts/build.sh wasm

export PORT=${PORT:-3978}
node "$here/server.mjs" &
bot=$!
trap 'kill $bot ${playground:-} 2>/dev/null || true' EXIT INT TERM

if [ "${1:-}" = --playground ]; then
  # The Playground reads credentials and proxies from the environment, and tries to open a browser.
  env -u AUTH_CLIENT_ID -u AUTH_CLIENT_SECRET -u AUTH_TENANT_ID -u HTTP_PROXY -u HTTPS_PROXY \
    TEAMSAPPTESTER_BROWSER=none APPLICATION_INSIGHTS_NO_STATSBEAT=true \
    M365_AGENTS_PLAYGROUND_CONFIG_PATH="$here/playground/m365agentsplayground.yml" \
    M365_AGENTS_PLAYGROUND_LOGFILE="${TMPDIR:-/tmp}/northwind-playground.log" \
    node --import "$here/playground/loopback.mjs" node_modules/@microsoft/m365agentsplayground/cli.js \
      -e "http://127.0.0.1:$PORT/api/messages" -c msteams -p "${PLAYGROUND_PORT:-56150}" --disable-telemetry &
  playground=$!
  echo "northwind: the Playground is on http://127.0.0.1:${PLAYGROUND_PORT:-56150}"
fi
wait $bot
