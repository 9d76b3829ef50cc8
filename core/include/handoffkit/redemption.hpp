// handoffkit/redemption.hpp: redeeming a verified token, as a protocol without I/O.
//
// Step 8 of token.hpp's verification order, written once: the core decides what a store must do
// and what its answers mean; the caller performs the I/O however it likes (a blocking SQLite call,
// a pipelined Redis command, a JS promise) and hands the answer back. Modelled on sans-I/O
// protocol cores (h11, quinn-proto): a state machine, no sockets, no clock, no threads.
//
//   token::redemption r(std::move(verified), {conversation_id, activity_id}, now);
//   while (!r.finished()) {
//       if (r.step() == redemption_step::load_context) r.context_loaded(store.load_context(r.jti(), r.now()));
//       else r.marked(store.mark(r.mark(), r.now()));
//   }
//   // r.step(): redeemed, retried or failed (r.failure())
//
// The order, and why:
//   1. load_context (reference-mode tokens only): a missing context (CONTEXT_NOT_FOUND) must
//      not consume the token, so it is read before the marker is set.
//   2. mark: set the marker until exp + max_leeway with the record of who redeems it. Fresh: the
//      token is redeemed by this call. A live marker is REPLAYED, unless its record names this
//      very activity (same conversation id and activity id): Teams re-sends an invoke it got no
//      answer for in time, and a retry is not a replay. Then the step is `retried`: the first
//      delivery's answer is given again (200) and nothing is done twice.
// A store error at any step is STORE_UNAVAILABLE (fail closed, never acceptance).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "handoffkit/replay_guard.hpp"
#include "handoffkit/result.hpp"
#include "handoffkit/token.hpp"

namespace handoffkit::token {

/// The activity that presents a token. Without an activity id (a CLI or a page redeeming a
/// token) no later request can count as its retry.
struct presenter {
    std::string conversation_id;
    std::string activity_id;
};

/// The record kept with a marker: {"activity":"…","conversation":"…","redeemedAt":N}.
std::string redemption_record(const presenter& who, std::int64_t redeemed_at);
/// True when `record` (as a store kept it) names `who`'s activity: a retry, not a replay.
bool is_same_activity(std::string_view record, const presenter& who);

enum class redemption_step {
    load_context,  ///< load_context(jti()), then context_loaded(answer)
    mark,          ///< mark(mark()), then marked(answer)
    redeemed,      ///< finished: this redemption consumed the token; token() carries its context
    retried,       ///< finished: the same activity redeemed it earlier; do nothing twice
    failed,        ///< finished: failure() says why; this redemption consumed nothing
};

/// Builds the outbox entry to write with the marker, from the token as redeemed (context loaded).
using delivery_builder = std::function<std::string(const verified_token&)>;

class redemption {
public:
    /// A redemption of `token` (already verified: token::verify) by `who` at `now`.
    redemption(verified_token token, presenter who, std::int64_t now, delivery_builder delivery = {});

    redemption_step step() const { return step_; }
    bool finished() const { return step_ != redemption_step::load_context && step_ != redemption_step::mark; }

    const std::string& jti() const { return token_.jti; }
    /// The time of this redemption: what every store operation is asked with.
    std::int64_t now() const { return now_; }
    /// Precondition: step() == mark.
    const mark_request& mark() const { return mark_; }

    /// The store's answer to load_context (precondition: step() == load_context).
    void context_loaded(result<std::optional<std::string>> answer);
    /// The store's answer to mark (precondition: step() == mark).
    void marked(const result<mark_answer>& answer);
    /// Ends an unfinished redemption with `e` (e.g. STORE_UNAVAILABLE: the store could not even be
    /// asked); nothing is consumed.
    void give_up(error e);

    const verified_token& token() const { return token_; }
    verified_token& token() { return token_; }
    /// Precondition: step() == failed.
    const error& failure() const { return *failure_; }

private:
    void prepare_mark();
    void fail_with(error e);

    verified_token token_;
    presenter who_;
    std::int64_t now_;
    delivery_builder delivery_;
    redemption_step step_;
    mark_request mark_;
    std::optional<error> failure_;
};

/// Drives `r` to its end against a store that answers at once (memory, SQLite, blocking Redis).
void drive(redemption& r, replay_guard& store);

}  // namespace handoffkit::token
