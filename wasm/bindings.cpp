// Embind bindings: flat functions over the core's JSON API, nothing else. Each takes and returns
// strings (the envelope of json_api.hpp); web/lib/api.mjs turns envelopes into values or typed
// errors. Any exception is caught here, at the edge, so nothing ever crosses into JS as a raw
// C++ exception (which would surface as a number and leak).
#include <emscripten/bind.h>

#include <string>

#include "handoffkit/json_api.hpp"

namespace {

constexpr const char* internal_error =
    R"({"ok":false,"error":{"code":"INTERNAL","message":"unexpected failure inside handoffkit"}})";

// Embind cannot pass std::string_view; these adapt any json_api function taking N views.
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

}  // namespace

EMSCRIPTEN_BINDINGS(handoffkit) {
    namespace api = handoffkit::json_api;
    emscripten::function("buildHandoffLink", &bind1<&api::build_handoff_link>);
    emscripten::function("buildDeepLink", &bind1<&api::build_deep_link>);
    emscripten::function("validateDeepLink", &bind2<&api::validate_deep_link>);
}
