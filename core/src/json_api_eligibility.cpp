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

/// What the options name: the ruleset (the embedded one unless `ruleset` is given), a CSV of
/// representatives, changes to make, and whether to plan.
struct request {
    el::ruleset rules = el::ruleset::builtin();
    std::string csv, apply;
    bool has_csv = false, plan = false;

    el::evaluation_options options() const {
        el::evaluation_options o;
        if (has_csv) o.representatives_csv = csv;
        o.apply_json = apply;
        o.plan = plan;
        return o;
    }
};

result<request> request_from(std::string_view options) {
    auto j = detail::parse_object(options, "options");
    if (!j) return j.err();
    std::string ruleset;
    request out;
    detail::field_reader r(*j);
    r.text_or_json("ruleset", ruleset).string("representativesCsv", out.csv).text_or_json("apply", out.apply).boolean("plan", out.plan);
    if (auto e = r.finish()) return *e;
    const auto given = j->find("representativesCsv");
    out.has_csv = given != j->end() && !given->is_null();
    const auto rules = j->find("ruleset");
    if (rules != j->end() && !rules->is_null()) {
        auto parsed = el::ruleset::parse(ruleset);
        if (!parsed) return parsed.err();
        out.rules = std::move(*parsed);
    }
    return out;
}

/// {"ok":true,"value":<text>} made in the text's own buffer: a report of 10,000 representatives
/// is 24 MB, and copying it into a new string was half the time of an evaluation.
std::string ok_envelope_in_place(std::string&& value_json) {
    value_json.insert(0, R"({"ok":true,"value":)");
    value_json += '}';
    return std::move(value_json);
}

}  // namespace

std::string evaluate_eligibility(std::string_view environment, std::string_view options) {
    auto req = request_from(options);
    if (!req) return error_envelope(req.err());
    auto e = el::evaluate(req->rules, environment, req->options());
    if (!e) return error_envelope(e.err());
    // The report is canonical JSON already: wrap it as ok_envelope would, without a re-parse.
    return ok_envelope_in_place(std::move(e.value().report));
}

std::string plan_eligibility_fixes(std::string_view report) {
    auto plan = el::plan_fixes(report);
    if (!plan) return error_envelope(plan.err());
    return detail::ok_envelope_text(*plan);
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
