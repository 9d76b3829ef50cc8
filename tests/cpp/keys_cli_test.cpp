// `handoffkit keys new|rotate|retire` through the real binary: key files the host reads, written
// whole (0600, no temporary left), rotation that keeps old tokens verifying, and retirement that
// waits until no token of the key can verify any more.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "handoffkit/base64url.hpp"
#include "handoffkit/json_api_token.hpp"
#include "handoffkit/native/system.hpp"
#include "handoffkit/token.hpp"
#include "cli.hpp"
#include "vectors.hpp"

namespace {
using nlohmann::json;
using handoffkit::test::cli_error_code;
using handoffkit::test::run_cli;
namespace fs = std::filesystem;

constexpr std::int64_t t0 = 1'800'000'000;
constexpr std::int64_t verifying = handoffkit::token::default_max_lifetime + handoffkit::token::max_leeway;
const std::string bot = "28:f47ac10b-58cc-4372-a567-0e02b2c3d479";

struct scratch {
    fs::path dir = fs::temp_directory_path() / ("hk-keys-" + std::to_string(::getpid()));
    scratch() {
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    ~scratch() { fs::remove_all(dir); }
    std::string file(const std::string& name) const { return (dir / name).string(); }
    /// Everything in the folder: a temporary file left behind would show here.
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
        std::sort(out.begin(), out.end());
        return out;
    }
};

std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

unsigned mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

std::string issue(const std::string& keys_file, std::int64_t now) {
    const auto r = run_cli({"token", "issue", "--keys", keys_file, "--bot-id", bot, "--now", std::to_string(now)});
    REQUIRE(r.status == 0);
    return json::parse(r.out)["token"];
}

/// The verify answer's code ("OK" when it verified) for a token at time `now`.
std::string verify(const std::string& keys_file, const std::string& token, std::int64_t now) {
    const auto r = run_cli({"token", "verify", token, "--keys", keys_file, "--bot-id", bot, "--now", std::to_string(now)});
    return r.status == 0 ? "OK" : cli_error_code(r);
}

std::vector<std::string> secrets_of(const std::string& keys_text) {
    std::vector<std::string> out;
    const json set = json::parse(keys_text);
    for (const auto& k : set["keys"]) out.push_back(k["k"]);
    return out;
}

}  // namespace

TEST_CASE("keys new: a key set the host reads, 0600, never over an existing file") {
    scratch s;
    const std::string path = s.file("keys.json");
    const auto made = run_cli({"keys", "new", "--kid", "first", "--out", path});
    REQUIRE(made.status == 0);
    CHECK(json::parse(made.out) == json{{"file", path}, {"activeKid", "first"}});
    CHECK(mode_of(path) == 0600);
    CHECK(s.names() == std::vector<std::string>{"keys.json"});
    const auto set = handoffkit::native::load_key_set(path);
    REQUIRE(set);
    CHECK(set->signing_key().kid == "first");
    CHECK(made.out.find(secrets_of(read(path))[0]) == std::string::npos);  // the key is not printed
    CHECK(verify(path, issue(path, t0), t0 + 1) == "OK");

    const std::string before = read(path);
    const auto again = run_cli({"keys", "new", "--out", path});
    CHECK(again.status == 1);
    CHECK(cli_error_code(again) == "KEYS_FILE_EXISTS");
    CHECK(read(path) == before);

    // Without --out the set goes to stdout (on purpose), with a kid that says when it was made.
    const auto printed = run_cli({"keys", "new", "--now", std::to_string(t0)});
    REQUIRE(printed.status == 0);
    const json j = json::parse(printed.out);
    const std::string kid = j["activeKid"];
    CHECK(kid.rfind("2027-01-15-", 0) == 0);  // t0 is 2027-01-15
    CHECK(handoffkit::token::key_set::parse(printed.out));
    CHECK(run_cli({"keys", "new"}).out != printed.out);  // fresh random bytes every time

    CHECK(run_cli({"keys", "new", "--kid", std::string(65, 'k')}).status == 2);
    CHECK(run_cli({"keys", "new", "--kid", "with space"}).status == 2);
    CHECK(run_cli({"keys", "new", path}).status == 2);
    CHECK(run_cli({"keys"}).status == 2);
    CHECK(run_cli({"keys", "delete", path}).status == 2);
    CHECK(cli_error_code(run_cli({"keys", "new", "--out", s.file("no/such/folder/keys.json")})) == "KEYS_WRITE_FAILED");
}

TEST_CASE("keys rotate then retire: old tokens verify until retired, and retiring waits for the last of them") {
    scratch s;
    const std::string path = s.file("keys.json");
    REQUIRE(run_cli({"keys", "new", "--kid", "old", "--out", path}).status == 0);
    const std::string old_token = issue(path, t0);

    // Rotation at t0 + 100: a new signing key first, the old one marked, both verify.
    const auto rotated = run_cli({"keys", "rotate", path, "--kid", "new", "--now", std::to_string(t0 + 100)});
    REQUIRE(rotated.status == 0);
    CHECK(json::parse(rotated.out) == json{{"activeKid", "new"}, {"previousKid", "old"}, {"stoppedSigningAt", t0 + 100},
                                           {"retirableAt", t0 + 100 + verifying}, {"keys", {"new", "old"}}});
    const std::string text = read(path);
    for (const auto& secret : secrets_of(text)) CHECK(rotated.out.find(secret) == std::string::npos);
    const json set = json::parse(text);
    CHECK(set["activeKid"] == "new");
    CHECK(set["keys"][1]["stoppedSigningAt"] == t0 + 100);
    CHECK_FALSE(set["keys"][0].contains("stoppedSigningAt"));
    CHECK(mode_of(path) == 0600);
    CHECK(s.names() == std::vector<std::string>{"keys.json"});
    const std::string new_token = issue(path, t0 + 200);
    CHECK(json::parse(handoffkit::json_api::inspect_token(new_token))["value"]["header"]["kid"] == "new");
    CHECK(verify(path, old_token, t0 + 200) == "OK");
    CHECK(cli_error_code(run_cli({"keys", "rotate", path, "--kid", "old"})) == "KEY_EXISTS");

    // Retiring: refused while a token of "old" may still verify, with the file untouched.
    for (const std::int64_t now : {t0 + 101, t0 + 100 + verifying - 1}) {
        const auto early = run_cli({"keys", "retire", path, "--kid", "old", "--now", std::to_string(now)});
        CHECK(early.status == 1);
        CHECK(cli_error_code(early) == "KEY_STILL_VERIFYING");
        CHECK(read(path) == text);
    }
    CHECK(cli_error_code(run_cli({"keys", "retire", path, "--kid", "new"})) == "KEY_ACTIVE");
    CHECK(cli_error_code(run_cli({"keys", "retire", path, "--kid", "nobody"})) == "KEY_NOT_FOUND");
    CHECK(run_cli({"keys", "retire", path}).status == 2);
    const auto retired = run_cli({"keys", "retire", path, "--kid", "old", "--now", std::to_string(t0 + 100 + verifying)});
    REQUIRE(retired.status == 0);
    CHECK(json::parse(retired.out) == json{{"retired", "old"}, {"keys", {"new"}}});
    CHECK(verify(path, old_token, t0 + 200) == "UNKNOWN_KEY");
    CHECK(verify(path, new_token, t0 + 300) == "OK");
    CHECK(mode_of(path) == 0600);
    CHECK(s.names() == std::vector<std::string>{"keys.json"});
}

TEST_CASE("keys retire: a key with no record of when it stopped signing needs --force") {
    scratch s;
    const std::string path = s.file("hand-written.json");
    const std::string a = handoffkit::base64url::encode(std::string(32, 'a'));
    const std::string b = handoffkit::base64url::encode(std::string(32, 'b'));
    std::ofstream(path) << R"({"keys":[{"kty":"oct","kid":"a","k":")" << a << R"("},{"kty":"oct","kid":"b","k":")" << b
                        << R"(","x-note":"kept"}],"x-owner":"ops"})";
    ::chmod(path.c_str(), 0644);
    CHECK(cli_error_code(run_cli({"keys", "retire", path, "--kid", "b"})) == "KEY_STOP_UNKNOWN");
    const auto forced = run_cli({"keys", "retire", path, "--kid", "b", "--force"});
    REQUIRE(forced.status == 0);
    const json set = json::parse(read(path));
    CHECK(set["keys"].size() == 1);
    CHECK(set["x-owner"] == "ops");  // members the CLI does not know are kept
    CHECK(mode_of(path) == 0600);    // every file the CLI writes is its owner's only

    // A rotation whose result the core would refuse (a 101st key) writes nothing.
    json full{{"keys", json::array()}};
    for (int i = 0; i < 100; ++i)
        full["keys"].push_back({{"kty", "oct"}, {"kid", "k" + std::to_string(i)}, {"k", a}});
    std::ofstream(s.file("full.json")) << full.dump();
    const std::string before = read(s.file("full.json"));
    const auto refused = run_cli({"keys", "rotate", s.file("full.json")});
    CHECK(refused.status == 1);
    CHECK(cli_error_code(refused) == "KEYS_INVALID");
    CHECK(read(s.file("full.json")) == before);
    CHECK(cli_error_code(run_cli({"keys", "rotate", s.file("missing.json")})) == "KEYS_UNREADABLE");
}
