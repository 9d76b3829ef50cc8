// handoffkit: the command-line face of the core. Every command prints what the core's JSON API
// returns, so its output matches the npm package byte for byte.
#include <cstring>
#include <functional>
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
  handoffkit serve [--listen 127.0.0.1:3978] [--web-root DIR] [--app-id ID]
                   [--openid-config URL|FILE] [--issuer ISS] [--insecure-no-auth]
                   [--oauth-token-url URL] [--app-password SECRET (or env HANDOFFKIT_APP_PASSWORD)]
                   [--body-limit BYTES] [--header-timeout-ms N] [--idle-timeout-ms N] [--threads N]
                   --dev-accept-tokens FILE             the bot host: POST /api/messages, GET /healthz,
                                                        /metrics and the web pages; SIGTERM stops it
                                                        gracefully. --dev-accept-tokens (development only)
                                                        accepts the listed tokens once each until the
                                                        token store is wired in (--keys/--store then
                                                        fail with TOKENS_NOT_AVAILABLE).

Errors are printed to stderr as {"error":{"code":"…","message":"…"}} with exit status 1;
usage errors exit with status 2.
)";

}  // namespace

int main(int argc, char** argv) {
    using namespace handoffkit::cli;
    const std::map<std::string, std::function<int(const args&)>> commands{
        {"link", cmd_link},
        {"serve", cmd_serve},
    };
    if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "help") == 0) {
        std::cout << help_text;
        return argc < 2 ? exit_usage : exit_ok;
    }
    auto it = commands.find(argv[1]);
    if (it == commands.end()) return usage_error(std::string("unknown command '") + argv[1] + "'");
    return it->second(parse_args(argc, argv, 2, {"pretty", "insecure-no-auth"}));
}
