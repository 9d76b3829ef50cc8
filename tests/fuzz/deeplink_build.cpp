// libFuzzer: any bytes as a JSON build request. Properties: never crashes or leaks; the envelope is
// well-formed JSON; every link the builder returns validates with no problem at all.
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "handoffkit/deeplink.hpp"
#include "handoffkit/json_api.hpp"

static void require(bool ok) {
    if (!ok) std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string request(reinterpret_cast<const char*>(data), size);
    const auto envelope = nlohmann::json::parse(handoffkit::json_api::build_deep_link(request), nullptr, false);
    require(!envelope.is_discarded() && envelope.contains("ok"));
    if (envelope["ok"] == true) {
        const auto report = handoffkit::deeplink::validate(envelope["value"].get<std::string>());
        require(report.valid && report.problems.empty());
    } else {
        require(!envelope["error"]["code"].get<std::string>().empty());
    }
    return 0;
}
