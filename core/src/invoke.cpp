// Reading activities and writing replies (invoke.hpp); what to answer is handoff.cpp's.
#include "handoffkit/invoke.hpp"

#include <optional>
#include <utility>

#include "handoffkit/json.hpp"

#include "documents.hpp"

namespace handoffkit::invoke {
namespace {

using handoffkit::json;

// Reads an activity's fields with a SAX handler on the strict parse: a document of the whole
// activity (its `value` and `channelData` included) was a quarter of the host's time per request.
// A field that is null counts as absent; of several fields with the wrong type, the first in the
// order of `rank` below is reported, wherever it stands in the text.
class activity_sax : public json_strict_sax {
public:
    explicit activity_sax(activity& a) : a_(a) {}

    std::optional<error> problem;
    bool root_is_object = false;

    bool key(string_t& name) override {
        if (depth() == 1) {
            member_ = top_field(name);
            child_ = {};
        } else if (depth() == 2 && in_member_object_) {
            child_ = child_field(name);
        }
        return json_strict_sax::key(name);
    }
    bool string(string_t& s) override {
        if (const field* f = current()) {
            if (f->out) *f->out = s;
            else other();  // from, recipient, conversation: objects
        } else if (in_value_object() && child_.continuation) {
            a_.continuation = s;
            a_.has_continuation = true;
        }
        return true;
    }
    bool null() override { return true; }  // null counts as absent
    bool boolean(bool) override { return other(); }
    bool number_integer(json::number_integer_t) override { return other(); }
    bool number_unsigned(json::number_unsigned_t) override { return other(); }
    bool number_float(json::number_float_t, const string_t&) override { return other(); }
    bool start_object(std::size_t n) override {
        if (depth() == 0) root_is_object = true;
        if (depth() == 1 && member_.object) in_member_object_ = true;
        else other();
        return json_strict_sax::start_object(n);
    }
    bool end_object() override {
        if (depth() == 2) in_member_object_ = false;
        return json_strict_sax::end_object();
    }
    bool start_array(std::size_t n) override { return other(), json_strict_sax::start_array(n); }

private:
    // A member this reader reads: where its string goes (or an object whose members it reads), its
    // rank and name for the message.
    struct field {
        int rank = -1;
        const char* name = nullptr;
        std::string* out = nullptr;
        bool object = false;
        bool continuation = false;  // value.continuation: any type but a string is just absent
    };

    field top_field(std::string_view k) {
        if (k == "type") return {0, "type", &a_.type};
        if (k == "name") return {1, "name", &a_.name};
        if (k == "id") return {2, "id", &a_.id};
        if (k == "channelId") return {3, "channelId", &a_.channel_id};
        if (k == "serviceUrl") return {4, "serviceUrl", &a_.service_url};
        if (k == "locale") return {5, "locale", &a_.locale};
        if (k == "from") return {6, "from", nullptr, true};
        if (k == "recipient") return {10, "recipient", nullptr, true};
        if (k == "conversation") return {13, "conversation", nullptr, true};
        // `value` is free-form for most invokes: only an object is read, for its continuation.
        if (k == "value") return {-1, nullptr, nullptr, true};
        return {};
    }

    field child_field(std::string_view k) {
        const std::string_view parent = member_.name ? member_.name : "value";
        if (parent == "from") {
            if (k == "id") return {7, "from.id", &a_.from.id};
            if (k == "aadObjectId") return {8, "from.aadObjectId", &a_.from.aad_object_id};
            if (k == "name") return {9, "from.name", &a_.from.name};
        } else if (parent == "recipient") {
            if (k == "id") return {11, "recipient.id", &a_.recipient.id};
            if (k == "name") return {12, "recipient.name", &a_.recipient.name};
        } else if (parent == "conversation") {
            if (k == "id") return {14, "conversation.id", &a_.conversation_id};
            if (k == "conversationType") return {15, "conversation.conversationType", &a_.conversation_type};
            if (k == "tenantId") return {16, "conversation.tenantId", &a_.tenant_id};
        } else if (k == "continuation") {
            field f;
            f.continuation = true;
            return f;
        }
        return {};
    }

    bool in_value_object() const { return in_member_object_ && depth() == 2 && member_.rank < 0 && member_.object; }

    // The field whose value is being read, when that value is the member itself (not nested).
    const field* current() const {
        if (depth() == 1 && member_.rank >= 0) return &member_;
        if (depth() == 2 && in_member_object_ && child_.rank >= 0) return &child_;
        return nullptr;
    }

    // A value of another type than the field's (a string, or an object for from, recipient and
    // conversation): that field's problem.
    bool other() {
        if (const field* f = current(); f && f->rank < problem_rank_) {
            problem_rank_ = f->rank;
            problem = fail(handoff_code::activity_malformed,
                           "field '" + std::string(f->name) + "' must be " + (f->object ? "an object" : "a string"));
        }
        return true;
    }

    activity& a_;
    field member_, child_;
    bool in_member_object_ = false;
    int problem_rank_ = 1 << 30;
};

}  // namespace

result<activity> parse_activity(std::string_view json_text) {
    if (json_text.size() > max_activity_bytes)
        return fail(handoff_code::activity_too_large, "the activity exceeds " + std::to_string(max_activity_bytes) + " bytes");
    activity a;
    activity_sax reader(a);
    if (const auto why = parse_json_sax(json_text, reader); why != json_failure::none)
        return fail(handoff_code::activity_malformed, json_failure_message(why, "the activity"));
    if (!reader.root_is_object) return fail(handoff_code::activity_malformed, "the activity must be a JSON object");
    if (reader.problem) return *reader.problem;
    if (a.type.empty()) return fail(handoff_code::activity_malformed, "field 'type' is required");
    return a;
}

result<handoff_invoke> read_handoff(const activity& in, const decide_options& options) {
    if (in.type != "invoke") return fail(handoff_code::not_invoke, "activity type '" + in.type + "' needs no invoke response");
    if (in.name != handoff_action_name)
        return fail(handoff_code::unknown_invoke, "invoke '" + in.name + "' is not implemented by this bot");
    if (!in.has_continuation || in.continuation.empty())
        return fail(handoff_code::continuation_missing, "handoff/action needs a non-empty string value.continuation");
    if (in.continuation.size() > max_continuation_length)
        return fail(handoff_code::continuation_too_long,
                    "value.continuation exceeds " + std::to_string(max_continuation_length) + " characters");
    // Without these the bot cannot answer the user, so the activity is not a usable handoff.
    for (const auto& [value, field] : {std::pair{&in.from.id, "from.id"}, {&in.recipient.id, "recipient.id"},
                                       {&in.conversation_id, "conversation.id"}, {&in.service_url, "serviceUrl"}})
        if (value->empty()) return fail(handoff_code::activity_malformed, std::string("handoff/action needs ") + field);
    const bool prefixed = in.recipient.id.compare(0, bot_prefix.size(), bot_prefix) == 0;
    const std::string bot_id = prefixed ? in.recipient.id.substr(bot_prefix.size()) : in.recipient.id;
    if (!options.expected_bot_id.empty() && (!prefixed || bot_id != options.expected_bot_id))
        return fail(handoff_code::wrong_recipient, "recipient.id is not this bot (28:<app id>)");

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

std::string followup_json(const followup& f, const activity& in) { return dump_json(detail::followup_document(f, in)); }

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
