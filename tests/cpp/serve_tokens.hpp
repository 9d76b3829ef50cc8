// What the suites driving `handoffkit serve` with real tokens share: the seed's bot and user,
// test keys, tokens issued for them, temporary files, and posting the seed activity.
#pragma once

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "handoffkit/json_api_token.hpp"
#include "handoffkit/native/system.hpp"
#include "host_support.hpp"

namespace handoffkit::test::serve_tokens {
using nlohmann::json;
namespace fs = std::filesystem;

// The seed activity's bot (recipient.id without 28:) and user (from.aadObjectId).
inline const std::string bot = "00000000-0000-0000-0000-000000000000";
inline const std::string user = "00000000-0000-0000-0000-000000000000";
inline const std::string keys = R"({"keys":[{"kty":"oct","kid":"k1","k":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}]})";
inline const std::string other_keys = R"({"keys":[{"kty":"oct","kid":"k1","k":"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI"}]})";

/// A file removed when the test ends.
struct temp_path {
    std::string path;
    explicit temp_path(const std::string& name, const std::string& text = "")
        : path((fs::temp_directory_path() / ("hk-" + std::to_string(::getpid()) + "-" + name)).string()) {
        if (!text.empty()) std::ofstream(path) << text;
    }
    ~temp_path() {
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((path + suffix).c_str());
    }
};

inline std::string issue(json request, const std::string& with = keys) {
    static std::atomic<int> n{0};
    if (!request.contains("now")) request["now"] = handoffkit::native::unix_now();
    if (!request.contains("random")) {
        char hex[33];
        std::snprintf(hex, sizeof hex, "%08x%08x%016x", ::getpid(), n++, static_cast<unsigned>(std::rand()));
        request["random"] = hex;
    }
    const json out = json::parse(handoffkit::json_api::issue_token(request.dump(), with));
    REQUIRE(out["ok"] == true);
    return out["value"]["token"];
}

inline std::string for_this_user() { return issue({{"botId", "28:" + bot}, {"user", user}, {"ttl", 600}}); }

inline json activity(const std::string& token) { return seed_activity(token); }

inline int post(std::uint16_t port, const std::string& token) {
    return call(port, "POST", "/api/messages", activity(token).dump()).status;
}

/// Status and error code ("" on an empty body) of posting `body` to /api/messages.
inline std::pair<int, std::string> answer(std::uint16_t port, const std::string& body) {
    const auto r = call(port, "POST", "/api/messages", body);
    if (r.body.empty()) return {r.status, ""};
    const json j = json::parse(r.body, nullptr, false);
    return {r.status, j.is_object() && j.contains("error") ? j["error"].value("code", "?") : "?"};
}
inline std::pair<int, std::string> answer(std::uint16_t port, const json& a) { return answer(port, a.dump()); }

inline std::vector<std::string> serve_args(const std::string& keys_file, const std::string& store) {
    return {"--listen", "127.0.0.1:0", "--insecure-no-auth", "--keys", keys_file, "--store", store, "--app-id", bot};
}

}  // namespace handoffkit::test::serve_tokens
