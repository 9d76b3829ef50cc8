// Embind bindings: flat functions over the core's JSON API, nothing else. Each takes and returns
// strings (the envelope of json_api.hpp); web/lib/api.mjs turns envelopes into values or typed
// errors. Any exception is caught here, at the edge, so nothing ever crosses into JS as a raw
// C++ exception (which would surface as a number and leak).
#include <emscripten/bind.h>

#include <string>

#include "handoffkit/json_api.hpp"

namespace {

template <class F>
std::string guarded(F&& f) {
    try {
        return f();
    } catch (...) {
        return R"({"ok":false,"error":{"code":"INTERNAL","message":"unexpected failure inside handoffkit"}})";
    }
}

std::string build_handoff_link(const std::string& request) {
    return guarded([&] { return handoffkit::json_api::build_handoff_link(request); });
}
std::string build_deep_link(const std::string& request) {
    return guarded([&] { return handoffkit::json_api::build_deep_link(request); });
}
std::string validate_deep_link(const std::string& url, const std::string& options) {
    return guarded([&] { return handoffkit::json_api::validate_deep_link(url, options); });
}

}  // namespace

EMSCRIPTEN_BINDINGS(handoffkit) {
    emscripten::function("buildHandoffLink", &build_handoff_link);
    emscripten::function("buildDeepLink", &build_deep_link);
    emscripten::function("validateDeepLink", &validate_deep_link);
}
