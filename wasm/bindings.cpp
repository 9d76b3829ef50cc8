// Embind bindings: flat functions over the core's JSON API, nothing else. Each takes the lengths
// of its text arguments (their bytes already in the input buffer, below) and returns the UTF-8
// bytes of the envelope of json_api.hpp; web/lib/api.mjs turns envelopes into values or typed
// errors. Any exception is caught here, at the edge, so nothing ever crosses into JS as a raw
// C++ exception (which would surface as a number and leak).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "handoffkit/json_api.hpp"
#include "handoffkit/json_api_cards.hpp"
#include "handoffkit/json_api_eligibility.hpp"
#include "handoffkit/json_api_handoff.hpp"
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

// Arguments come in the same way, the other direction: api.mjs writes the UTF-8 bytes of a call's
// text arguments one after another into this buffer (TextEncoder.encodeInto, at native speed) and
// passes their byte lengths. Embind's own std::string parameters encode in a JS loop and malloc
// each argument; for a token or a link that was a fifth of a call. After a large input (an
// environment of megabytes) the next small request gives the memory back to the allocator.
std::string input;
constexpr std::size_t large_input = 1u << 20;

emscripten::val input_view(std::size_t size) {
    if (input.size() > large_input && size <= large_input) std::string().swap(input);
    if (input.size() < size) input.resize(size);
    return emscripten::val(emscripten::typed_memory_view(input.size(), reinterpret_cast<unsigned char*>(input.data())));
}

// The arguments of one call, in order, as views of the input buffer.
class arguments {
public:
    std::string_view next(std::size_t length) {
        const std::string_view view(input.data() + offset_, length);
        offset_ += length;
        return view;
    }

private:
    std::size_t offset_ = 0;
};

// Runs one json_api call; any exception stops here (see the file comment).
template <class Call>
emscripten::val guarded(Call&& call) {
    try {
        return result_view(call());
    } catch (...) {
        return result_view(internal_error);
    }
}

// These adapt any json_api function taking N views to N lengths in the input buffer.
template <auto F>
emscripten::val bind0() {
    return guarded([] { return F(); });
}

template <auto F>
emscripten::val bind1(std::size_t a) {
    arguments in;
    return guarded([&] { return F(in.next(a)); });
}

template <auto F>
emscripten::val bind2(std::size_t a, std::size_t b) {
    arguments in;
    return guarded([&] {
        const auto first = in.next(a);
        return F(first, in.next(b));
    });
}

template <auto F>
emscripten::val bind3(std::size_t a, std::size_t b, std::size_t c) {
    arguments in;
    return guarded([&] {
        const auto first = in.next(a);
        const auto second = in.next(b);
        return F(first, second, in.next(c));
    });
}

// The in-memory replay guard as a JS object, so a page or a single Node process can redeem
// tokens exactly once. (Several processes need the native host's SQLite or Redis stores.)
class ReplayGuard {
public:
    emscripten::val issue(std::size_t request, std::size_t keys) {
        arguments in;
        return guarded([&] {
            const auto request_text = in.next(request);
            return handoffkit::json_api::issue_token_stored(request_text, in.next(keys), guard_);
        });
    }
    emscripten::val redeem(std::size_t token, std::size_t keys, std::size_t options) {
        arguments in;
        return guarded([&] {
            const auto token_text = in.next(token);
            const auto keys_text = in.next(keys);
            return handoffkit::json_api::redeem_token(token_text, keys_text, in.next(options), guard_);
        });
    }

private:
    handoffkit::token::memory_replay_guard guard_;
};

// One activity through the core's handoff pipeline; web/lib/api.mjs performs its store steps
// against an async store between the calls (json_api_handoff.hpp).
class HandoffSession {
public:
    emscripten::val start(std::size_t activity, std::size_t keys, std::size_t options) {
        arguments in;
        return guarded([&] {
            const auto activity_text = in.next(activity);
            const auto keys_text = in.next(keys);
            return session_.start(activity_text, keys_text, in.next(options));
        });
    }
    emscripten::val answer(std::size_t answer) {
        arguments in;
        return guarded([&] { return session_.answer(in.next(answer)); });
    }

private:
    handoffkit::json_api::handoff_session session_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(handoffkit) {
    namespace api = handoffkit::json_api;
    emscripten::function("inputView", &input_view);
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
    emscripten::function("createHandoff", &bind2<&api::create_handoff>);
    emscripten::function("verifyHandoffDelivery", &bind1<&api::verify_handoff_delivery>);
    emscripten::function("evaluateEligibility", &bind2<&api::evaluate_eligibility>);
    emscripten::function("planEligibilityFixes", &bind1<&api::plan_eligibility_fixes>);
    emscripten::function("defaultEligibilityRuleset", &bind0<&api::default_eligibility_ruleset>);
    emscripten::class_<ReplayGuard>("ReplayGuard")
        .constructor<>()
        .function("issue", &ReplayGuard::issue)
        .function("redeem", &ReplayGuard::redeem);
    emscripten::class_<HandoffSession>("HandoffSession")
        .constructor<>()
        .function("start", &HandoffSession::start)
        .function("answer", &HandoffSession::answer);
}
