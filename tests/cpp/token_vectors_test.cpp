// tests/vectors/tokens.json through the C++ JSON API and through the CLI: the cases the Node and
// browser suites run too. Expected tokens come from an independent implementation (Python).
#include <doctest/doctest.h>

#include <filesystem>
#include <set>

#include "handoffkit/json_api_token.hpp"
#include "vectors.hpp"

namespace {
using nlohmann::json;
using handoffkit::test::cli_error_code;
using handoffkit::test::load_vectors;
using handoffkit::test::run_cli;
namespace api = handoffkit::json_api;
namespace fs = std::filesystem;

const json& vectors() {
    static const json v = load_vectors("tokens.json");
    return v;
}

std::string key_set(const json& name) { return vectors()["keySets"][name.get<std::string>()].dump(); }

// The expected outcome of one case: its exact value, or its error code.
void check_envelope(const json& c, const std::string& envelope) {
    const json out = json::parse(envelope);
    if (c.contains("value")) {
        REQUIRE_MESSAGE(out["ok"] == true, envelope);
        CHECK(out["value"] == c["value"]);
    } else {
        REQUIRE_MESSAGE(out["ok"] == false, envelope);
        CHECK(out["error"]["code"] == c["error"]);
    }
}

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

TEST_CASE("token vectors: issue") {
    for (const auto& c : vectors()["issue"]) {
        CAPTURE(c["name"].get<std::string>());
        check_envelope(c, api::issue_token(c["request"].dump(), key_set(c["keys"])));
    }
}

TEST_CASE("token vectors: key set errors") {
    const std::string request = vectors()["issue"][0]["request"].dump();
    for (const auto& c : vectors()["keySetErrors"]) {
        CAPTURE(c["name"].get<std::string>());
        const std::string keys = c["keys"].is_string() ? c["keys"].get<std::string>() : c["keys"].dump();
        const std::string envelope = api::issue_token(request, keys);
        check_envelope(c, envelope);
        // Whatever went wrong, no key material is echoed.
        for (const auto& k : c["keys"].is_object() ? c["keys"].value("keys", json::array()) : json::array())
            if (k.contains("k")) CHECK(envelope.find(k["k"].get<std::string>()) == std::string::npos);
    }
}

TEST_CASE("token vectors: verify") {
    for (const auto& c : vectors()["verify"]) {
        CAPTURE(c["name"].get<std::string>());
        check_envelope(c, api::verify_token(c["token"].get<std::string>(), key_set(c["keys"]), c["options"].dump()));
    }
}

TEST_CASE("token vectors: option errors") {
    const std::string token = vectors()["issue"][0]["value"]["token"];
    for (const auto& c : vectors()["optionErrors"]) {
        CAPTURE(c["name"].get<std::string>());
        const std::string options = c["options"].is_string() ? c["options"].get<std::string>() : c["options"].dump();
        check_envelope(c, api::verify_token(token, key_set("main"), options));
    }
}

TEST_CASE("token vectors: inspect") {
    for (const auto& c : vectors()["inspect"]) {
        CAPTURE(c["name"].get<std::string>());
        check_envelope(c, api::inspect_token(c["token"].get<std::string>()));
    }
}

TEST_CASE("token vectors: redeem sequences against one in-memory guard") {
    for (const auto& c : vectors()["redeem"]) {
        CAPTURE(c["name"].get<std::string>());
        handoffkit::token::memory_replay_guard guard;
        const std::string keys = key_set(c["keys"]);
        for (const auto& step : c["steps"]) {
            CAPTURE(step.dump());
            const std::string op = step["op"];
            if (op == "issueStored") {
                check_envelope(step, api::issue_token_stored(step["request"].dump(), keys, guard));
            } else {
                const std::string token = step["token"], options = step["options"].dump();
                check_envelope(step, op == "redeem" ? api::redeem_token(token, keys, options, guard)
                                                    : api::verify_token(token, keys, options));
            }
        }
    }
}

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
