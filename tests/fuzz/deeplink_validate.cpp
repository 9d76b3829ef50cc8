// libFuzzer: any bytes into the deep-link validator and its JSON face.
// Properties: never crashes or leaks; `valid` means no error-severity problem; the JSON API always
// returns a well-formed envelope; a valid handoff link rebuilt from its
// own parameters is valid (or too long).
#include "fuzz_support.hpp"

#include "handoffkit/deeplink.hpp"
#include "handoffkit/json_api.hpp"

namespace dl = handoffkit::deeplink;
using handoffkit::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input = handoffkit::fuzz::text_of(data, size);
    const dl::link_report report = dl::validate(input);
    bool has_error = false;
    for (const auto& p : report.problems) has_error |= p.level == dl::severity::error;
    require(report.valid == !has_error);
    require(!report.kind.empty());

    const auto envelope = handoffkit::fuzz::require_envelope(handoffkit::json_api::validate_deep_link(input, ""));
    require(envelope["ok"] == true);

    if (report.valid && report.kind == "handoff") {
        std::string users, continuation;
        for (const auto& [k, v] : report.params) {
            if (k == "users") users = v;
            if (k == "continuation") continuation = v;
        }
        // We escape more than RFC 3986 requires ('/', '?', '@' …), so a rebuilt link can be longer.
        auto rebuilt = dl::build_handoff_link({users, continuation});
        require(rebuilt.has_value() ? dl::validate(*rebuilt).valid : rebuilt.err().code == "URL_TOO_LONG");
    }
    return 0;
}
