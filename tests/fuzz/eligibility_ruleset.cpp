// libFuzzer: any bytes as an eligibility ruleset, parsed, validated through the JSON API, and when
// it compiles, evaluated against a small environment.
// Properties: never crashes or leaks; a compiled ruleset evaluates to a JSON report or a coded
// error; the JSON API answers one envelope and agrees with the C++ parser.
#include "fuzz_support.hpp"

#include "handoffkit/eligibility.hpp"
#include "handoffkit/json_api_eligibility.hpp"

namespace el = handoffkit::eligibility;
using handoffkit::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = handoffkit::fuzz::text_of(data, size);
    const auto rules = el::ruleset::parse(text);
    const auto envelope = handoffkit::fuzz::require_envelope(handoffkit::json_api::validate_eligibility_ruleset(text));
    require((envelope["ok"] == true) == rules.has_value());
    if (!rules) {
        require(!rules.err().code.name().empty());
        return 0;
    }
    const auto report = el::evaluate(*rules, R"({"representatives":[{"id":"a","licenses":["x"],"roles":["r"]},{"id":"b"}]})");
    if (report) require(!nlohmann::json::parse(*report, nullptr, false).is_discarded());
    else require(!report.err().code.name().empty());
    return 0;
}
