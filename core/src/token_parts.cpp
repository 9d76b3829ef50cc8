// Reading a token's parts: base64url segments, then the header and claims with SAX handlers on
// the strict parse (handoffkit/json.hpp), without building a document of either. A token part is
// JSON without a byte order mark: one is refused like any other malformed part.
#include "token_parts.hpp"

#include <cstdint>
#include <optional>

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

// Writes a value's events as dump_json writes its document, while they come in that form: members
// in sorted key order (nlohmann's objects are maps), integers within int64, no floats (dump's
// float layout is its own). Every context handoffkit issues is in that form, so its canonical text
// needs no document; `canonical` turns false otherwise, and the caller serializes a document.
class canonical_writer {
public:
    explicit canonical_writer(std::string& out) : w_(out) {}
    bool canonical = true;

    void begin_object() { w_.begin_object(), open_.push_back({true, false, {}}); }
    void begin_array() { w_.begin_array(), open_.push_back({false, false, {}}); }
    void end_object() { w_.end_object(), open_.pop_back(); }
    void end_array() { w_.end_array(), open_.pop_back(); }
    void key(const std::string& k) {
        container& top = open_.back();
        if (top.has_key && !(top.last_key < k)) canonical = false;
        top.has_key = true;
        top.last_key = k;
        w_.key(k);
    }
    void string(const std::string& s) { w_.string(s); }
    void number(std::int64_t n) { w_.number(n); }
    void number_unsigned(std::uint64_t n) {
        if (n > static_cast<std::uint64_t>(INT64_MAX)) canonical = false;
        else w_.number(static_cast<std::int64_t>(n));
    }
    void number_float() { canonical = false; }
    void boolean(bool b) { w_.boolean(b); }
    void null() { w_.null(); }

private:
    struct container {
        bool object, has_key;
        std::string last_key;
    };
    handoffkit::json_writer w_;
    std::vector<container> open_;
};

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
// ctx is written canonically as it is read (canonical_writer); when it is not in canonical form,
// `ctx_needs_document` is set and read_claims reads the claims again with `document_ctx`, which
// captures ctx as a document to serialize.
class claims_sax : public part_sax {
public:
    claims_sax(token_claims& c, bool document_ctx) : c_(c), document_ctx_(document_ctx) {}
    bool ctx_needs_document = false;

    bool key(string_t& name) override {
        if (depth() == 1) field_ = field_named(name);
        else if (ctx_) ctx_->key(name);
        return json_strict_sax::key(name);
    }

    bool string(string_t& s) override {
        if (depth() == 0) return refuse();
        if (in_audience_list()) {
            c_.aud.value.push_back(s);
            return true;
        }
        if (ctx_) return ctx_->string(s), true;
        if (capturing()) return json_strict_sax::string(s);
        if (depth() == 1) member_string(s);
        return true;
    }
    bool boolean(bool b) override {
        if (ctx_) return ctx_->boolean(b), true;
        if (capturing()) return json_strict_sax::boolean(b);
        if (depth() == 1 && field_ == field::ctx_ref) set_ok(c_.ctx_ref, b);
        else other();
        return inside();
    }
    bool number_unsigned(json::number_unsigned_t n) override {
        if (ctx_) return ctx_->number_unsigned(n), true;
        if (capturing()) return json_strict_sax::number_unsigned(n);
        if (depth() == 1 && time_claim() && n <= static_cast<std::uint64_t>(max_time))
            set_ok(*time_claim(), static_cast<std::int64_t>(n));
        else other();
        return inside();
    }
    // Negative and fractional times, like every other mistyped value, are wrong.
    bool number_integer(json::number_integer_t n) override {
        if (ctx_) return ctx_->number(n), true;
        if (capturing()) return json_strict_sax::number_integer(n);
        return other(), inside();
    }
    bool number_float(json::number_float_t n, const string_t& text) override {
        if (ctx_) return ctx_->number_float(), true;
        if (capturing()) return json_strict_sax::number_float(n, text);
        return other(), inside();
    }
    bool null() override {
        if (ctx_) return ctx_->null(), true;
        if (capturing()) return json_strict_sax::null();
        return other(), inside();
    }

    bool start_object(std::size_t n) override {
        if (ctx_) ctx_->begin_object();
        else if (!capturing() && depth() == 1 && field_ == field::ctx) start_context();
        else other();
        return part_sax::start_object(n);
    }
    bool end_object() override {
        if (!json_strict_sax::end_object()) return false;
        if (ctx_) ctx_->end_object();
        if (depth() == 1 && field_ == field::ctx && !capturing()) end_context();
        return true;
    }
    bool start_array(std::size_t n) override {
        if (ctx_) ctx_->begin_array();
        else if (!capturing() && depth() == 1 && field_ == field::aud) audience_list_ = true;
        else other();
        return part_sax::start_array(n);
    }
    bool end_array() override {
        if (!json_strict_sax::end_array()) return false;
        if (ctx_) ctx_->end_array();
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

    // At ctx's opening brace, and after its closing one.
    void start_context() {
        if (document_ctx_) return capture_next(context_);
        ctx_.emplace(c_.ctx.value);
        ctx_->begin_object();
    }
    void end_context() {
        if (document_ctx_) return set_ok(c_.ctx, handoffkit::dump_json(context_));
        if (ctx_->canonical) c_.ctx.found = claim<std::string>::state::ok;
        else ctx_needs_document = true;
        ctx_.reset();
    }

    token_claims& c_;
    const bool document_ctx_;
    field field_ = field::other;
    bool audience_list_ = false;
    bool audience_strings_ = true;
    std::optional<canonical_writer> ctx_;  // while inside ctx, when streaming it
    json context_;                          // ctx as a document (document_ctx_)
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
    if (token.size() > max_token_length) return fail(token_code::token_too_long, "the token is longer than 1024 characters");
    const auto first = token.find('.');
    const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
        return fail(token_code::malformed, "a token has three parts separated by '.'");
    auto header = base64url::decode(token.substr(0, first));
    auto payload = base64url::decode(token.substr(first + 1, second - first - 1));
    auto signature = base64url::decode(token.substr(second + 1));
    if (!header || !payload || !signature) return fail(token_code::malformed, "a token part is not strict base64url");
    token_header fields;
    header_sax reader(fields);
    if (!read_part(*header, reader)) return fail(token_code::malformed, "the token header is not a JSON object");
    return token_parts{token.substr(0, second), std::move(*header), std::move(*payload), std::move(*signature),
                       std::move(fields)};
}

std::optional<token_claims> read_claims(std::string_view payload) {
    token_claims c;
    claims_sax reader(c, /*document_ctx=*/false);
    if (!read_part(payload, reader)) return std::nullopt;
    if (!reader.ctx_needs_document) return c;
    // A ctx not in canonical form (not written by handoffkit): read again, its document serialized.
    token_claims again;
    claims_sax documents(again, /*document_ctx=*/true);
    if (!read_part(payload, documents)) return std::nullopt;
    return again;
}

bool is_claims_object(std::string_view payload) {
    object_sax reader;
    return read_part(payload, reader);
}

namespace {

// Any JSON object, its canonical text written as it is read (canonical_writer).
class canonical_object_sax : public part_sax {
public:
    explicit canonical_object_sax(std::string& out) : w(out) {}
    canonical_writer w;

    bool key(string_t& name) override { return w.key(name), json_strict_sax::key(name); }
    bool string(string_t& s) override { return w.string(s), inside(); }
    bool boolean(bool b) override { return w.boolean(b), inside(); }
    bool number_integer(json::number_integer_t n) override { return w.number(n), inside(); }
    bool number_unsigned(json::number_unsigned_t n) override { return w.number_unsigned(n), inside(); }
    bool number_float(json::number_float_t, const string_t&) override { return w.number_float(), inside(); }
    bool null() override { return w.null(), inside(); }
    bool start_object(std::size_t n) override { return w.begin_object(), part_sax::start_object(n); }
    bool end_object() override { return w.end_object(), json_strict_sax::end_object(); }
    bool start_array(std::size_t n) override { return w.begin_array(), part_sax::start_array(n); }
    bool end_array() override { return w.end_array(), json_strict_sax::end_array(); }
};

}  // namespace

std::optional<std::string> canonical_object(std::string_view text) {
    std::string written;
    canonical_object_sax reader(written);
    if (handoffkit::parse_json_sax(text, reader) != handoffkit::json_failure::none) return std::nullopt;
    if (reader.w.canonical) return written;
    json object;  // not in canonical form: its document, serialized
    handoffkit::parse_json(text, object);
    return handoffkit::dump_json(object);
}

}  // namespace handoffkit::token::detail
