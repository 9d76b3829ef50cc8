// libFuzzer: any bytes as a Bot Framework activity through the handoff pipeline (handoff::handle:
// exactly what `handoffkit serve` and the npm handler run per request), against a memory store.
// The first "$TOKEN" in the input becomes a valid continuation token for this bot, so that the
// fuzzer reaches redemption too.
// Properties: never crashes or leaks; the status is one the pipeline may answer; a 200 has an empty
// body and anything else a JSON error body with its code; the store is asked only for a
// well-formed handoff/action for this bot whose token verifies; the same activity delivered again
// is a retry (200, nothing twice) when it has an id, a replay otherwise.
#include "fuzz_support.hpp"

#include <algorithm>
#include <iterator>

#include "handoffkit/handoff.hpp"

namespace hf = handoffkit::handoff;
namespace tk = handoffkit::token;
using handoffkit::fuzz::require;

namespace {

constexpr std::int64_t now = 1'700'000'100;
const char* const bot = "00000000-0000-0000-0000-000000000000";

const hf::config& config() {
    static const hf::config c = [] {
        hf::config out;
        out.bot_id = bot;
        out.keys = std::make_shared<const tk::key_set>(
            *tk::key_set::parse(R"({"keys":[{"kty":"oct","kid":"k1","k":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}]})"));
        out.deliver = true;
        return out;
    }();
    return c;
}

std::string valid_token() {
    tk::issue_request r;
    r.audience = std::string("28:") + bot;
    r.now = now - 10;
    r.random = std::string(16, '\x05');
    r.context = R"({"case":"CAS-1"})";
    return tk::issue(r, *config().keys).value().token;
}

struct counting final : tk::replay_guard {
    tk::memory_replay_guard inner;
    int calls = 0;
    handoffkit::result<tk::mark_answer> mark(const tk::mark_request& r, std::int64_t t) override {
        ++calls;
        return inner.mark(r, t);
    }
    handoffkit::result<tk::done> save_context(std::string_view j, std::string_view c, std::int64_t k,
                                              std::int64_t t) override {
        return inner.save_context(j, c, k, t);
    }
    handoffkit::result<std::optional<std::string>> load_context(std::string_view j, std::int64_t t) override {
        ++calls;
        return inner.load_context(j, t);
    }
};

void check_answer(const hf::outcome& o) {
    static const int allowed[] = {200, 400, 401, 403, 409, 410, 413, 500, 501, 503};
    require(std::find(std::begin(allowed), std::end(allowed), o.status) != std::end(allowed));
    require(!o.code.name().empty());
    require(o.for_the_app == (o.code == "NOT_INVOKE" || o.code == "UNKNOWN_INVOKE"));
    if (o.status == 200) {
        require(o.body.empty());
    } else {
        const auto body = nlohmann::json::parse(o.body, nullptr, false);
        require(body.is_object() && body["error"]["code"] == std::string(o.code.name()));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text = handoffkit::fuzz::text_of(data, size);
    if (auto at = text.find("$TOKEN"); at != std::string::npos) text.replace(at, 6, valid_token());
    counting store;
    const auto first = hf::handle(text, config(), {}, store, now);
    check_answer(first);
    if (store.calls > 0) {
        const auto activity = handoffkit::invoke::parse_activity(text);
        require(activity && activity->type == "invoke" && activity->name == "handoff/action");
        require(activity->recipient.id == std::string("28:") + bot);
        tk::verify_options o;
        o.audience = std::string("28:") + bot;
        if (!activity->from.aad_object_id.empty()) o.user = activity->from.aad_object_id;
        o.now = now;
        require(tk::verify(activity->continuation, *config().keys, o).has_value());
    }
    if (!first.redeemed) return 0;
    require(first.status == 200 && first.followups.size() == 3 && !first.retry);
    require(store.inner.take_deliveries().size() == 1);
    const auto again = hf::handle(text, config(), {}, store, now + 1);
    check_answer(again);
    if (first.activity.id.empty()) {
        require(again.status == 409);
    } else {
        require(again.status == 200 && again.retry && again.followups.empty());
    }
    require(store.inner.take_deliveries().empty());
    return 0;
}
