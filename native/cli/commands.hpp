// One function per top-level CLI command, and beside it the table of its flags (args.hpp);
// main.cpp only dispatches, after the table has accepted the command line.
#pragma once

#include "args.hpp"

namespace handoffkit::cli {

/// The flag tables, each defined next to its command (cmd_<name>.cpp).
const command_spec& link_spec();
const command_spec& token_spec();
const command_spec& card_spec();
const command_spec& eligibility_spec();
const command_spec& serve_spec();
const command_spec& keys_spec();

/// handoffkit link --bot-id ID --continuation TOKEN
/// handoffkit link --json '{"kind":"chat","users":[…]}'
/// handoffkit link validate URL [--allow-host H]… [--expect KIND] [--pretty]
int cmd_link(const args& a);

/// handoffkit token issue --keys FILE --bot-id ID [--user OID] [--ttl S] [--ctx JSON] [--issuer ISS]
///                        [--reference --store SPEC] [--now T] [--random HEX]
/// handoffkit token verify TOKEN --keys FILE --bot-id ID [--user OID] [--issuer ISS] [--leeway S]
///                        [--max-lifetime S] [--now T] [--redeem --store SPEC] [--pretty]
/// handoffkit token inspect TOKEN [--pretty]
int cmd_token(const args& a);

/// handoffkit keys new [--kid K] [--out FILE]
/// handoffkit keys rotate FILE [--kid K]
/// handoffkit keys retire FILE --kid K [--force]
/// (all: [--now T], for tests)
int cmd_keys(const args& a);

/// handoffkit card --bot-id ID --continuation TOKEN [--title T] [--text T] [--button-title T]
///                 [--card-version V] [--pretty]
/// handoffkit card --json '{"title":…,"actions":[{"url":…,"title":…},…]}' [--pretty]
/// handoffkit card validate FILE|- [--card-version V] [--target bot|webhook] [--allow-scheme S]… [--pretty]
int cmd_card(const args& a);

/// handoffkit eligibility FILE|- [--representatives CSV] [--format json|table|plan|plan-json] [--ruleset FILE] [--pretty]
/// Exit 0 every cell decided and none unavailable, 3 something unavailable, 4 cells unknown, 1 bad input, 2 usage.
int cmd_eligibility(const args& a);

/// handoffkit serve [--listen HOST:PORT] [--web-root DIR] [--app-id ID] [--openid-config URL|FILE] …
/// Runs until SIGTERM/SIGINT, then finishes in-flight requests and exits 0.
int cmd_serve(const args& a);

}  // namespace handoffkit::cli
