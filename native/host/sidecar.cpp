#include "sidecar.hpp"

#include <nlohmann/json.hpp>

#include "handoffkit/json_api.hpp"
#include "handoffkit/json_api_cards.hpp"
#include "handoffkit/json_api_eligibility.hpp"
#include "handoffkit/json_api_token.hpp"

namespace handoffkit::host {
namespace {
using nlohmann::json;

sidecar_reply error_reply(int status, const json& error) {
    return {status, error.value("code", "FAILED"), json{{"error", error}}.dump()};
}

sidecar_reply coded(int status, const std::string& code, const std::string& message) {
    return error_reply(status, {{"code", code}, {"message", message}});
}

// A core envelope as an HTTP answer: its value with 200, or its error with 400 (503 when the
// store could not answer).
sidecar_reply from_envelope(const std::string& envelope) {
    const json e = json::parse(envelope);
    if (e["ok"] == true) return {200, "", e["value"].dump()};
    return error_reply(e["error"]["code"] == "STORE_UNAVAILABLE" ? 503 : 400, e["error"]);
}

const char* const handoff_fields[] = {"user", "ttl", "ctx", "reference", "title", "text", "buttonTitle", "version"};

sidecar_reply issue_handoff(const sidecar_config& c, const std::string& body) {
    const json request = json::parse(body.empty() ? "{}" : body, nullptr, /*allow_exceptions=*/false);
    if (request.is_discarded()) return coded(400, "INVALID_JSON", "the request is not valid JSON");
    if (!request.is_object()) return coded(400, "INVALID_ARGUMENT", "the request must be a JSON object");
    for (const auto& [key, value] : request.items())
        if (std::find(std::begin(handoff_fields), std::end(handoff_fields), key) == std::end(handoff_fields))
            return coded(400, "INVALID_ARGUMENT", "unknown field '" + key + "'");

    auto random = c.random_hex();
    if (!random) return coded(500, random.err().code, random.err().message);
    const std::string bot = "28:" + c.bot_id;
    json issue{{"botId", bot}, {"now", c.now()}, {"random", *random}};
    if (!c.issuer.empty()) issue["issuer"] = c.issuer;
    for (const char* key : {"user", "ttl", "ctx", "reference"})
        if (request.contains(key)) issue[key] = request[key];
    auto issued = from_envelope(json_api::issue_token_stored(issue.dump(), c.keys, *c.store));
    if (issued.status != 200) return issued;
    const json token = json::parse(issued.body);

    json card{{"botId", bot}, {"continuation", token["token"]}};
    for (const char* key : {"title", "text", "buttonTitle", "version"})
        if (request.contains(key)) card[key] = request[key];
    auto built = from_envelope(json_api::build_handoff_card(card.dump()));
    if (built.status != 200) return built;
    auto link = from_envelope(json_api::build_handoff_link(json{{"botId", bot}, {"continuation", token["token"]}}.dump()));
    if (link.status != 200) return link;
    json out{{"token", token["token"]}, {"jti", token["jti"]}, {"exp", token["exp"]},
             {"link", json::parse(link.body)}, {"card", json::parse(built.body)}};
    return {200, "", out.dump()};
}

}  // namespace

std::map<std::string, sidecar_handler> sidecar_endpoints(sidecar_config config) {
    auto c = std::make_shared<sidecar_config>(std::move(config));
    return {
        {"/v1/handoffs", [c](const std::string& body) { return issue_handoff(*c, body); }},
        {"/v1/eligibility", [](const std::string& body) { return from_envelope(json_api::evaluate_eligibility(body, "")); }},
    };
}

}  // namespace handoffkit::host
