// Embind bindings: flat functions over the core's JSON API, nothing else. Each takes and returns
// strings (the envelope of json_api.hpp); web/lib/api.mjs turns envelopes into values or typed
// errors. Any exception is caught here, at the edge, so nothing ever crosses into JS as a raw
// C++ exception (which would surface as a number and leak).
#include <emscripten/bind.h>

#include <string>

#include "handoffkit/json_api.hpp"
#include "handoffkit/json_api_cards.hpp"
#include "handoffkit/json_api_eligibility.hpp"
#include "handoffkit/json_api_token.hpp"
#include "handoffkit/replay_guard.hpp"

namespace {

constexpr const char* internal_error =
    R"({"ok":false,"error":{"code":"INTERNAL","message":"unexpected failure inside handoffkit"}})";

// Embind cannot pass std::string_view; these adapt any json_api function taking N views.
template <auto F>
std::string bind0() {
    try {
        return F();
    } catch (...) {
        return internal_error;
    }
}

template <auto F>
std::string bind1(const std::string& a) {
    try {
        return F(a);
    } catch (...) {
        return internal_error;
    }
}

template <auto F>
std::string bind2(const std::string& a, const std::string& b) {
    try {
        return F(a, b);
    } catch (...) {
        return internal_error;
    }
}

template <auto F>
std::string bind3(const std::string& a, const std::string& b, const std::string& c) {
    try {
        return F(a, b, c);
    } catch (...) {
        return internal_error;
    }
}

// The in-memory replay guard as a JS object, so a page or a single Node process can redeem
// tokens exactly once. (Several processes need the native host's SQLite or Redis stores.)
class ReplayGuard {
public:
    std::string issue(const std::string& request, const std::string& keys) {
        try {
            return handoffkit::json_api::issue_token_stored(request, keys, guard_);
        } catch (...) {
            return internal_error;
        }
    }
    std::string redeem(const std::string& token, const std::string& keys, const std::string& options) {
        try {
            return handoffkit::json_api::redeem_token(token, keys, options, guard_);
        } catch (...) {
            return internal_error;
        }
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
