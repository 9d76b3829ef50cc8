// handoffkit: the command-line face of the core. Every command prints what the core's JSON API
// returns, so its output matches the npm package byte for byte.
#include <cstring>
#include <iostream>
#include <map>
#include <string>

#include "commands.hpp"
#include "output.hpp"

namespace {

constexpr const char* help_text = R"(handoffkit: Teams deep links, Adaptive Cards, continuation tokens, Copilot eligibility

usage:
  handoffkit link --bot-id ID --continuation TOKEN      print the Copilot handoff deep link
  handoffkit link --json REQUEST                        build any deep link: {"kind":"chat|call|meeting|app|entity",…}
  handoffkit link validate URL [--allow-host HOST]… [--expect KIND] [--pretty]
                                                        JSON report; exit 0 valid, 1 invalid
  handoffkit card --bot-id ID --continuation TOKEN [--title T] [--text T] [--button-title T] [--card-version 1.5] [--target T]
                                                        print the handoff Adaptive Card (keys sorted, compact)
  handoffkit card --json REQUEST                        build a card with several Action.OpenUrl:
                                                        {"title":…,"text":…,"version":…,"actions":[{"url":…,"title":…},…]}
  handoffkit card validate FILE|- [--card-version 1.5] [--target bot|webhook|copilot] [--allow-scheme S]…
                                                        {valid, problems:[{code,severity,message,path}]};
                                                        exit 0 valid, 1 invalid
  handoffkit token issue --keys FILE --bot-id ID [--user AAD_OBJECT_ID] [--ttl SECONDS] [--ctx JSON]
                    [--issuer ISS] [--reference --store STORE]
                                                        issue a continuation token: {token,jti,kid,iat,exp}
  handoffkit token verify TOKEN --keys FILE --bot-id ID [--user AAD_OBJECT_ID] [--leeway SECONDS]
                    [--issuer ISS] [--max-lifetime SECONDS] [--redeem --store STORE] [--pretty]
                                                        verify (and with --redeem, use up) a token
  handoffkit token inspect TOKEN [--pretty]             decode header and claims WITHOUT verifying
  handoffkit keys new [--kid K] [--out FILE]            a new key set (one 256-bit key); --out writes FILE (0600),
                                                        never over an existing file
  handoffkit keys rotate FILE [--kid K]                 a new signing key first; the old ones keep verifying, and
                                                        the old signing key records when it stopped (stoppedSigningAt)
  handoffkit keys retire FILE --kid K [--force]         removes K, refused (KEY_STILL_VERIFYING) until its tokens
                                                        cannot verify: 86400 s maximum lifetime + 300 s leeway
                                                        after it stopped signing, unless --force
      FILE is a JWK Set: {"keys":[{"kty":"oct","kid":"…","k":"<base64url, >= 32 bytes>"}],"activeKid":"…"}
      STORE is sqlite:PATH, redis://[USER@]HOST[:PORT][/DB], rediss://… (TLS) or memory:; a Redis
      password comes from --redis-password-file FILE or env HANDOFFKIT_REDIS_PASSWORD, never argv;
      --redis-ca-file, --redis-cert-file and --redis-key-file (PEM) configure TLS
      --now SECONDS and --random HEX replace the clock and the entropy (for tests only)
  handoffkit eligibility FILE|- [--representatives CSV] [--format json|table|plan|plan-json] [--ruleset FILE] [--pretty]
                                                        which Copilot features each representative of an
                                                        environment can use, in which stage, and what to
                                                        change (plan: the fixes, most useful first);
                                                        --representatives takes them from a CSV (header
                                                        id,surface,licenses,roles,experienceProfile; lists
                                                        split by ';'); --ruleset replaces the embedded rules;
                                                        exit 0 all decided and available, 3 something
                                                        unavailable, 4 some cells unknown
  handoffkit serve --keys FILE --app-id ID [--store STORE] [--listen 127.0.0.1:3978] [--token-issuer ISS]
                   [--openid-config URL|FILE] [--issuer ISS] [--insecure-no-auth] [--web-root DIR]
                   [--oauth-token-url URL] [--app-password-file FILE (or env HANDOFFKIT_APP_PASSWORD)]
                   [--redis-password-file FILE (or env HANDOFFKIT_REDIS_PASSWORD)] [--redis-ca-file PEM]
                   [--redis-cert-file PEM --redis-key-file PEM]
                   [--body-limit BYTES] [--header-timeout-ms N] [--idle-timeout-ms N] [--threads N]
                   [--max-connections N] [--allow-service-url-host HOST]… [--api-key-file FILE]
                   [--messages FILE] [--forward URL [--forward-timeout-ms N]]
                   [--on-redeemed URL] [--on-redeemed-key-file FILE] [--on-redeemed-timeout-ms N]
                                                        the bot host: POST /api/messages answers handoff/action
                                                        for the bot 28:<app id> (--app-id takes the GUID or
                                                        28:GUID; token verified with --keys, redeemed once in STORE,
                                                        default sqlite:handoffkit-tokens.db), GET /healthz,
                                                        /metrics and the pages (default build/pages);
                                                        SIGTERM stops it gracefully. --dev-accept-tokens FILE
                                                        replaces --keys/--store with a list of tokens
                                                        accepted once each, unchecked (development only).
                                                        --api-key-file turns on POST /v1/handoffs (token +
                                                        link + card) and /v1/eligibility for callers that
                                                        send Authorization: Bearer <key>.
                                                        Follow-ups go only to serviceUrl hosts on the
                                                        allow-list (default smba.trafficmanager.net and
                                                        *.botframework.com; --allow-service-url-host
                                                        replaces it); without app credentials only to
                                                        loopback, with no bearer token. --insecure-no-auth
                                                        with app credentials is refused.
                                                        --forward passes every other activity to the
                                                        app and relays its answer; each redeemed handoff
                                                        is POSTed to --on-redeemed (default: the forward
                                                        origin's /api/handoffs), signed with the key of
                                                        --on-redeemed-key-file, retried until taken.
                                                        --messages: the follow-up texts per locale.
  --pretty (on commands that print JSON)                indent the JSON output

Errors are printed to stderr as {"error":{"code":"…","message":"…"}} with exit status 1;
usage errors exit with status 2: among them an unknown flag (named with the closest known one),
a flag given twice (only --allow-host, --allow-scheme and --allow-service-url-host repeat), or a
flag of another subcommand.
)";

}  // namespace

int main(int argc, char** argv) {
    using namespace handoffkit::cli;
    struct command {
        const command_spec& (*spec)();
        int (*run)(const args&);
    };
    const std::map<std::string, command> commands{
        {"card", {card_spec, cmd_card}},
        {"eligibility", {eligibility_spec, cmd_eligibility}},
        {"keys", {keys_spec, cmd_keys}},
        {"link", {link_spec, cmd_link}},
        {"token", {token_spec, cmd_token}},
        {"serve", {serve_spec, cmd_serve}},
    };
    if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "help") == 0) {
        std::cout << help_text;
        return argc < 2 ? exit_usage : exit_ok;
    }
    auto it = commands.find(argv[1]);
    if (it == commands.end()) return usage_error(std::string("unknown command '") + argv[1] + "'");
    auto parsed = parse_args(argc, argv, 2, it->second.spec());
    if (!parsed) return usage_error(parsed.err().message);
    return it->second.run(*parsed);
}
