// libFuzzer: any bytes as an eligibility environment, evaluated with the default ruleset.
// Properties: never crashes or leaks; the answer is a JSON report or a coded error; the JSON API
// answers one envelope and agrees.
#include "fuzz_support.hpp"

#include "handoffkit/eligibility.hpp"
#include "handoffkit/json_api_eligibility.hpp"

namespace el = handoffkit::eligibility;
using handoffkit::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const el::ruleset rules = el::ruleset::parse(el::default_ruleset_json()).value();
    const std::string environment = handoffkit::fuzz::text_of(data, size);
    const auto report = el::evaluate(rules, environment);
    if (report) require(nlohmann::json::parse(*report, nullptr, false).is_object());
    else require(!report.err().code.empty());
    const auto envelope = handoffkit::fuzz::require_envelope(handoffkit::json_api::evaluate_eligibility(environment, ""));
    require((envelope["ok"] == true) == report.has_value());
    return 0;
}
