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

inline const std::string& bot = test_bot_id;
inline const std::string& user = test_user;
inline const std::string& keys = test_keys;
inline const std::string& other_keys = other_test_keys;

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

inline std::string issue(json request, const std::string& with = keys) { return issue_test_token(std::move(request), with); }

inline std::string for_this_user() { return issue({{"botId", "28:" + bot}, {"user", user}, {"ttl", 600}}); }

/// The seed activity carrying `token`, as a new activity (its own id) unless `id` is given: the
/// same activity twice is a retry (answered 200 again), another activity a replay.
inline json activity(const std::string& token, const std::string& id = "") {
    static std::atomic<int> n{0};
    json a = seed_activity(token);
    a["id"] = id.empty() ? "f:activity-" + std::to_string(::getpid()) + "-" + std::to_string(n++) : id;
    return a;
}

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
