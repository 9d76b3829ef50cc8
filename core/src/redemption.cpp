// The redemption protocol (redemption.hpp): the order of the store steps and what their answers mean.
#include "handoffkit/redemption.hpp"

#include "handoffkit/json.hpp"

namespace handoffkit::token {

std::string redemption_record(const presenter& who, std::int64_t redeemed_at) {
    std::string out;
    json_writer(out)
        .begin_object()
        .key("activity").string(who.activity_id)
        .key("conversation").string(who.conversation_id)
        .key("redeemedAt").number(redeemed_at)
        .end_object();
    return out;
}

bool is_same_activity(std::string_view record, const presenter& who) {
    if (who.activity_id.empty()) return false;
    json parsed;
    if (parse_json(record, parsed) != json_failure::none || !parsed.is_object()) return false;  // e.g. a marker an older version wrote: a replay
    const auto activity = parsed.find("activity");
    const auto conversation = parsed.find("conversation");
    return activity != parsed.end() && activity->is_string() &&
           activity->get_ref<const std::string&>() == who.activity_id && conversation != parsed.end() &&
           conversation->is_string() && conversation->get_ref<const std::string&>() == who.conversation_id;
}

redemption::redemption(verified_token token, presenter who, std::int64_t now, delivery_builder delivery)
    : token_(std::move(token)), who_(std::move(who)), now_(now), delivery_(std::move(delivery)),
      step_(token_.context_by_reference ? redemption_step::load_context : redemption_step::mark) {
    if (step_ == redemption_step::mark) prepare_mark();
}

void redemption::prepare_mark() {
    step_ = redemption_step::mark;
    mark_.jti = token_.jti;
    mark_.record = redemption_record(who_, now_);
    mark_.keep_until = token_.expires_at + max_leeway;
    if (delivery_) mark_.delivery = delivery_(token_);
}

void redemption::fail_with(error e) {
    failure_ = std::move(e);
    step_ = redemption_step::failed;
}

void redemption::context_loaded(result<std::optional<std::string>> answer) {
    if (!answer) return fail_with(answer.err());
    if (!answer->has_value()) return fail_with(fail(token_code::context_not_found, "the store holds no context for this token"));
    token_.context = std::move(*std::move(answer).value());
    prepare_mark();
}

void redemption::marked(const result<mark_answer>& answer) {
    if (!answer) return fail_with(answer.err());
    if (answer->outcome == mark_outcome::fresh) {
        token_.redeemed = true;
        step_ = redemption_step::redeemed;
        return;
    }
    if (answer->record && is_same_activity(*answer->record, who_)) {
        token_.redeemed = true;
        step_ = redemption_step::retried;
        return;
    }
    fail_with(fail(token_code::replayed, "the token was already redeemed"));
}

void redemption::give_up(error e) {
    if (!finished()) fail_with(std::move(e));
}

void drive(redemption& r, replay_guard& store) {
    while (!r.finished()) {
        if (r.step() == redemption_step::load_context) r.context_loaded(store.load_context(r.jti(), r.now()));
        else r.marked(store.mark(r.mark(), r.now()));
    }
}

}  // namespace handoffkit::token
