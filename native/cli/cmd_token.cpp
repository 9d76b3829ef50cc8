#include <iostream>

#include "commands.hpp"
#include "handoffkit/crypto.hpp"
#include "handoffkit/json.hpp"
#include "handoffkit/json_api_token.hpp"
#include "handoffkit/native/stores.hpp"
#include "handoffkit/native/system.hpp"
#include "output.hpp"
#include "store_flags.hpp"

namespace handoffkit::cli {
namespace {

using handoffkit::json;

std::optional<std::int64_t> parse_seconds(const std::string& text) {
    if (text.empty() || text.size() > 16) return std::nullopt;
    std::int64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

// Copies integer option `flag` into `out[field]`; false (after a usage message) when malformed.
bool copy_seconds(const args& a, const char* flag, const char* field, json& out) {
    auto text = a.get(flag);
    if (!text) return true;
    auto value = parse_seconds(*text);
    if (!value) return usage_error(std::string("--") + flag + " takes whole seconds"), false;
    out[field] = *value;
    return true;
}

// --ctx is JSON text, read by the core's strict parse (a key named twice, which nlohmann's own
// parse would settle by keeping the last, is refused); text it refuses is CONTEXT_INVALID.
std::optional<error> context_value(const std::string& text, json& out) {
    if (const auto why = handoffkit::parse_json(text, out); why != handoffkit::json_failure::none)
        return fail(token_code::context_invalid, handoffkit::json_failure_message(why, "--ctx"));
    return std::nullopt;
}

int issue(const args& a, const std::string& keys) {
    auto bot = a.get("bot-id");
    if (!bot) return usage_error("token issue needs --bot-id");
    json request{{"botId", *bot}, {"now", native::unix_now()}};
    if (auto user = a.get("user")) request["user"] = *user;
    if (auto issuer = a.get("issuer")) request["issuer"] = *issuer;
    if (auto ctx = a.get("ctx")) {
        if (auto e = context_value(*ctx, request["ctx"])) return print_error(*e);
    }
    if (!copy_seconds(a, "ttl", "ttl", request) || !copy_seconds(a, "now", "now", request)) return exit_usage;
    if (auto random = a.get("random")) {
        request["random"] = *random;
    } else {
        auto bytes = native::random_bytes(token::min_random_bytes);
        if (!bytes) return print_error(bytes.err());
        request["random"] = crypto::to_hex(*bytes);
    }
    if (!a.has("reference")) return print_envelope(json_api::issue_token(handoffkit::dump_json(request), keys));
    request["reference"] = true;
    auto spec = a.get("store");
    if (!spec) return usage_error("token issue --reference needs --store");
    auto store = open_store_with_flags(a, *spec);
    if (!store) return print_error(store.err());
    return print_envelope(json_api::issue_token_stored(handoffkit::dump_json(request), keys, **store));
}

int verify(const args& a, const std::string& keys) {
    if (a.positional.size() != 2) return usage_error("token verify takes exactly one TOKEN");
    auto bot = a.get("bot-id");
    if (!bot) return usage_error("token verify needs --bot-id");
    json options{{"botId", *bot}, {"now", native::unix_now()}};
    if (auto user = a.get("user")) options["user"] = *user;
    if (auto issuer = a.get("issuer")) options["issuer"] = *issuer;
    if (!copy_seconds(a, "now", "now", options) || !copy_seconds(a, "leeway", "leeway", options) ||
        !copy_seconds(a, "max-lifetime", "maxLifetime", options))
        return exit_usage;
    const std::string& token = a.positional[1];
    if (!a.has("redeem")) return print_envelope(json_api::verify_token(token, keys, handoffkit::dump_json(options)), a.has("pretty"));
    auto spec = a.get("store");
    if (!spec) return usage_error("token verify --redeem needs --store sqlite:PATH|redis://HOST:PORT|rediss://HOST:PORT|memory:");
    auto store = open_store_with_flags(a, *spec);
    if (!store) return print_error(store.err());
    return print_envelope(json_api::redeem_token(token, keys, handoffkit::dump_json(options), **store), a.has("pretty"));
}

}  // namespace

const command_spec& token_spec() {
    static const command_spec spec{"token", {"issue", "verify", "inspect"}, {
        {"keys", flag_kind::value, {"issue", "verify"}},
        {"bot-id", flag_kind::value, {"issue", "verify"}},
        {"user", flag_kind::value, {"issue", "verify"}},
        {"issuer", flag_kind::value, {"issue", "verify"}},
        {"now", flag_kind::value, {"issue", "verify"}},
        {"store", flag_kind::value, {"issue", "verify"}},
        {"redis-password-file", flag_kind::value, {"issue", "verify"}},
        {"redis-ca-file", flag_kind::value, {"issue", "verify"}},
        {"redis-cert-file", flag_kind::value, {"issue", "verify"}},
        {"redis-key-file", flag_kind::value, {"issue", "verify"}},
        {"ttl", flag_kind::value, {"issue"}},
        {"ctx", flag_kind::value, {"issue"}},
        {"random", flag_kind::value, {"issue"}},
        {"reference", flag_kind::boolean, {"issue"}},
        {"leeway", flag_kind::value, {"verify"}},
        {"max-lifetime", flag_kind::value, {"verify"}},
        {"redeem", flag_kind::boolean, {"verify"}},
        {"pretty", flag_kind::boolean, {"verify", "inspect"}},
    }};
    return spec;
}

int cmd_token(const args& a) {
    const std::string sub = a.positional.empty() ? "" : a.positional[0];
    if (sub == "inspect") {
        if (a.positional.size() != 2) return usage_error("token inspect takes exactly one TOKEN");
        return print_envelope(json_api::inspect_token(a.positional[1]), a.has("pretty"));
    }
    if (sub != "issue" && sub != "verify") return usage_error("token takes issue, verify or inspect");
    auto path = a.get("keys");
    if (!path) return usage_error("token " + sub + " needs --keys FILE (a JWK Set)");
    auto keys = native::read_key_file(*path);
    if (!keys) return print_error(keys.err());
    return sub == "issue" ? issue(a, *keys) : verify(a, *keys);
}

}  // namespace handoffkit::cli
