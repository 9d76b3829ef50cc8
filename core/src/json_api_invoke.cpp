// JSON face of invoke.hpp (see json_api_invoke.hpp).
#include "handoffkit/invoke.hpp"
#include "handoffkit/json_api_invoke.hpp"
#include "json_fields.hpp"

namespace handoffkit::json_api {
namespace iv = handoffkit::invoke;
using detail::error_envelope;
using detail::field_reader;
using detail::ok_envelope;
using handoffkit::json;

namespace {

struct invoke_request {
    std::string activity_text;
    std::string bot_id;
};

result<invoke_request> read_request(std::string_view text) {
    auto j = detail::parse_object(text, "request");
    if (!j) return j.err();
    invoke_request out;
    field_reader r(*j);
    r.text_or_json("activity", out.activity_text).string("botId", out.bot_id);
    if (auto e = r.finish()) return *e;
    if (!j->contains("activity")) return fail(input_code::invalid_argument, "field 'activity' is required");
    return out;
}

json redeem_json(const iv::redeem_request& r) {
    return {{"continuation", r.continuation}, {"botId", r.bot_id},       {"userId", r.user_id},
            {"userAadObjectId", r.user_aad_object_id}, {"tenantId", r.tenant_id},
            {"conversationId", r.conversation_id}};
}

}  // namespace

std::string read_handoff_invoke(std::string_view request) {
    auto req = read_request(request);
    if (!req) return error_envelope(req.err());
    auto parsed = iv::parse_activity(req->activity_text);
    if (!parsed) return error_envelope(parsed.err());
    auto handoff = iv::read_handoff(*parsed, {req->bot_id});
    if (!handoff) return error_envelope(handoff.err());
    return ok_envelope(redeem_json(handoff->request));
}

}  // namespace handoffkit::json_api
