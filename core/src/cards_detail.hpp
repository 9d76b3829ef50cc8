// What the card builders, the validator and the JSON API share: the schema walker working on
// parsed JSON, and the builders returning JSON values (the public API serializes them).
#pragma once

#include <optional>
#include <vector>

#include "handoffkit/cards.hpp"
#include "handoffkit/json.hpp"

namespace handoffkit::cards::detail {

using handoffkit::json;

/// Every problem of a parsed card, in walk order, payload size last.
std::vector<problem> check_card(const json& card, const validate_options& options);

/// Every problem of one action on its own, as if inside a card of version `options.version`.
std::vector<problem> check_action(const json& action, const validate_options& options);

/// The first problem of severity error as an `error` whose message names the path.
std::optional<error> first_error(const std::vector<problem>& problems);

/// Parses card text with the input checks of validate() (size, UTF-8, nesting, syntax); the
/// problem is set and the result empty when the text cannot be checked further.
std::optional<json> parse_card_text(std::string_view text, std::optional<problem>& failure);

result<json> open_url_action_json(const open_url_action& action, card_version version);
result<json> card_json(const card_options& options);
result<json> handoff_card_json(const handoff_card_options& options);

/// The canonical text of a card or action: compact, keys sorted (nlohmann's object is a std::map).
std::string canonical(const json& value);

}  // namespace handoffkit::cards::detail
