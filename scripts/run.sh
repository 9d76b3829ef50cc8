#!/usr/bin/env bash
# The main job (README Quick start): installs what is missing, builds, and runs handoffkit.
# Until the HTTP host lands, this is a CLI demo: it prints a Copilot handoff link and its report.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh native
scripts/build.sh native >/dev/null
cli=build/native/native/handoffkit
bot=${BOT_ID:-00000000-0000-0000-0000-000000000000}
link=$("$cli" link --bot-id "$bot" --continuation "${CONTINUATION:-demo continuation}")
echo "handoff link: $link"
"$cli" link validate "$link" --expect handoff --pretty
