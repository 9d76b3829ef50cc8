// Reading a token's parts: base64url segments, then the header and claims with SAX handlers on
// the strict parse (handoffkit/json.hpp), without building a document of either. A token part is
// JSON without a byte order mark: one is refused like any other malformed part.
#include "token_parts.hpp"

#include "handoffkit/base64url.hpp"
#include "handoffkit/json.hpp"
#include "handoffkit/token.hpp"

namespace handoffkit::token::detail {
namespace {

using handoffkit::json;
using handoffkit::json_strict_sax;

template <class T>
void set_wrong(claim<T>& c) {
    c.found = claim<T>::state::wrong;
}

template <class T, class V>
void set_ok(claim<T>& c, V&& value) {
    c.value = std::forward<V>(value);
    c.found = claim<T>::state::ok;
}

bool is_jti(std::string_view s) {
    if (s.size() < min_jti_length || s.size() > max_jti_length) return false;
    for (char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    return true;
}

// The top-level object of a token part: the root must be an object (anything else stops the
// parse at once, since the part is then malformed whatever follows).
class part_sax : public json_strict_sax {
public:
    bool start_array(std::size_t n) override { return depth() > 0 ? json_strict_sax::start_array(n) : refuse(); }

protected:
    // For each scalar event: true inside the object, a refusal for a scalar root.
    bool inside() { return depth() > 0 || refuse(); }
};

// alg, typ and kid as strings (any other type is wrong), and whether crit is named at all.
class header_sax : public part_sax {
public:
    explicit header_sax(token_header& h) : h_(h) {}

    bool key(string_t& name) override {
        if (depth() == 1) {
            field_ = name == "alg" ? &h_.alg : name == "typ" ? &h_.typ : name == "kid" ? &h_.kid : nullptr;
            if (name == "crit") h_.has_crit = true;
        }
        return json_strict_sax::key(name);
    }
    bool string(string_t& s) override {
        if (depth() == 1 && field_) set_ok(*field_, s);
        return inside();
    }
    bool null() override { return other(), inside(); }
    bool boolean(bool) override { return other(), inside(); }
    bool number_integer(json::number_integer_t) override { return other(), inside(); }
    bool number_unsigned(json::number_unsigned_t) override { return other(), inside(); }
    bool number_float(json::number_float_t, const string_t&) override { return other(), inside(); }
    bool start_object(std::size_t n) override { return other(), part_sax::start_object(n); }
    bool start_array(std::size_t n) override { return other(), part_sax::start_array(n); }

private:
    // A value of another type than the member's: wrong for alg/typ/kid.
    void other() {
        if (depth() == 1 && field_) set_wrong(*field_);
    }

    token_header& h_;
    claim<std::string>* field_ = nullptr;
};

// The registered claims, typed; other members are parsed (under the strict rules) and ignored.
class claims_sax : public part_sax {
public:
    explicit claims_sax(token_claims& c) : c_(c) {}

    bool key(string_t& name) override {
        if (depth() == 1) field_ = field_named(name);
        return json_strict_sax::key(name);
    }

    bool string(string_t& s) override {
        if (depth() == 0) return refuse();
        if (in_audience_list()) {
            c_.aud.value.push_back(s);
            return true;
        }
        if (capturing()) return json_strict_sax::string(s);
        if (depth() == 1) member_string(s);
        return true;
    }
    bool boolean(bool b) override {
        if (capturing()) return json_strict_sax::boolean(b);
        if (depth() == 1 && field_ == field::ctx_ref) set_ok(c_.ctx_ref, b);
        else other();
        return inside();
    }
    bool number_unsigned(json::number_unsigned_t n) override {
        if (capturing()) return json_strict_sax::number_unsigned(n);
        if (depth() == 1 && time_claim() && n <= static_cast<std::uint64_t>(max_time))
            set_ok(*time_claim(), static_cast<std::int64_t>(n));
        else other();
        return inside();
    }
    // Negative and fractional times, like every other mistyped value, are wrong.
    bool number_integer(json::number_integer_t n) override {
        if (capturing()) return json_strict_sax::number_integer(n);
        return other(), inside();
    }
    bool number_float(json::number_float_t n, const string_t& text) override {
        if (capturing()) return json_strict_sax::number_float(n, text);
        return other(), inside();
    }
    bool null() override {
        if (capturing()) return json_strict_sax::null();
        return other(), inside();
    }

    bool start_object(std::size_t n) override {
        if (!capturing() && depth() == 1 && field_ == field::ctx) capture_next(context_);
        else other();
        return part_sax::start_object(n);
    }
    bool end_object() override {
        if (!json_strict_sax::end_object()) return false;
        if (depth() == 1 && field_ == field::ctx && !capturing()) set_ok(c_.ctx, handoffkit::dump_json(context_));
        return true;
    }
    bool start_array(std::size_t n) override {
        if (!capturing() && depth() == 1 && field_ == field::aud) audience_list_ = true;
        else other();
        return part_sax::start_array(n);
    }
    bool end_array() override {
        if (!json_strict_sax::end_array()) return false;
        if (depth() == 1 && audience_list_) {
            audience_list_ = false;
            if (audience_strings_ && !c_.aud.value.empty()) c_.aud.found = claim<std::vector<std::string>>::state::ok;
            else set_wrong(c_.aud);
        }
        return true;
    }

private:
    enum class field { other, iss, sub, jti, aud, iat, exp, nbf, ctx, ctx_ref };

    static field field_named(std::string_view k) {
        if (k == "iss") return field::iss;
        if (k == "sub") return field::sub;
        if (k == "jti") return field::jti;
        if (k == "aud") return field::aud;
        if (k == "iat") return field::iat;
        if (k == "exp") return field::exp;
        if (k == "nbf") return field::nbf;
        if (k == "ctx") return field::ctx;
        if (k == "ctx_ref") return field::ctx_ref;
        return field::other;
    }

    claim<std::int64_t>* time_claim() {
        return field_ == field::iat ? &c_.iat : field_ == field::exp ? &c_.exp : field_ == field::nbf ? &c_.nbf : nullptr;
    }

    bool in_audience_list() const { return audience_list_ && depth() == 2; }

    void member_string(string_t& s) {
        switch (field_) {
            case field::iss: return set_ok(c_.iss, s);
            case field::sub: return set_ok(c_.sub, s);
            case field::jti: return is_jti(s) ? set_ok(c_.jti, s) : set_wrong(c_.jti);
            case field::aud: return c_.aud.value.assign(1, s), c_.aud.found = claim<std::vector<std::string>>::state::ok, void();
            default: return other();
        }
    }

    // Any value of another type than its claim's, at the top level or inside the audience list.
    void other() {
        if (in_audience_list()) {
            audience_strings_ = false;
            return;
        }
        if (depth() != 1) return;
        switch (field_) {
            case field::iss: return set_wrong(c_.iss);
            case field::sub: return set_wrong(c_.sub);
            case field::jti: return set_wrong(c_.jti);
            case field::aud: return set_wrong(c_.aud);
            case field::iat: return set_wrong(c_.iat);
            case field::exp: return set_wrong(c_.exp);
            case field::nbf: return set_wrong(c_.nbf);
            case field::ctx: return set_wrong(c_.ctx);
            case field::ctx_ref: return set_wrong(c_.ctx_ref);
            case field::other: return;
        }
    }

    token_claims& c_;
    field field_ = field::other;
    bool audience_list_ = false;
    bool audience_strings_ = true;
    json context_;
};

// Any JSON object, checked under the strict rules and otherwise ignored.
class object_sax : public part_sax {
public:
    bool string(string_t&) override { return inside(); }
    bool boolean(bool) override { return inside(); }
    bool number_integer(json::number_integer_t) override { return inside(); }
    bool number_unsigned(json::number_unsigned_t) override { return inside(); }
    bool number_float(json::number_float_t, const string_t&) override { return inside(); }
    bool null() override { return inside(); }
};

template <class Handler>
bool read_part(std::string_view text, Handler& handler) {
    return handoffkit::parse_json_sax(text, handler, handoffkit::json_bom::refuse) == handoffkit::json_failure::none;
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
    token_header fields;
    header_sax reader(fields);
    if (!read_part(*header, reader)) return fail("MALFORMED", "the token header is not a JSON object");
    return token_parts{token.substr(0, second), std::move(*header), std::move(*payload), std::move(*signature),
                       std::move(fields)};
}

std::optional<token_claims> read_claims(std::string_view payload) {
    token_claims c;
    claims_sax reader(c);
    if (!read_part(payload, reader)) return std::nullopt;
    return c;
}

bool is_claims_object(std::string_view payload) {
    object_sax reader;
    return read_part(payload, reader);
}

std::optional<std::string> canonical_object(std::string_view text) {
    json object;
    if (handoffkit::parse_json(text, object) != handoffkit::json_failure::none || !object.is_object()) return std::nullopt;
    return handoffkit::dump_json(object);
}

}  // namespace handoffkit::token::detail
