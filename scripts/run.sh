#!/usr/bin/env bash
# The main job (README Quick start): installs what is missing, builds the native host and the
# pages (which need the wasm), and runs `handoffkit serve` on 127.0.0.1:3978 with its embedded
# SQLite token store, serving the pages. Local development settings, said loudly at start:
# inbound Bot Framework authentication is off, and a signing key is generated in .handoffkit/.
# Environment: BOT_ID (the bot's app id, a GUID), LISTEN (default 127.0.0.1:3978).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh all
scripts/build.sh all >/dev/null

cli=build/native/native/handoffkit
bot=${BOT_ID:-00000000-0000-0000-0000-000000000000}
listen=${LISTEN:-127.0.0.1:3978}
state=.handoffkit
mkdir -p "$state"
chmod 700 "$state"
if [ ! -s "$state/keys.json" ]; then
  # A 256-bit HS256 key for this machine only (0600); rotate with `handoffkit keys rotate`.
  rm -f "$state/keys.json"  # an empty one
  "$cli" keys new --out "$state/keys.json" >/dev/null
fi

# The seed's handoff/action payload (tests/vectors/invoke.json) carrying a fresh token, valid one
# hour and redeemable once, for a first request by hand.
token=$("$cli" token issue --keys "$state/keys.json" --bot-id "28:$bot" --ttl 3600 | sed 's/.*"token":"\([^"]*\)".*/\1/')
node -e '
  const [file, token, bot] = process.argv.slice(1);
  const a = JSON.parse(require("fs").readFileSync(file, "utf8")).seedActivity;
  a.value.continuation = token;
  a.recipient.id = `28:${bot}`;
  console.log(JSON.stringify(a));' tests/vectors/invoke.json "$token" "$bot" >"$state/handoff.json"
cat <<INFO

handoffkit host on http://$listen/  (pages: deep-link checker, card preview, readiness report)
token store: sqlite:$state/tokens.db   signing keys: $state/keys.json
Try a handoff: 200 the first time, 409 (replayed) after that:
  curl -i http://$listen/api/messages -H 'Content-Type: application/json' -d @$state/handoff.json

INFO
exec "$cli" serve --listen "$listen" --insecure-no-auth --app-id "$bot" \
  --keys "$state/keys.json" --store "sqlite:$state/tokens.db" --web-root build/pages
