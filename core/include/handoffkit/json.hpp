// handoffkit/json.hpp: how handoffkit reads and writes JSON, on nlohmann/json.
//
// Documents are `nlohmann::json` (objects ordered by key, so what is written is canonical and
// deterministic). Every JSON text handoffkit accepts, in the core and in native code alike, is
// read by one strict parse under one set of rules, built on `nlohmann::json::sax_parse`:
//   - at most max_json_bytes (32 MiB), checked before anything is read;
//   - at most max_json_depth (64) levels of nesting, refused on entering the 65th;
//   - an object may not name a key twice (parsers disagree on which one wins, which is how
//     differential attacks on tokens and activities work), escapes compared decoded;
//   - text that is not UTF-8, or escapes a lone surrogate, is refused;
//   - a NUL byte is refused wherever it stands (nlohmann's lexer takes one for the end of the
//     input, so it would accept `{}` NUL `garbage`): the text is checked for one;
//   - numbers keep nlohmann's kinds (non-negative integers unsigned, negative ones signed, the rest
//     and any integer beyond 64 bits a double); one beyond the range of a double is refused;
//   - a leading UTF-8 byte order mark is skipped, unless the caller refuses it (json_bom::refuse:
//     token parts are JSON without one).
// An escaped `\u0000` inside a string is JSON and passes; each area refuses it where a NUL has no
// place, with its own code (tests/vectors/bad-inputs.json pins those codes).
//
// Why a text was refused has one precedence, whatever the parser met first: too large; too deep
// anywhere; a key named twice (before the parser stopped); not UTF-8 or a lone surrogate escaped;
// anything else (syntax). nlohmann's error text is never passed on: it quotes input bytes.
//
// Reading a whole document:
//   handoffkit::json doc;
//   if (handoffkit::parse_json(text, doc) != handoffkit::json_failure::none) ...;
// Reading a few members without a document (hot paths): derive a handler from json_strict_sax,
// override the events you want (calling the base's from them), and run parse_json_sax:
//   struct iss_reader : handoffkit::json_strict_sax {
//       std::string iss; bool is_iss = false;
//       bool key(string_t& k) override { if (depth() == 1) is_iss = k == "iss"; return json_strict_sax::key(k); }
//       bool string(string_t& s) override { if (depth() == 1 && is_iss) iss = s; return json_strict_sax::string(s); }
//   };
//   iss_reader r;
//   auto why = handoffkit::parse_json_sax(text, r);
// Writing: json_writer (members and items in the order given) or dump_json (a document).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "handoffkit/codes.hpp"

namespace handoffkit {

using json = nlohmann::json;

/// A code in a document is its string: json{{"code", e.code}} writes {"code":"EXPIRED"}, and so
/// does json{{"code", token_code::expired}} (codes.hpp's to_json, not nlohmann's number for an enum).
inline void to_json(json& out, const code& c) { out = std::string(c.name()); }

/// Limits on any JSON text handoffkit accepts: the largest legitimate input (an eligibility
/// environment of 10,000+ representatives) is a few MiB, and nothing it reads nests deeply.
inline constexpr std::size_t max_json_bytes = 32u << 20;
inline constexpr std::size_t max_json_depth = 64;

/// Why a text was refused, in the precedence order of the file comment.
enum class json_failure { none, too_large, too_deep, duplicate_key, not_utf8, syntax };

/// What a leading UTF-8 byte order mark means: skipped (most inputs), or refused (token parts).
enum class json_bom { skip, refuse };

/// "the card is not valid JSON" and the like, naming `what` and the reason (never the input).
std::string json_failure_message(json_failure why, std::string_view what);

/// The strict rules as a SAX handler of nlohmann's interface: depth, a key named twice in one
/// object, parse errors (their text dropped). Every event is accepted and forgotten unless the
/// handler is capturing (capture_next), when it builds that value as a document. Handlers that
/// read fields derive from it, override the events they use and call the base's from theirs
/// (the events are virtual so that nlohmann's parser is instantiated once, for this class).
class json_strict_sax {
public:
    using string_t = json::string_t;

    json_strict_sax();
    json_strict_sax(const json_strict_sax&) = delete;
    json_strict_sax& operator=(const json_strict_sax&) = delete;
    virtual ~json_strict_sax() = default;

    virtual bool null();
    virtual bool boolean(bool value);
    virtual bool number_integer(json::number_integer_t value);
    virtual bool number_unsigned(json::number_unsigned_t value);
    virtual bool number_float(json::number_float_t value, const string_t& text);
    virtual bool string(string_t& value);
    virtual bool start_object(std::size_t elements);
    virtual bool key(string_t& name);
    virtual bool end_object();
    virtual bool start_array(std::size_t elements);
    virtual bool end_array();
    // Never emitted for JSON text: refused. Parse errors: refused, nlohmann's text dropped.
    bool binary(json::binary_t& value);
    bool parse_error(std::size_t position, const std::string& last_token, const nlohmann::detail::exception& e);

    /// Open arrays and objects: 0 before the first value, 1 inside the outermost container.
    std::size_t depth() const { return levels_.size(); }
    /// The rule the handler saw broken (too_deep, duplicate_key), syntax after a parse error or a
    /// refusal, none otherwise. parse_json_sax turns it into the reason with the precedence.
    json_failure failure() const { return failure_; }

    /// Builds the next value (a scalar, or a container with everything inside it) into `target`.
    void capture_next(json& target) { capture_target_ = &target; }
    /// True while a captured value is being built (its events go to the document).
    bool capturing() const { return capture_target_ != nullptr || !open_.empty(); }

protected:
    /// Stops the parse: the text holds a value this handler cannot take. Returns false.
    bool refuse(json_failure why = json_failure::syntax);

private:
    struct level {
        std::size_t first_key;                                   // index into key_spans_
        std::unique_ptr<std::unordered_set<std::string>> many;   // past a few keys, a set
    };

    bool enter();
    bool leave();
    bool unique_key(std::string_view name);
    bool place(json&& value, bool opens);

    json_failure failure_ = json_failure::none;
    std::vector<level> levels_;
    // Keys of the open objects not being captured, one after another (a flat buffer: no
    // allocation per key), and a set for objects with many keys.
    std::string key_text_;
    std::vector<std::pair<std::size_t, std::size_t>> key_spans_;
    // Capture: where the next value goes, the open containers of the captured value, and the
    // member slot of the innermost open object (set by its key, which the document checks).
    json* capture_target_ = nullptr;
    std::vector<json*> open_;
    json* slot_ = nullptr;
};

namespace json_detail {
/// A UTF-8 byte order mark at the start of `text` (what json_bom::refuse refuses).
bool starts_with_bom(std::string_view text);
}  // namespace json_detail

/// Runs `handler` (a json_strict_sax, or a handler derived from it) over `text` under the strict
/// rules. Returns none when the text is acceptable JSON and the handler took every event, else
/// why not, with the precedence of the file comment.
json_failure parse_json_sax(std::string_view text, json_strict_sax& handler, json_bom bom = json_bom::skip);

/// The strict parse into a document. On failure `out` is unspecified (a partial document).
json_failure parse_json(std::string_view text, json& out, json_bom bom = json_bom::skip);

/// `value` as compact JSON, byte for byte what nlohmann's dump writes with its `replace` handler
/// (ill-formed UTF-8 in strings becomes U+FFFD instead of a throw).
std::string dump_json(const json& value);

/// Writes JSON text into `out`, value by value, in the order called: objects' members as given (in
/// sorted key order the text is what dump_json writes for the same document, i.e. canonical),
/// strings escaped as nlohmann escapes them (plain text is copied; anything else, and floats, are
/// written by nlohmann's serializer). The one place JSON text is assembled by hand; dump_json is
/// value() of a document. The caller pairs every begin with its end.
///   json_writer w(out);
///   w.begin_object().key("aud").string(bot).key("exp").number(exp).end_object();
class json_writer {
public:
    explicit json_writer(std::string& out) : out_(out) {}

    json_writer& begin_object() { return open('{'); }
    json_writer& end_object() { return close('}'); }
    json_writer& begin_array() { return open('['); }
    json_writer& end_array() { return close(']'); }
    json_writer& key(std::string_view name);
    json_writer& string(std::string_view value);
    json_writer& number(std::int64_t value);
    json_writer& boolean(bool value);
    json_writer& null();
    /// A document, as dump_json writes it.
    json_writer& value(const json& document);
    /// JSON text as it is: only text the strict parser accepted (and so valid, without a BOM)
    /// or that dump_json or a json_writer wrote.
    json_writer& raw(std::string_view json_text);

private:
    json_writer& open(char bracket);
    json_writer& close(char bracket);
    void separate();
    void escaped(std::string_view s);

    std::string& out_;
    bool need_comma_ = false;  // a value was written in the open container (or at the top)
    bool after_key_ = false;
};

}  // namespace handoffkit
