// Reading a token's parts: base64url segments, then the header and claims straight from their
// JSON text, without building a document (which was most of a verification's time).
#include "token_parts.hpp"

#include "handoffkit/base64url.hpp"
#include "handoffkit/token.hpp"
#include "json_fields.hpp"
#include "json_reader.hpp"

namespace handoffkit::token::detail {
namespace {

using handoffkit::detail::json_number;
using handoffkit::detail::json_reader;
using kind = json_reader::kind;

// Each reader consumes one value: the claim's when it has the expected type, skipped otherwise.
bool read_text(json_reader& r, claim<std::string>& c) {
    if (r.next() != kind::string) return c.found = claim<std::string>::state::wrong, r.skip();
    std::string_view s;
    if (!r.string(s)) return false;
    c.value.assign(s);
    c.found = claim<std::string>::state::ok;
    return true;
}

bool read_time(json_reader& r, claim<std::int64_t>& c) {
    c.found = claim<std::int64_t>::state::wrong;
    if (r.next() != kind::number) return r.skip();
    json_number n;
    if (!r.number(n)) return false;
    if (n.as_int64(c.value) && c.value >= 0 && c.value <= max_time) c.found = claim<std::int64_t>::state::ok;
    return true;
}

bool read_flag(json_reader& r, claim<bool>& c) {
    if (r.next() != kind::boolean) return c.found = claim<bool>::state::wrong, r.skip();
    c.found = claim<bool>::state::ok;
    return r.boolean(c.value);
}

bool read_audience(json_reader& r, claim<std::vector<std::string>>& c) {
    using state = claim<std::vector<std::string>>::state;
    c.found = state::wrong;
    if (r.next() == kind::string) {
        std::string_view s;
        if (!r.string(s)) return false;
        c.value.emplace_back(s);
        c.found = state::ok;
        return true;
    }
    if (r.next() != kind::array) return r.skip();
    bool all_strings = true;
    const bool read = r.array([&] {
        if (r.next() != kind::string) return all_strings = false, r.skip();
        std::string_view s;
        if (!r.string(s)) return false;
        c.value.emplace_back(s);
        return true;
    });
    if (all_strings && !c.value.empty()) c.found = state::ok;
    return read;
}

bool is_jti(std::string_view s) {
    if (s.size() < min_jti_length || s.size() > max_jti_length) return false;
    for (char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    return true;
}

// An object's text as compact JSON with sorted members: as written when it already is (tokens
// handoffkit issued always are), serialized from its document otherwise.
bool read_object_canonically(json_reader& r, claim<std::string>& c) {
    if (r.next() != kind::object) return c.found = claim<std::string>::state::wrong, r.skip();
    std::string_view text;
    bool canonical = false;
    if (!r.raw(text, canonical)) return false;
    c.value = canonical ? std::string(text) : handoffkit::detail::parse_json(text).dump();
    c.found = claim<std::string>::state::ok;
    return true;
}

std::optional<token_header> read_header(std::string_view text) {
    json_reader r(text);
    token_header h;
    const bool ok = r.next() == kind::object && r.object([&](std::string_view key) {
        if (key == "alg") return read_text(r, h.alg);
        if (key == "typ") return read_text(r, h.typ);
        if (key == "kid") return read_text(r, h.kid);
        if (key == "crit") h.has_crit = true;
        return r.skip();
    }) && r.end();
    if (!ok) return std::nullopt;
    return h;
}

}  // namespace

result<token_parts> split(std::string_view token) {
    if (token.size() > max_token_length) return fail("TOKEN_TOO_LONG", "the token is longer than 1024 characters");
    const auto first = token.find('.');
    const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
        return fail("MALFORMED", "a token has three parts separated by '.'");
    auto header = base64url::decode(token.substr(0, first));
    auto payload = base64url::decode(token.substr(first + 1, second - first - 1));
    auto signature = base64url::decode(token.substr(second + 1));
    if (!header || !payload || !signature) return fail("MALFORMED", "a token part is not strict base64url");
    auto fields = read_header(*header);
    if (!fields) return fail("MALFORMED", "the token header is not a JSON object");
    return token_parts{token.substr(0, second), std::move(*header), std::move(*payload), std::move(*signature),
                       std::move(*fields)};
}

std::optional<token_claims> read_claims(std::string_view payload) {
    json_reader r(payload);
    token_claims c;
    const bool ok = r.next() == kind::object && r.object([&](std::string_view key) {
        if (key == "iss") return read_text(r, c.iss);
        if (key == "sub") return read_text(r, c.sub);
        if (key == "jti") {
            if (!read_text(r, c.jti)) return false;
            if (c.jti.ok() && !is_jti(c.jti.value)) c.jti.found = claim<std::string>::state::wrong;
            return true;
        }
        if (key == "aud") return read_audience(r, c.aud);
        if (key == "iat") return read_time(r, c.iat);
        if (key == "exp") return read_time(r, c.exp);
        if (key == "nbf") return read_time(r, c.nbf);
        if (key == "ctx") return read_object_canonically(r, c.ctx);
        if (key == "ctx_ref") return read_flag(r, c.ctx_ref);
        return r.skip();
    }) && r.end();
    if (!ok) return std::nullopt;
    return c;
}

std::optional<std::string> canonical_object(std::string_view text) {
    json_reader r(text);
    claim<std::string> object;
    if (!read_object_canonically(r, object) || !object.ok() || !r.end()) return std::nullopt;
    return std::move(object.value);
}

}  // namespace handoffkit::token::detail
