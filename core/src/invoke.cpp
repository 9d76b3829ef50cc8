// Reading activities and writing replies (invoke.hpp); what to answer is handoff.cpp's.
#include "handoffkit/invoke.hpp"

#include <optional>
#include <utility>

#include "json_value.hpp"

#include "documents.hpp"
#include "json_fields.hpp"
#include "json_reader.hpp"

namespace handoffkit::invoke {
namespace {

using handoffkit::detail::json;

using detail::json_reader;
using kind = json_reader::kind;

// Reads an activity's fields straight from its text: a document of the whole activity (its
// `value` and `channelData` included) was a quarter of the host's time per request. A field that
// is null counts as absent; of several fields with the wrong type, the first in the order of
// `rank` below is reported, wherever it stands in the text.
class activity_reader {
public:
    explicit activity_reader(json_reader& r) : r_(r) {}

    // A string field; anything but a string or null is the field's problem (and skipped).
    bool text(int rank, const char* name, std::string& out) {
        switch (r_.next()) {
            case kind::string: {
                std::string_view s;
                if (!r_.string(s)) return false;
                out.assign(s);
                return true;
            }
            case kind::null: return r_.null();
            default: wrong(rank, name, "a string"); return r_.skip();
        }
    }
    // An object field, its members handed to `on_member`.
    template <class OnMember>
    bool members(int rank, const char* name, OnMember&& on_member) {
        if (r_.next() == kind::null) return r_.null();
        if (r_.next() != kind::object) return wrong(rank, name, "an object"), r_.skip();
        return r_.object(on_member);
    }
    std::optional<error> problem;

private:
    void wrong(int rank, const char* name, const char* expected) {
        if (rank >= problem_rank_) return;
        problem_rank_ = rank;
        problem = fail("ACTIVITY_MALFORMED", "field '" + std::string(name) + "' must be " + expected);
    }

    json_reader& r_;
    int problem_rank_ = 1 << 30;
};

}  // namespace

result<activity> parse_activity(std::string_view json_text) {
    if (json_text.size() > max_activity_bytes)
        return fail("ACTIVITY_TOO_LARGE", "the activity exceeds " + std::to_string(max_activity_bytes) + " bytes");
    activity a;
    json_reader r(json_text);
    activity_reader f(r);
    const auto on_member = [&](std::string_view key) {
        if (key == "type") return f.text(0, "type", a.type);
        if (key == "name") return f.text(1, "name", a.name);
        if (key == "id") return f.text(2, "id", a.id);
        if (key == "channelId") return f.text(3, "channelId", a.channel_id);
        if (key == "serviceUrl") return f.text(4, "serviceUrl", a.service_url);
        if (key == "locale") return f.text(5, "locale", a.locale);
        if (key == "from") return f.members(6, "from", [&](std::string_view k) {
            if (k == "id") return f.text(7, "from.id", a.from.id);
            if (k == "aadObjectId") return f.text(8, "from.aadObjectId", a.from.aad_object_id);
            if (k == "name") return f.text(9, "from.name", a.from.name);
            return r.skip();
        });
        if (key == "recipient") return f.members(10, "recipient", [&](std::string_view k) {
            if (k == "id") return f.text(11, "recipient.id", a.recipient.id);
            if (k == "name") return f.text(12, "recipient.name", a.recipient.name);
            return r.skip();
        });
        if (key == "conversation") return f.members(13, "conversation", [&](std::string_view k) {
            if (k == "id") return f.text(14, "conversation.id", a.conversation_id);
            if (k == "conversationType") return f.text(15, "conversation.conversationType", a.conversation_type);
            if (k == "tenantId") return f.text(16, "conversation.tenantId", a.tenant_id);
            return r.skip();
        });
        // `value` is free-form for most invokes; only handoff/action's continuation is read, and its
        // absence or wrong type is read_handoff's CONTINUATION_MISSING, not a malformed activity.
        if (key == "value" && r.next() == kind::object) return r.object([&](std::string_view k) {
            if (k != "continuation" || r.next() != kind::string) return r.skip();
            std::string_view s;
            if (!r.string(s)) return false;
            a.continuation.assign(s);
            a.has_continuation = true;
            return true;
        });
        return r.skip();
    };
    const bool is_object = r.next() == kind::object;
    if (!(is_object ? r.object(on_member) : r.skip()) || !r.end())
        return fail("ACTIVITY_MALFORMED", detail::json_failure_message(detail::classify_failure(json_text, r), "the activity"));
    if (!is_object) return fail("ACTIVITY_MALFORMED", "the activity must be a JSON object");
    if (f.problem) return *f.problem;
    if (a.type.empty()) return fail("ACTIVITY_MALFORMED", "field 'type' is required");
    return a;
}

result<handoff_invoke> read_handoff(const activity& in, const decide_options& options) {
    if (in.type != "invoke") return fail("NOT_INVOKE", "activity type '" + in.type + "' needs no invoke response");
    if (in.name != handoff_action_name)
        return fail("UNKNOWN_INVOKE", "invoke '" + in.name + "' is not implemented by this bot");
    if (!in.has_continuation || in.continuation.empty())
        return fail("CONTINUATION_MISSING", "handoff/action needs a non-empty string value.continuation");
    if (in.continuation.size() > max_continuation_length)
        return fail("CONTINUATION_TOO_LONG",
                    "value.continuation exceeds " + std::to_string(max_continuation_length) + " characters");
    // Without these the bot cannot answer the user, so the activity is not a usable handoff.
    for (const auto& [value, field] : {std::pair{&in.from.id, "from.id"}, {&in.recipient.id, "recipient.id"},
                                       {&in.conversation_id, "conversation.id"}, {&in.service_url, "serviceUrl"}})
        if (value->empty()) return fail("ACTIVITY_MALFORMED", std::string("handoff/action needs ") + field);
    const bool prefixed = in.recipient.id.compare(0, bot_prefix.size(), bot_prefix) == 0;
    const std::string bot_id = prefixed ? in.recipient.id.substr(bot_prefix.size()) : in.recipient.id;
    if (!options.expected_bot_id.empty() && (!prefixed || bot_id != options.expected_bot_id))
        return fail("WRONG_RECIPIENT", "recipient.id is not this bot (28:<app id>)");

    handoff_invoke h;
    h.source = in;
    h.request.continuation = in.continuation;
    h.request.bot_id = bot_id;
    h.request.user_id = in.from.id;
    h.request.user_aad_object_id = in.from.aad_object_id;
    h.request.tenant_id = in.tenant_id;
    h.request.conversation_id = in.conversation_id;
    return h;
}

std::string followup_json(const followup& f, const activity& in) { return detail::followup_document(f, in).dump(); }

}  // namespace handoffkit::invoke

namespace handoffkit::detail {

json followup_document(const invoke::followup& f, const invoke::activity& in) {
    json out{{"type", f.type},
             {"from", {{"id", in.recipient.id}}},
             {"recipient", {{"id", in.from.id}}},
             {"conversation", {{"id", in.conversation_id}}}};
    if (!in.recipient.name.empty()) out["from"]["name"] = in.recipient.name;
    if (!in.channel_id.empty()) out["channelId"] = in.channel_id;
    if (!in.id.empty()) out["replyToId"] = in.id;
    if (!in.locale.empty()) out["locale"] = in.locale;
    if (!f.text.empty()) out["text"] = f.text;
    return out;
}

}  // namespace handoffkit::detail
