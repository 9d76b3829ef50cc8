// The JSON documents the core writes for a handoff and for a reply, for the code inside core that
// embeds them in larger documents (the JSON API) instead of writing and re-reading their text.
#pragma once

#include "handoffkit/handoff.hpp"
#include "handoffkit/invoke.hpp"
#include "json_fields.hpp"

namespace handoffkit::detail {

/// The document of JSON text the core wrote, or read strictly before and kept (a context, a card):
/// null should it not parse, which such text always does.
json trusted_document(std::string_view text);

/// What invoke::followup_json writes, as a document.
json followup_document(const invoke::followup& f, const invoke::activity& in);
/// What handoff::handoff_json(outcome) writes, as a document.
json handoff_document(const handoff::outcome& redeemed);

}  // namespace handoffkit::detail
