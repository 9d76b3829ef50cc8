// libFuzzer: any bytes as a JSON build request. Properties: never crashes or leaks; the envelope is
// well-formed JSON; every link the builder returns validates with no problem at all.
#include "fuzz_support.hpp"

#include "handoffkit/deeplink.hpp"
#include "handoffkit/json_api.hpp"

using handoffkit::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string request = handoffkit::fuzz::text_of(data, size);
    const auto envelope = handoffkit::fuzz::require_envelope(handoffkit::json_api::build_deep_link(request));
    if (envelope["ok"] == true) {
        const auto report = handoffkit::deeplink::validate(envelope["value"].get<std::string>());
        require(report.valid && report.problems.empty());
    }
    return 0;
}
