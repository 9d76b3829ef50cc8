// Uses the installed libraries as a C++ bot would: prints a handoff link (handoffkit::core), then
// issues a token with the system's entropy and clock and redeems it twice through a SQLite file
// named on the command line (handoffkit::native), the second time from a new connection to the
// same file. run.cmake compares what it prints.
#include <iostream>

#include <handoffkit/base64url.hpp>
#include <handoffkit/deeplink.hpp>
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
    auto link = hk::deeplink::build_handoff_link({"00000000-0000-0000-0000-000000000001", "a b"});
    if (!link) return fail(link.err());
    std::cout << *link << '\n';

    auto secret = hk::native::random_bytes(32);
    if (!secret) return fail(secret.err());
    auto keys = hk::token::key_set::parse(R"({"keys":[{"kty":"oct","kid":"k","k":")" + hk::base64url::encode(*secret) + "\"}]}");
    if (!keys) return fail(keys.err());
    hk::token::issue_request request;
    request.audience = hk::token::bot_audience("00000000-0000-0000-0000-000000000001");
    request.now = hk::native::unix_now();
    auto random = hk::native::random_bytes(hk::token::min_random_bytes);
    if (!random) return fail(random.err());
    request.random = *random;
    auto issued = hk::token::issue(request, *keys);
    if (!issued) return fail(issued.err());

    hk::token::verify_options options;
    options.audience = request.audience;
    options.now = hk::native::unix_now();
    auto store = hk::native::open_store(std::string("sqlite:") + argv[1]);
    if (!store) return fail(store.err());
    auto first = hk::token::redeem(issued->token, *keys, options, **store);
    std::cout << (first ? "redeemed" : first.err().code) << '\n';
    auto again = hk::native::sqlite_replay_guard::open(argv[1]);
    if (!again) return fail(again.err());
    auto second = hk::token::redeem(issued->token, *keys, options, **again);
    std::cout << (second ? "redeemed" : second.err().code) << '\n';
    return 0;
}
