// tests/vectors/tokens.json through the CLI: the same tokens, verifications and codes as the JSON
// API (token_vectors_test.cpp), redemption on SQLite stores, and what only the CLI does.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

#include "cli.hpp"
#include "handoffkit/base64url.hpp"
#include "handoffkit/crypto.hpp"

namespace {
using nlohmann::json;
using handoffkit::test::cli_error_code;
using handoffkit::test::load_vectors;
using handoffkit::test::run_cli;
namespace fs = std::filesystem;

const json& vectors() {
    static const json v = load_vectors("tokens.json");
    return v;
}

std::string key_set(const json& name) { return vectors()["keySets"][name.get<std::string>()].dump(); }

// The CLI prints the value as JSON on stdout (exit 0) or the error on stderr (exit 1).
void check_cli(const json& c, const handoffkit::test::run_result& r) {
    if (c.contains("value")) {
        CHECK_MESSAGE(r.status == 0, r.err);
        CHECK(r.out == c["value"].dump() + "\n");
    } else {
        CHECK(r.status == 1);
        CHECK(r.out.empty());
        CHECK(cli_error_code(r) == c["error"]);
    }
}

/// A scratch folder for key files and SQLite stores, removed at the end of the test.
struct scratch_dir {
    fs::path path = fs::temp_directory_path() / ("handoffkit-token-vectors-" + std::to_string(getpid()));
    scratch_dir() { fs::create_directories(path); }
    ~scratch_dir() { fs::remove_all(path); }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(path / name) << text;
        return (path / name).string();
    }
};

// Flags for the request fields the CLI has; nullopt when the request cannot be said with flags.
std::optional<std::vector<std::string>> issue_flags(const json& request) {
    static const std::set<std::string> expressible{"botId", "user", "issuer", "now", "ttl", "random", "ctx", "reference"};
    for (const auto& [k, v] : request.items())
        if (!expressible.count(k)) return std::nullopt;
    for (const char* k : {"botId", "now", "random"})
        if (!request.contains(k)) return std::nullopt;  // the CLI fills now/random from the system
    for (const char* k : {"now", "ttl"})
        if (request.contains(k) && !(request[k].is_number_unsigned())) return std::nullopt;
    std::vector<std::string> flags{"--bot-id", request["botId"].get<std::string>()};
    for (auto [key, flag] : {std::pair{"user", "--user"}, {"issuer", "--issuer"}, {"random", "--random"}})
        if (request.contains(key)) flags.insert(flags.end(), {flag, request[key].get<std::string>()});
    for (auto [key, flag] : {std::pair{"now", "--now"}, {"ttl", "--ttl"}})
        if (request.contains(key)) flags.insert(flags.end(), {flag, std::to_string(request[key].get<std::int64_t>())});
    if (request.contains("ctx")) flags.insert(flags.end(), {"--ctx", request["ctx"].dump()});
    if (request.value("reference", false)) flags.push_back("--reference");
    return flags;
}

std::vector<std::string> verify_flags(const json& options) {
    std::vector<std::string> flags{"--bot-id", options["botId"].get<std::string>()};
    for (auto [key, flag] : {std::pair{"user", "--user"}, {"issuer", "--issuer"}})
        if (options.contains(key)) flags.insert(flags.end(), {flag, options[key].get<std::string>()});
    for (auto [key, flag] : {std::pair{"now", "--now"}, {"leeway", "--leeway"}, {"maxLifetime", "--max-lifetime"}})
        if (options.contains(key)) flags.insert(flags.end(), {flag, std::to_string(options[key].get<std::int64_t>())});
    return flags;
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

}  // namespace

TEST_CASE("token vectors: the CLI issues the same tokens and reports the same codes") {
    scratch_dir dir;
    int run = 0;
    for (const auto& c : vectors()["issue"]) {
        auto flags = issue_flags(c["request"]);
        if (!flags || c["request"].value("reference", false)) continue;
        CAPTURE(c["name"].get<std::string>());
        const std::string keys = dir.write("keys.json", key_set(c["keys"]));
        check_cli(c, run_cli(concat({"token", "issue", "--keys", keys}, *flags)));
        ++run;
    }
    CHECK(run >= 15);  // most cases are expressible as flags
}

TEST_CASE("token vectors: the CLI verifies and inspects like the API") {
    scratch_dir dir;
    for (const auto& c : vectors()["verify"]) {
        CAPTURE(c["name"].get<std::string>());
        const std::string keys = dir.write("keys.json", key_set(c["keys"]));
        check_cli(c, run_cli(concat({"token", "verify", c["token"].get<std::string>(), "--keys", keys},
                                    verify_flags(c["options"]))));
    }
    for (const auto& c : vectors()["inspect"]) {
        CAPTURE(c["name"].get<std::string>());
        check_cli(c, run_cli({"token", "inspect", c["token"].get<std::string>()}));
    }
}

TEST_CASE("token vectors: redeem sequences through the CLI, one SQLite store per sequence") {
    scratch_dir dir;
    int sequence = 0;
    for (const auto& c : vectors()["redeem"]) {
        CAPTURE(c["name"].get<std::string>());
        const std::string keys = dir.write("keys.json", key_set(c["keys"]));
        const std::string store = "sqlite:" + (dir.path / ("store" + std::to_string(sequence++) + ".db")).string();
        for (const auto& step : c["steps"]) {
            CAPTURE(step.dump());
            const std::string op = step["op"];
            if (op == "issueStored") {
                check_cli(step, run_cli(concat({"token", "issue", "--keys", keys, "--store", store},
                                               *issue_flags(step["request"]))));
                continue;
            }
            std::vector<std::string> args{"token", "verify", step["token"].get<std::string>(), "--keys", keys};
            if (op == "redeem") args.insert(args.end(), {"--redeem", "--store", store});
            check_cli(step, run_cli(concat(args, verify_flags(step["options"]))));
        }
    }
}

TEST_CASE("token vectors: CLI usage errors exit 2") {
    CHECK(run_cli({"token"}).status == 2);
    CHECK(run_cli({"token", "sign"}).status == 2);
    CHECK(run_cli({"token", "inspect"}).status == 2);
    CHECK(run_cli({"token", "issue", "--bot-id", "x"}).status == 2);  // no --keys
    scratch_dir dir;
    const std::string keys = dir.write("keys.json", key_set("main"));
    CHECK(run_cli({"token", "issue", "--keys", keys}).status == 2);                                // no --bot-id
    CHECK(run_cli({"token", "issue", "--keys", keys, "--bot-id", "b", "--ttl", "ten"}).status == 2);
    CHECK(run_cli({"token", "verify", "t", "--keys", keys, "--bot-id", "b", "--redeem"}).status == 2);  // no --store
    const auto missing = run_cli({"token", "issue", "--keys", (dir.path / "none.json").string(), "--bot-id", "b"});
    CHECK(missing.status == 1);
    CHECK(cli_error_code(missing) == "KEYS_UNREADABLE");
    const auto bad_store = run_cli({"token", "verify", "t", "--keys", keys, "--bot-id", "b", "--redeem", "--store", "ftp://x"});
    CHECK(bad_store.status == 1);
    CHECK(cli_error_code(bad_store) == "INVALID_ARGUMENT");
}

TEST_CASE("token vectors: the CLI's own clock and entropy give fresh, verifiable tokens") {
    scratch_dir dir;
    const std::string keys = dir.write("keys.json", key_set("main"));
    const auto a = run_cli({"token", "issue", "--keys", keys, "--bot-id", "28:b", "--ttl", "60"});
    const auto b = run_cli({"token", "issue", "--keys", keys, "--bot-id", "28:b", "--ttl", "60"});
    REQUIRE(a.status == 0);
    REQUIRE(b.status == 0);
    const json ja = json::parse(a.out), jb = json::parse(b.out);
    CHECK(ja["jti"] != jb["jti"]);
    CHECK(ja["jti"].get<std::string>().size() == 22);
    const auto v = run_cli({"token", "verify", ja["token"].get<std::string>(), "--keys", keys, "--bot-id", "28:b"});
    CHECK_MESSAGE(v.status == 0, v.err);
}

namespace {
// A token signed with the "main" key set's first key over any header and claims text.
std::string signed_with_main_key(const std::string& header_json, const std::string& claims_json) {
    const auto key = handoffkit::base64url::decode(vectors()["keySets"]["main"]["keys"][0]["k"].get<std::string>());
    const std::string input = handoffkit::base64url::encode(header_json) + "." + handoffkit::base64url::encode(claims_json);
    const auto tag = handoffkit::crypto::hmac_sha256(*key, input);
    return input + "." + handoffkit::base64url::encode(std::string_view(reinterpret_cast<const char*>(tag.data()), tag.size()));
}
}  // namespace

TEST_CASE("token CLI: a token part with a byte order mark is MALFORMED: inspect, inspect --pretty, verify") {
    // Issue 14 finding 4: inspect printed non-JSON, --pretty aborted, a signed token verified.
    scratch_dir dir;
    const std::string keys = dir.write("keys.json", key_set("main"));
    const std::string header = R"({"alg":"HS256","kid":"2024-06","typ":"handoff+jwt"})";
    const std::string claims = R"({"aud":"28:f47ac10b-58cc-4372-a567-0e02b2c3d479","exp":1700000600,"iat":1700000000,)"
                               R"("iss":"handoffkit","jti":"AAECAwQFBgcICQoLDA0ODw"})";
    const std::vector<std::string> verify_args{"--keys", keys, "--bot-id", "28:f47ac10b-58cc-4372-a567-0e02b2c3d479",
                                               "--now", "1700000000"};
    const auto good = run_cli(concat({"token", "verify", signed_with_main_key(header, claims)}, verify_args));
    REQUIRE_MESSAGE(good.status == 0, good.err);  // the helper signs what verify accepts
    const std::string bom = "\xEF\xBB\xBF";
    for (const auto& token : {signed_with_main_key(bom + header, claims), signed_with_main_key(header, bom + claims)}) {
        for (const auto& args : std::vector<std::vector<std::string>>{{"token", "inspect", token},
                                                                      {"token", "inspect", token, "--pretty"},
                                                                      concat({"token", "verify", token}, verify_args),
                                                                      concat({"token", "verify", token, "--pretty"}, verify_args)}) {
            CAPTURE(args[1]);
            const auto r = run_cli(args);
            CHECK(r.status == 1);
            CHECK(r.out.empty());
            CHECK(cli_error_code(r) == "MALFORMED");
        }
    }
}

TEST_CASE("token CLI: --ctx is read by the core's strict parse: a key named twice is refused, nothing issued") {
    // Issue 14 finding 7: `--ctx '{"a":1,"a":2}'` issued {"a":2}.
    scratch_dir dir;
    const std::string keys = dir.write("keys.json", key_set("main"));
    const std::vector<std::string> issue{"token", "issue", "--keys", keys, "--bot-id", "28:b", "--now", "1700000000",
                                         "--random", "000102030405060708090a0b0c0d0e0f"};
    for (const char* ctx : {R"({"a":1,"a":2})", R"({"a":{"b":1,"b":1}})", "{\"a\":\"\xff\"}", "{", "1 2"}) {
        CAPTURE(ctx);
        const auto r = run_cli(concat(issue, {"--ctx", ctx}));
        CHECK(r.status == 1);
        CHECK(r.out.empty());
        CHECK(cli_error_code(r) == "CONTEXT_INVALID");
    }
    const auto twice = run_cli(concat(issue, {"--ctx", R"({"a":1,"a":2})"}));
    CHECK(twice.err.find("names a key twice") != std::string::npos);
    const auto ok = run_cli(concat(issue, {"--ctx", R"({ "b": 2, "a": 1 })"}));
    REQUIRE_MESSAGE(ok.status == 0, ok.err);
    const auto inspected = run_cli({"token", "inspect", json::parse(ok.out)["token"].get<std::string>()});
    REQUIRE(inspected.status == 0);
    CHECK(json::parse(inspected.out)["claims"]["ctx"] == json{{"a", 1}, {"b", 2}});
    // JSON that is not an object is still the core's CONTEXT_INVALID.
    CHECK(cli_error_code(run_cli(concat(issue, {"--ctx", "[1]"}))) == "CONTEXT_INVALID");
}
