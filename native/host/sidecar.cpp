#include "sidecar.hpp"

#include "handoffkit/eligibility.hpp"
#include "handoffkit/handoff.hpp"
#include "handoffkit/json_api_handoff.hpp"

namespace handoffkit::host {
namespace {

// A core error as an HTTP answer: 503 when the store could not answer, 500 without entropy, 400
// for everything the caller sent.
sidecar_reply error_reply(const error& e) {
    const int status = e.code == token_code::store_unavailable         ? 503
                       : e.code == native::system_code::entropy_unavailable ? 500
                                                                            : 400;
    return {status, e.code, json_api::error_json(e)};
}

sidecar_reply issue_handoff(const sidecar_config& c, const std::string& body) {
    auto random = c.random();
    if (!random) return error_reply(random.err());
    handoff::create_options fixed;
    fixed.bot_id = c.bot_id;
    if (!c.issuer.empty()) fixed.issuer = c.issuer;
    fixed.now = c.now();
    fixed.random = std::move(*random);
    auto created = json_api::create_handoff_value(body, fixed, *c.keys, *c.store);
    if (!created) return error_reply(created.err());
    return {200, std::nullopt, std::move(*created)};
}

sidecar_reply evaluate(const std::string& body) {
    auto report = eligibility::evaluate(eligibility::ruleset::builtin(), body);
    if (!report) return error_reply(report.err());
    return {200, std::nullopt, std::move(*report)};
}

}  // namespace

std::map<std::string, sidecar_handler> sidecar_endpoints(sidecar_config config) {
    auto c = std::make_shared<sidecar_config>(std::move(config));
    return {
        {"/v1/handoffs", [c](const std::string& body) { return issue_handoff(*c, body); }},
        {"/v1/eligibility", [](const std::string& body) { return evaluate(body); }},
    };
}

}  // namespace handoffkit::host
