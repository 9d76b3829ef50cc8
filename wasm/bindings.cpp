// Embind bindings: flat functions over the core's JSON API, nothing else. Each takes strings and
// returns the UTF-8 bytes of the envelope of json_api.hpp; web/lib/api.mjs turns envelopes into values or typed
// errors. Any exception is caught here, at the edge, so nothing ever crosses into JS as a raw
// C++ exception (which would surface as a number and leak).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>

#include "handoffkit/json_api.hpp"
#include "handoffkit/json_api_cards.hpp"
#include "handoffkit/json_api_eligibility.hpp"
#include "handoffkit/json_api_token.hpp"
#include "handoffkit/replay_guard.hpp"

namespace {

constexpr const char* internal_error =
    R"({"ok":false,"error":{"code":"INTERNAL","message":"unexpected failure inside handoffkit"}})";

// Results leave as a view of wasm memory that web/lib/api.mjs decodes at once with TextDecoder:
// Embind's own std::string return walks every byte in JS, which dominated large results (an
// eligibility report of 10,000 representatives). The text lives here until the next call; calls
// are synchronous and the module is single-threaded, so JS has always copied it out by then.
std::string last_result;

emscripten::val result_view(std::string text) {
    last_result = std::move(text);
    return emscripten::val(emscripten::typed_memory_view(last_result.size(),
                                                         reinterpret_cast<const unsigned char*>(last_result.data())));
}

// Runs one json_api call; any exception stops here (see the file comment).
template <class Call>
emscripten::val guarded(Call&& call) {
    try {
        return result_view(call());
    } catch (...) {
        return result_view(internal_error);
    }
}

// Embind cannot pass std::string_view; these adapt any json_api function taking N views.
template <auto F>
emscripten::val bind0() {
    return guarded([] { return F(); });
}

template <auto F>
emscripten::val bind1(const std::string& a) {
    return guarded([&] { return F(a); });
}

template <auto F>
emscripten::val bind2(const std::string& a, const std::string& b) {
    return guarded([&] { return F(a, b); });
}

template <auto F>
emscripten::val bind3(const std::string& a, const std::string& b, const std::string& c) {
    return guarded([&] { return F(a, b, c); });
}

// The in-memory replay guard as a JS object, so a page or a single Node process can redeem
// tokens exactly once. (Several processes need the native host's SQLite or Redis stores.)
class ReplayGuard {
public:
    emscripten::val issue(const std::string& request, const std::string& keys) {
        return guarded([&] { return handoffkit::json_api::issue_token_stored(request, keys, guard_); });
    }
    emscripten::val redeem(const std::string& token, const std::string& keys, const std::string& options) {
        return guarded([&] { return handoffkit::json_api::redeem_token(token, keys, options, guard_); });
    }

private:
    handoffkit::token::memory_replay_guard guard_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(handoffkit) {
    namespace api = handoffkit::json_api;
    emscripten::function("buildHandoffLink", &bind1<&api::build_handoff_link>);
    emscripten::function("buildDeepLink", &bind1<&api::build_deep_link>);
    emscripten::function("validateDeepLink", &bind2<&api::validate_deep_link>);
    emscripten::function("buildOpenUrlAction", &bind1<&api::build_open_url_action>);
    emscripten::function("buildCard", &bind1<&api::build_card>);
    emscripten::function("buildHandoffCard", &bind1<&api::build_handoff_card>);
    emscripten::function("validateCard", &bind2<&api::validate_card>);
    emscripten::function("issueToken", &bind2<&api::issue_token>);
    emscripten::function("verifyToken", &bind3<&api::verify_token>);
    emscripten::function("inspectToken", &bind1<&api::inspect_token>);
    emscripten::function("evaluateEligibility", &bind2<&api::evaluate_eligibility>);
    emscripten::function("defaultEligibilityRuleset", &bind0<&api::default_eligibility_ruleset>);
    emscripten::class_<ReplayGuard>("ReplayGuard")
        .constructor<>()
        .function("issue", &ReplayGuard::issue)
        .function("redeem", &ReplayGuard::redeem);
}
