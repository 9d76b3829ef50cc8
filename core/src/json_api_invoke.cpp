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
    bool has_redeem = false;
    iv::redeem_outcome outcome;
};

result<iv::redeem_status> status_named(const std::string& code) {
    for (auto s : {iv::redeem_status::ok, iv::redeem_status::malformed, iv::redeem_status::bad_signature,
                   iv::redeem_status::expired, iv::redeem_status::wrong_audience, iv::redeem_status::wrong_user,
                   iv::redeem_status::replayed, iv::redeem_status::store_unavailable, iv::redeem_status::failed})
        if (iv::code_of(s) == code) return s;
    return fail("INVALID_ARGUMENT", "field 'redeem.outcome' is not a known outcome: '" + code + "'");
}

result<invoke_request> read_request(std::string_view text, bool with_redeem) {
    auto j = detail::parse_object(text, "request");
    if (!j) return j.err();
    invoke_request out;
    field_reader r(*j);
    r.text_or_json("activity", out.activity_text).string("botId", out.bot_id);
    if (with_redeem) r.known("redeem");
    if (auto e = r.finish()) return *e;
    if (!j->contains("activity")) return fail("INVALID_ARGUMENT", "field 'activity' is required");
    if (const json* it = detail::member(*j, "redeem"); with_redeem && it) {
        if (!it->is_object()) return fail("INVALID_ARGUMENT", "field 'redeem' must be an object");
        std::string outcome;
        field_reader rr(*it);
        rr.string("outcome", outcome).string("resultText", out.outcome.result_text);
        if (auto e = rr.finish()) return *e;
        auto status = status_named(outcome);
        if (!status) return status.err();
        out.outcome.status = *status;
        out.has_redeem = true;
    }
    return out;
}

json redeem_json(const iv::redeem_request& r) {
    return {{"continuation", r.continuation}, {"botId", r.bot_id},       {"userId", r.user_id},
            {"userAadObjectId", r.user_aad_object_id}, {"tenantId", r.tenant_id},
            {"conversationId", r.conversation_id}};
}

json decision_json(const iv::decision& d, const iv::activity* source) {
    json followups = json::array();
    if (source)
        for (const auto& f : d.followups) {
            json followup;  // the core wrote it: valid JSON
            handoffkit::parse_json(iv::followup_json(f, *source), followup);
            followups.push_back(std::move(followup));
        }
    return {{"status", d.status}, {"code", d.code}, {"body", d.body}, {"followups", followups}};
}

}  // namespace

std::string read_handoff_invoke(std::string_view request) {
    auto req = read_request(request, false);
    if (!req) return error_envelope(req.err());
    auto parsed = iv::parse_activity(req->activity_text);
    if (!parsed) return error_envelope(parsed.err());
    auto handoff = iv::read_handoff(*parsed, {req->bot_id});
    if (!handoff) return error_envelope(handoff.err());
    return ok_envelope(redeem_json(handoff->request));
}

std::string handle_handoff_invoke(std::string_view request) {
    auto req = read_request(request, true);
    if (!req) return error_envelope(req.err());
    auto parsed = iv::parse_activity(req->activity_text);
    if (!parsed) return ok_envelope(decision_json(iv::decide_on_error(parsed.err()), nullptr));
    auto handoff = iv::read_handoff(*parsed, {req->bot_id});
    if (!handoff) return ok_envelope(decision_json(iv::decide_on_error(handoff.err()), &*parsed));
    if (!req->has_redeem)
        return error_envelope(fail("INVALID_ARGUMENT", "field 'redeem' is required for a handoff/action"));
    return ok_envelope(decision_json(iv::decide_after_redeem(req->outcome), &*parsed));
}

}  // namespace handoffkit::json_api
