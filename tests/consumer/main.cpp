// Uses the installed libraries as a C++ bot would. handoffkit::core: a handoff link whose bot id
// comes through the strict JSON parse (handoffkit/json.hpp, nlohmann through find_dependency;
// a key named twice is refused). handoffkit::native: a token issued with the system's entropy and
// clock, redeemed twice through a SQLite file named on the command line, the second time from a
// new connection; then a handoff/action activity through the core's pipeline with delivery on,
// and the handoff taken from the same file's outbox. run.cmake compares what it prints.
#include <iostream>

#include <handoffkit/base64url.hpp>
#include <handoffkit/deeplink.hpp>
#include <handoffkit/handoff.hpp>
#include <handoffkit/json.hpp>
#include <handoffkit/native/sqlite_replay_guard.hpp>
#include <handoffkit/native/stores.hpp>
#include <handoffkit/native/system.hpp>
#include <handoffkit/token.hpp>

namespace hk = handoffkit;

int fail(const hk::error& e) {
    std::cout << e.code << ": " << e.message << '\n';
    return 1;
}

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    hk::json request;
    if (hk::parse_json(R"({"botId":"00000000-0000-0000-0000-000000000001"})", request) != hk::json_failure::none) return 1;
    hk::json twice;
    if (hk::parse_json(R"({"a":1,"a":2})", twice) != hk::json_failure::duplicate_key) return 1;
    const std::string bot = request["botId"].get<std::string>();
    auto link = hk::deeplink::build_handoff_link({bot, "a b"});
    if (!link) return fail(link.err());
    std::cout << *link << '\n';

    auto secret = hk::native::random_bytes(32);
    if (!secret) return fail(secret.err());
    auto keys = hk::token::key_set::parse(R"({"keys":[{"kty":"oct","kid":"k","k":")" + hk::base64url::encode(*secret) + "\"}]}");
    if (!keys) return fail(keys.err());
    hk::token::issue_request issue;
    issue.audience = hk::token::bot_audience(bot);
    issue.now = hk::native::unix_now();
    auto random = hk::native::random_bytes(hk::token::min_random_bytes);
    if (!random) return fail(random.err());
    issue.random = *random;
    auto issued = hk::token::issue(issue, *keys);
    if (!issued) return fail(issued.err());

    hk::token::verify_options options;
    options.audience = issue.audience;
    options.now = hk::native::unix_now();
    auto store = hk::native::open_store(std::string("sqlite:") + argv[1]);
    if (!store) return fail(store.err());
    auto first = hk::token::redeem(issued->token, *keys, options, **store);
    std::cout << (first ? std::string_view("redeemed") : first.err().code.name()) << '\n';
    auto again = hk::native::sqlite_replay_guard::open(argv[1]);
    if (!again) return fail(again.err());
    auto second = hk::token::redeem(issued->token, *keys, options, **again);
    std::cout << (second ? std::string_view("redeemed") : second.err().code.name()) << '\n';

    // The pipeline a C++ bot endpoint runs per activity, its handoff written to the outbox.
    issue.random = hk::native::random_bytes(hk::token::min_random_bytes).value();
    auto fresh = hk::token::issue(issue, *keys);
    if (!fresh) return fail(fresh.err());
    hk::handoff::config config;
    config.bot_id = bot;
    config.keys = std::make_shared<const hk::token::key_set>(*keys);
    config.deliver = true;
    const hk::json activity{{"type", "invoke"},
                            {"name", "handoff/action"},
                            {"id", "f:1"},
                            {"serviceUrl", "https://smba.trafficmanager.net/amer/"},
                            {"from", {{"id", "29:user"}}},
                            {"recipient", {{"id", "28:" + bot}}},
                            {"conversation", {{"id", "a:conversation"}}},
                            {"value", {{"continuation", fresh->token}}}};
    const auto outcome = hk::handoff::handle(hk::dump_json(activity), config, {}, **again, hk::native::unix_now());
    std::cout << outcome.status << ' ' << outcome.code << '\n';
    auto due = (*again)->take(10, hk::native::unix_now(), 60);
    if (!due) return fail(due.err());
    hk::json handoff;
    const bool one = due->size() == 1 && hk::parse_json(due->at(0).body, handoff) == hk::json_failure::none &&
                     handoff["jti"] == fresh->jti;
    std::cout << (one ? "delivery in the outbox" : "no delivery") << '\n';
    return 0;
}
