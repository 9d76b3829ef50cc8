// Continuation tokens: issue + verify through the JSON API (as the CLI and wasm do), and
// exactly-once redemption per store: memory, SQLite (a temporary file) and Redis (a redis-server
// this benchmark starts on 127.0.0.1 and stops).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "../../cpp/redis_server.hpp"
#include "../bench.hpp"
#include "handoffkit/json_api_token.hpp"
#include "handoffkit/native/stores.hpp"
#include "handoffkit/token.hpp"

namespace {
namespace b = handoffkit::bench;

// The in-memory guard's single writes in steady state with `live` markers (each kept for `live`
// writes, one write per second of its clock): the longest is a sweep or a table growing, which
// the guard's shards keep to a part of the store.
void write_pauses(std::size_t live) {
    using clock = std::chrono::steady_clock;
    handoffkit::token::memory_replay_guard guard;
    std::vector<double> micros;
    micros.reserve(2 * live);
    for (std::size_t i = 0; i < 3 * live; ++i) {
        const std::string jti = "jti-" + std::to_string(i);
        const auto now = static_cast<std::int64_t>(i);
        const auto start = clock::now();
        const auto outcome = guard.mark({jti, "", now + static_cast<std::int64_t>(live), ""}, now);
        const double us = std::chrono::duration<double, std::micro>(clock::now() - start).count();
        if (!outcome) return b::note("redeem.memory: the guard refused a write at " + std::to_string(i));
        if (i >= live) micros.push_back(us);  // past the first fill
    }
    std::sort(micros.begin(), micros.end());
    char text[256];
    std::snprintf(text, sizeof text,
                  "redeem.memory: one guard write with %zu live markers: p50 %.2f us, p99.99 %.0f us, longest %.1f ms",
                  live, micros[micros.size() / 2], micros[micros.size() * 9999 / 10000], micros.back() / 1000);
    b::note(text);
}
namespace api = handoffkit::json_api;
using nlohmann::json;

struct token_workload {
    std::string keys, issue, verify;
};

token_workload requests(const json& w) {
    const json& t = w["token"];
    json issue{{"botId", "28:" + w["botId"].get<std::string>()}, {"user", t["user"]}, {"issuer", t["issuer"]},
               {"ttl", t["ttl"]}, {"now", t["now"]}, {"random", t["random"]}, {"ctx", t["ctx"]}};
    json verify{{"botId", issue["botId"]}, {"user", t["user"]}, {"issuer", t["issuer"]}, {"now", t["now"].get<long>() + 1}};
    return {t["keys"].dump(), issue.dump(), verify.dump()};
}

std::string token_of(const std::string& envelope) { return json::parse(envelope)["value"]["token"]; }

// `count` distinct tokens (distinct random -> distinct jti), issued outside any timing.
std::vector<std::string> fresh_tokens(const token_workload& t, int count, int round) {
    auto request = json::parse(t.issue);
    std::vector<std::string> out;
    out.reserve(count);
    char random[33];
    for (int i = 0; i < count; ++i) {
        std::snprintf(random, sizeof random, "%016x%016x", round, i);
        request["random"] = random;
        out.push_back(token_of(api::issue_token(request.dump(), t.keys)));
    }
    return out;
}

// Redemptions/s: each round redeems a fresh set of tokens once; the median round is reported.
void redeem_rate(const b::context& c, const std::string& op, const token_workload& t,
                 handoffkit::token::replay_guard& guard, int per_round) {
    if (!c.wanted(op)) return;
    std::vector<double> rates;
    for (int round = 0; round < 7; ++round) {
        const auto tokens = fresh_tokens(t, per_round, round);
        const auto start = std::chrono::steady_clock::now();
        for (const auto& token : tokens) {
            const std::string out = api::redeem_token(token, t.keys, t.verify, guard);
            if (out.compare(0, 10, R"({"ok":true)") != 0) {
                std::fprintf(stderr, "%s: redemption failed: %s\n", op.c_str(), out.c_str());
                return;
            }
        }
        rates.push_back(per_round / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(rates.begin(), rates.end());
    b::print({op, rates[rates.size() / 2], 7});
}

const b::registration tokens{"tokens", [](const b::context& c) {
    const token_workload t = requests(c.workload);
    const std::string token = token_of(api::issue_token(t.issue, t.keys));
    c.run("token.issue+verify", [&] { b::keep(api::verify_token(token_of(api::issue_token(t.issue, t.keys)), t.keys, t.verify)); });
    c.run("token.verify", [&] { b::keep(api::verify_token(token, t.keys, t.verify)); });

    // The typed C++ API (what a C++ host calls), without the JSON envelopes.
    namespace tk = handoffkit::token;
    const auto keys = *tk::key_set::parse(t.keys);
    const json& w = c.workload["token"];
    tk::issue_request issue;
    issue.audience = "28:" + c.workload["botId"].get<std::string>();
    issue.subject = w["user"];
    issue.issuer = w["issuer"];
    issue.now = w["now"];
    issue.ttl = w["ttl"];
    issue.random = std::string(16, '\x5a');
    issue.context = w["ctx"].dump();
    tk::verify_options verify;
    verify.audience = issue.audience;
    verify.user = issue.subject;
    verify.issuer = issue.issuer;
    verify.now = issue.now + 1;
    c.run("token.issue+verify (C++ API)", [&] { b::keep(tk::verify(tk::issue(issue, keys)->token, keys, verify)); });
    c.run("token.verify (C++ API)", [&] { b::keep(tk::verify(token, keys, verify)); });

    if (c.wanted("redeem.memory")) {
        auto memory = handoffkit::native::open_store("memory:");
        redeem_rate(c, "redeem.memory", t, **memory, 20000);
        write_pauses(500'000);
    }
    if (c.wanted("redeem.sqlite")) {
        const auto path = std::filesystem::temp_directory_path() / ("handoffkit-bench-" + std::to_string(getpid()) + ".db");
        {
            auto sqlite = handoffkit::native::open_store("sqlite:" + path.string());
            redeem_rate(c, "redeem.sqlite", t, **sqlite, 2000);
        }
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path.string() + suffix);
    }
    if (c.wanted("redeem.redis")) {
        handoffkit::test::redis_server server;  // the test suites' own, on 127.0.0.1
        if (!server.started()) {
            std::fprintf(stderr, "redeem.redis: redis-server could not be started\n");
            return;
        }
        auto redis = handoffkit::native::open_store("redis://127.0.0.1:" + std::to_string(server.port()));
        redeem_rate(c, "redeem.redis", t, **redis, 5000);
    }
    if (c.wanted("redeem.redis.tls")) {
        handoffkit::test::redis_server::config tls;
        tls.tls = true;
        tls.users = {"hk on >bench-password ~* &* +@all"};
        handoffkit::test::redis_server server(tls);  // certificates from the tests' own test CA
        if (!handoffkit::test::test_pki::get().made || !server.started()) {
            std::fprintf(stderr, "redeem.redis.tls: redis-server could not be started with TLS\n");
            return;
        }
        handoffkit::native::store_secrets secrets;
        secrets.redis_password = "bench-password";
        secrets.redis_ca_file = handoffkit::test::test_pki::get().ca;
        auto redis = handoffkit::native::open_store("rediss://hk@127.0.0.1:" + std::to_string(server.tls_port()) + "/1", secrets);
        redeem_rate(c, "redeem.redis.tls", t, **redis, 5000);
    }
}};
}  // namespace
