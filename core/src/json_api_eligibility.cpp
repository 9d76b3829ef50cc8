// JSON face of eligibility.hpp (see json_api.hpp for the envelope contract).
#include "handoffkit/json_api_eligibility.hpp"

#include "eligibility_model.hpp"
#include "handoffkit/eligibility.hpp"
#include "json_fields.hpp"

namespace handoffkit::json_api {
namespace el = handoffkit::eligibility;
using handoffkit::json;
using detail::error_envelope;
using detail::ok_envelope;

namespace {

/// The ruleset named by the options: the embedded one unless `ruleset` is given.
result<el::ruleset> ruleset_from(std::string_view options) {
    auto j = detail::parse_object(options, "options");
    if (!j) return j.err();
    std::string text;
    detail::field_reader r(*j);
    r.text_or_json("ruleset", text);
    if (auto e = r.finish()) return *e;
    if (!detail::member(*j, "ruleset")) return el::ruleset::builtin();
    return el::ruleset::parse(text);
}

}  // namespace

std::string evaluate_eligibility(std::string_view environment, std::string_view options) {
    auto rules = ruleset_from(options);
    if (!rules) return error_envelope(rules.err());
    auto report = el::evaluate(*rules, environment);
    if (!report) return error_envelope(report.err());
    // The report is canonical JSON already: wrap it as ok_envelope would, without a re-parse.
    return detail::ok_envelope_text(*report);
}

std::string default_eligibility_ruleset() {
    auto j = detail::parse_object(el::default_ruleset_json(), "the default ruleset");
    if (!j) return error_envelope(j.err());
    return ok_envelope(std::move(*j));
}

std::string validate_eligibility_ruleset(std::string_view ruleset) {
    auto rules = el::ruleset::parse(ruleset);
    if (!rules) return error_envelope(rules.err());
    const auto& c = rules->get();
    json features = json::array();
    for (const auto& f : c.features) features.push_back({{"id", f.id}, {"name", f.name}});
    return ok_envelope({{"features", std::move(features)},
                        {"name", c.name},
                        {"rules", c.rules.size()},
                        {"schema", c.schema},
                        {"version", c.version}});
}

}  // namespace handoffkit::json_api
