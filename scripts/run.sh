#!/usr/bin/env bash
# The main job (README Quick start): installs what is missing, builds the native host and the
# pages, and runs, all on 127.0.0.1:
#   the host     `handoffkit serve` on :3978 (LISTEN_PORT) with its embedded SQLite store, serving
#                the pages, in front of the bot: it answers handoff/action itself and forwards
#                every other activity to the bot, then delivers each redeemed handoff to it
#   the bot      the Northwind sample (examples/northwind-handoff) on :3979 (APP_PORT), its
#                composeExtension search answering with handoff cards signed with the host's keys
#   the emulator the Microsoft 365 Agents Playground on :56150 (PLAYGROUND_PORT), a local Teams
#                that talks to the host; --no-playground leaves it out
# Local development settings, said loudly at start: no app credentials, so inbound Bot Framework
# authentication is off and follow-ups go, without a bearer token, to loopback only; the keys
# live in .handoffkit/. BOT_ID (a GUID) must match the Playground's config
# (examples/northwind-handoff/playground/m365agentsplayground.yml) when it is changed.
set -euo pipefail
cd "$(dirname "$0")/.."
playground_wanted=1
for arg in "$@"; do
  case "$arg" in
    --no-playground) playground_wanted=0 ;;
    *) echo "usage: scripts/run.sh [--no-playground]" >&2; exit 2 ;;
  esac
done
scripts/deps.sh all
scripts/build.sh all >/dev/null

cli=build/native/native/handoffkit
sample=examples/northwind-handoff
bot=${BOT_ID:-7e57b07d-0000-4000-8000-000000000001}
listen_port=${LISTEN_PORT:-3978}
app_port=${APP_PORT:-3979}
playground_port=${PLAYGROUND_PORT:-56150}
state=.handoffkit
mkdir -p "$state"
chmod 700 "$state"
if [ ! -s "$state/keys.json" ]; then
  # A 256-bit HS256 key for this machine only (0600); rotate with `handoffkit keys rotate`.
  rm -f "$state/keys.json"
  "$cli" keys new --out "$state/keys.json" >/dev/null
fi
if [ ! -s "$state/delivery.key" ]; then
  # The key the host signs its deliveries to the bot with (X-Handoffkit-Signature).
  (umask 077 && od -An -vtx1 -N32 /dev/urandom | tr -d ' \n' >"$state/delivery.key")
fi

children=()
stop() { [ ${#children[@]} -eq 0 ] || kill "${children[@]}" 2>/dev/null || true; }
trap stop EXIT INT TERM

wait_for() {  # URL WHAT PID: polls for at most 20 s while the process lives
  for _ in $(seq 200); do
    curl -fs -o /dev/null "$1" && return 0
    kill -0 "$3" 2>/dev/null || { echo "run: $2 exited" >&2; exit 1; }
    sleep 0.1
  done
  echo "run: $2 did not answer on $1" >&2
  exit 1
}

PORT=$app_port BOT_ID=$bot KEYS_FILE=$state/keys.json DELIVERY_KEY_FILE=$state/delivery.key \
  node "$sample/server.mjs" &
children+=($!)
wait_for "http://127.0.0.1:$app_port/healthz" "the Northwind bot" "${children[-1]}"

"$cli" serve --listen "127.0.0.1:$listen_port" --insecure-no-auth --app-id "$bot" \
  --keys "$state/keys.json" --store "sqlite:$state/tokens.db" --web-root build/pages \
  --messages "$sample/messages.json" \
  --forward "http://127.0.0.1:$app_port/api/messages" --on-redeemed-key-file "$state/delivery.key" &
children+=($!)
wait_for "http://127.0.0.1:$listen_port/healthz" "handoffkit serve" "${children[-1]}"

if [ "$playground_wanted" = 1 ]; then
  # The Playground reads credentials and proxies from the environment and would open a browser;
  # the preload keeps it on 127.0.0.1.
  env -u AUTH_CLIENT_ID -u AUTH_CLIENT_SECRET -u AUTH_TENANT_ID -u HTTP_PROXY -u HTTPS_PROXY \
    TEAMSAPPTESTER_BROWSER=none APPLICATION_INSIGHTS_NO_STATSBEAT=true \
    M365_AGENTS_PLAYGROUND_CONFIG_PATH="$sample/playground/m365agentsplayground.yml" \
    M365_AGENTS_PLAYGROUND_LOGFILE="$state/playground.log" \
    node --import "./$sample/playground/loopback.mjs" node_modules/@microsoft/m365agentsplayground/cli.js \
      -e "http://127.0.0.1:$listen_port/api/messages" -c msteams -p "$playground_port" --disable-telemetry >/dev/null &
  children+=($!)
  wait_for "http://127.0.0.1:$playground_port/" "the Agents Playground" "${children[-1]}"
fi

# A handoff/action by hand: the seed's payload (tests/vectors/invoke.json) as the Playground's user
# in its personal chat, with a fresh token for the product Chai, valid one hour, redeemable once.
user_oid=00000000-0000-4000-8000-000000000100
token=$("$cli" token issue --keys "$state/keys.json" --bot-id "$bot" --user "$user_oid" --ttl 3600 \
  --ctx '{"productId":1,"product":"Chai"}' | node -e 'process.stdin.on("data", (d) => process.stdout.write(JSON.parse(d).token))')
node -e '
  const [file, token, bot, user, port] = process.argv.slice(1);
  const a = JSON.parse(require("fs").readFileSync(file, "utf8")).seedActivity;
  a.value.continuation = token;
  a.recipient.id = `28:${bot}`;
  a.from = { id: "29:northwind-alex", aadObjectId: user, name: "Alex Wilber" };
  a.conversation.id = "a:northwind-personal-chat";
  a.serviceUrl = `http://localhost:${port}/_connector`;
  console.log(JSON.stringify(a));' tests/vectors/invoke.json "$token" "$bot" "$user_oid" "$playground_port" >"$state/handoff.json"

cat <<INFO

handoffkit serve  http://127.0.0.1:$listen_port/api/messages  (the bot's messaging endpoint)
                  http://127.0.0.1:$listen_port/  pages: deep-link checker, card preview, readiness report
                  store sqlite:$state/tokens.db, keys $state/keys.json
Northwind bot     http://127.0.0.1:$app_port/api/messages  (behind the host; handoffs arrive on /api/handoffs)
INFO
if [ "$playground_wanted" = 1 ]; then
  cat <<INFO
Agents Playground http://127.0.0.1:$playground_port/  (open it in a browser)

Try a handoff in the Playground: send a custom activity (the "+" menu)
  {"type":"invoke","name":"composeExtension/query","value":{"commandId":"searchProducts","parameters":[{"name":"productName","value":"chai"}]}}
take the continuation from the result card's link and send
  {"type":"invoke","name":"handoff/action","value":{"continuation":"<token>"}}
The chat shows "Continuing from Copilot…", "Let's continue with Chai." and the bot's product details.
Or by hand (200 the first time, 409 after; the follow-ups appear in the Playground's chat):
INFO
else
  echo; echo "Try a handoff by hand (200 the first time, 409 after):"
fi
cat <<INFO
  curl -i http://127.0.0.1:$listen_port/api/messages -H 'Content-Type: application/json' -d @$state/handoff.json

INFO
wait -n
