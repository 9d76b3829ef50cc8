// Every command refuses what its flag table does not declare (native/cli/args.hpp), through the
// real CLI: an unknown flag (exit 2, named with the closest known one), a flag given twice unless
// it is an allow-list, a flag of another subcommand, a missing value, a value given to a switch.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "host_support.hpp"
#include "vectors.hpp"

namespace {
using handoffkit::test::run_cli;
using handoffkit::test::run_result;

const std::string bot = "00000000-0000-0000-0000-000000000000";

struct keys_file {
    std::string path = (std::filesystem::temp_directory_path() / ("hk-cli-keys-" + std::to_string(::getpid()) + ".json")).string();
    keys_file() { std::ofstream(path) << R"({"keys":[{"kty":"oct","kid":"k1","k":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}]})"; }
    ~keys_file() { std::remove(path.c_str()); }
};

void check_usage(const run_result& r, const std::string& says) {
    CHECK(r.status == 2);
    CHECK(r.out.empty());  // nothing was done
    CHECK_MESSAGE(r.err.find(says) != std::string::npos, r.err);
}

}  // namespace

TEST_CASE("cli flags: an unknown flag is refused by every command, naming it and the closest known flag") {
    keys_file keys;
    check_usage(run_cli({"link", "--bot-id", bot, "--continuation", "t", "--tittle", "y"}), "unknown flag --tittle");
    check_usage(run_cli({"link", "validate", "https://teams.microsoft.com/l/chat/0/0?users=a", "--allow-hots", "x"}),
                "the closest known flag is --allow-host");
    check_usage(run_cli({"card", "--bot-id", bot, "--continuation", "t", "--tittle", "y"}), "the closest known flag is --title");
    check_usage(run_cli({"token", "issue", "--keys", keys.path, "--bot-id", bot, "--tll", "60"}), "the closest known flag is --ttl");
    check_usage(run_cli({"token", "inspect", "a.b.c", "--prety"}), "the closest known flag is --pretty");
    check_usage(run_cli({"eligibility", "-", "--formt", "table"}), "the closest known flag is --format");
    // A mistyped store on a fleet of hosts once ran each on its own default SQLite file.
    check_usage(run_cli({"serve", "--listen", "127.0.0.1:0", "--insecure-no-auth", "--keys", keys.path, "--app-id", bot,
                         "--stor", "redis://127.0.0.1:6379"}),
                "unknown flag --stor for `serve` (the closest known flag is --store)");
    check_usage(run_cli({"serve", "--forwrd", "http://127.0.0.1:3979/api/messages"}), "unknown flag --forwrd");
}

TEST_CASE("cli flags: a flag given twice is refused unless it is an allow-list") {
    keys_file keys;
    check_usage(run_cli({"token", "issue", "--keys", keys.path, "--bot-id", bot, "--ttl", "60", "--ttl", "7000"}),
                "--ttl is given more than once");
    check_usage(run_cli({"token", "issue", "--keys", keys.path, "--keys", keys.path, "--bot-id", bot}), "--keys is given more than once");
    check_usage(run_cli({"link", "validate", "https://teams.microsoft.com/l/chat/0/0?users=a", "--pretty", "--pretty"}),
                "--pretty is given more than once");
    check_usage(run_cli({"serve", "--store", "memory:", "--store=sqlite:x.db"}), "--store is given more than once");

    const auto hosts = run_cli({"link", "validate", "https://a.example/l/chat/0/0?users=alice@contoso.com", "--allow-host",
                                "b.example", "--allow-host", "a.example"});
    CHECK(hosts.status == 0);  // the second host is the one that matters: both were taken
    const std::string card = (std::filesystem::temp_directory_path() / ("hk-cli-card-" + std::to_string(::getpid()) + ".json")).string();
    std::ofstream(card) << R"({"type":"AdaptiveCard","version":"1.5","body":[],"actions":[{"type":"Action.OpenUrl","title":"t","url":"tel:1"}]})";
    CHECK(run_cli({"card", "validate", card, "--allow-scheme", "mailto", "--allow-scheme", "tel"}).status == 0);
    CHECK(run_cli({"card", "validate", card, "--allow-scheme", "mailto"}).status == 1);
    std::remove(card.c_str());
}

TEST_CASE("cli flags: serve takes --allow-service-url-host more than once") {
    keys_file keys;
    handoffkit::test::serve_process serve({"--listen", "127.0.0.1:0", "--insecure-no-auth", "--keys", keys.path, "--store",
                                           "memory:", "--app-id", bot, "--allow-service-url-host", "127.0.0.1",
                                           "--allow-service-url-host", "localhost"});
    CHECK(serve.port() != 0);
}

TEST_CASE("cli flags: a flag of another subcommand, a missing value and a value for a switch are refused") {
    keys_file keys;
    check_usage(run_cli({"token", "verify", "a.b.c", "--keys", keys.path, "--bot-id", bot, "--ttl", "60"}),
                "--ttl is not a flag of `token verify` (it belongs to `token issue`)");
    check_usage(run_cli({"token", "inspect", "a.b.c", "--keys", keys.path}), "--keys is not a flag of `token inspect`");
    check_usage(run_cli({"link", "--bot-id", bot, "--continuation", "t", "--allow-host", "x"}),
                "--allow-host is not a flag of `link`");
    check_usage(run_cli({"card", "--bot-id", bot, "--continuation", "t", "--allow-scheme", "tel"}),
                "--allow-scheme is not a flag of `card` (it belongs to `card validate`)");
    check_usage(run_cli({"token", "issue", "--keys", keys.path, "--bot-id"}), "--bot-id needs a value");
    check_usage(run_cli({"token", "verify", "a.b.c", "--keys", keys.path, "--bot-id", bot, "--redeem=yes"}), "--redeem takes no value");
    // What is declared still works, in both spellings.
    CHECK(run_cli({"link", "--bot-id=" + bot, "--continuation", "t"}).status == 0);
    CHECK(run_cli({"token", "issue", "--keys", keys.path, "--bot-id", "28:" + bot, "--ttl=60"}).status == 0);
}
