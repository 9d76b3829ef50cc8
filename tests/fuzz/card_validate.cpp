// libFuzzer: any bytes as an Adaptive Card, validated directly and through the JSON API.
// Properties: never crashes, leaks or recurses without bound (for the bot and the Copilot
// target); `valid` means no error-severity problem; every problem has a code; the JSON API answers one envelope whose report agrees.
#include "fuzz_support.hpp"

#include "handoffkit/cards.hpp"
#include "handoffkit/json_api_cards.hpp"

namespace cards = handoffkit::cards;
using handoffkit::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string card = handoffkit::fuzz::text_of(data, size);
    const cards::card_report report = cards::validate(card);
    bool has_error = false;
    for (const auto& p : report.problems) {
        require(!p.code.name().empty());
        has_error |= p.level == cards::severity::error;
    }
    require(report.valid == !has_error);

    // The Copilot target walks the same card with its own rules (buttons, Teams action types).
    cards::validate_options copilot;
    copilot.host = cards::target::copilot;
    const cards::card_report for_copilot = cards::validate(card, copilot);
    bool copilot_error = false;
    for (const auto& p : for_copilot.problems) copilot_error |= p.level == cards::severity::error;
    require(for_copilot.valid == !copilot_error);

    const auto envelope = handoffkit::fuzz::require_envelope(handoffkit::json_api::validate_card(card, ""));
    require(envelope["ok"] == true && envelope["value"]["valid"] == report.valid);
    return 0;
}
