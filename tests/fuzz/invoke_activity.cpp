// libFuzzer: any bytes as a Bot Framework activity posted to the host (invoke::handle, what
// `handoffkit serve` runs per request).
// Properties: never crashes or leaks; the status is one the host may send; a 200 has an empty
// body and anything else a JSON error body with a code; the redeemer is asked only for a
// well-formed handoff/action for this bot, and is asked for exactly the continuation it carries.
#include "fuzz_support.hpp"

#include <algorithm>
#include <iterator>

#include "handoffkit/invoke.hpp"

namespace iv = handoffkit::invoke;
using handoffkit::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = handoffkit::fuzz::text_of(data, size);
    int asked = 0;
    std::string continuation;
    const auto decision = iv::handle(text, {"00000000-0000-0000-0000-000000000000"}, [&](const iv::redeem_request& r) {
        ++asked;
        continuation = r.continuation;
        return iv::redeem_outcome{iv::redeem_status::ok, "", ""};
    });
    static const int allowed[] = {200, 400, 401, 403, 409, 410, 413, 500, 501, 503};
    require(std::find(std::begin(allowed), std::end(allowed), decision.status) != std::end(allowed));
    require(!decision.code.empty());
    if (decision.status == 200) {
        require(decision.body.empty());
    } else {
        const auto body = nlohmann::json::parse(decision.body, nullptr, false);
        require(body.is_object() && body["error"]["code"].is_string());
    }
    require(asked <= 1);
    if (asked == 1) {
        const auto activity = iv::parse_activity(text);
        require(activity && activity->type == "invoke" && activity->name == "handoff/action");
        require(activity->continuation == continuation && !continuation.empty());
        require(activity->recipient.id == "28:00000000-0000-0000-0000-000000000000");
    }
    return 0;
}
