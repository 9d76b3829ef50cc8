// libFuzzer: any bytes as an eligibility environment, evaluated with the default ruleset; the same
// bytes as a representatives CSV and as a report to plan.
// Properties: never crashes or leaks; the answer is a JSON report or a coded error; the JSON API
// answers one envelope and agrees; the plan read back from a report is the plan the evaluation
// gave; a CSV is a report or ENVIRONMENT_INVALID (INPUT_TOO_LARGE past the limit).
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
    else require(!report.err().code.name().empty());
    const auto envelope = handoffkit::fuzz::require_envelope(handoffkit::json_api::evaluate_eligibility(environment, ""));
    require((envelope["ok"] == true) == report.has_value());

    el::evaluation_options planned;
    planned.plan = true;
    const auto evaluation = el::evaluate(rules, environment, planned);
    require(evaluation.has_value() == report.has_value());
    if (evaluation) {
        const auto again = el::plan_fixes(evaluation->report);
        require(again.has_value() && *again == evaluation->plan);
    }

    el::evaluation_options csv;
    csv.representatives_csv = environment;
    const auto from_csv = el::evaluate(rules, R"({"geography":"europe","roles":[{"name":"Agent","privileges":[]}]})", csv);
    if (from_csv) require(nlohmann::json::parse(from_csv->report, nullptr, false).is_object());
    else require(from_csv.err().code == "ENVIRONMENT_INVALID" || from_csv.err().code == "INPUT_TOO_LARGE");

    const auto plan = handoffkit::fuzz::require_envelope(handoffkit::json_api::plan_eligibility_fixes(environment));
    if (plan["ok"] == true) require(plan["value"].is_object() && plan["value"].contains("fixes"));
    return 0;
}
