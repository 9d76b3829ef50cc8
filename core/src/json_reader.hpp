// The core's one JSON lexer: a strict pull reader over JSON text (RFC 8259).
//
// Everything the core reads as JSON passes through it, under one set of rules: values nest at most
// `max_depth` levels (refused on entering the level past it, so nothing recursive ever sees more);
// strings must be UTF-8 and may not escape a lone surrogate (no character); an object may not name
// a key twice (parsers disagree on which one wins, which is how differential attacks on tokens and
// activities work); numbers follow nlohmann/json's reading exactly (non-negative integers unsigned,
// negative ones signed, the rest and any integer too large for 64 bits a double; a double that
// overflows is refused). A leading UTF-8 byte order mark is skipped, as nlohmann does. Unlike
// nlohmann, a NUL byte does not end the text: `{}` NUL `garbage` is not JSON.
//
// Callers that want a document build one from it (parse_json in json_fields.hpp builds json_value.hpp's);
// hot paths (token claims, Bot Framework activities) read the few members they need straight from
// the text and skip the rest, which is where most of their time went when they built a document.
//
// Example, reading {"iss":"a","exp":5} and skipping (but still checking) anything else:
//   json_reader r(text);
//   std::string_view iss; json_number exp;
//   bool ok = r.object([&](std::string_view key) {
//       if (key == "iss") return r.string(iss);   // `iss` stays valid: it points into `text`
//       if (key == "exp") return r.number(exp);   //  or, when it had escapes, see string()
//       return r.skip();
//   }) && r.end();
//   if (!ok) why = classify_failure(text, r);
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace handoffkit::detail {

/// Limits on any JSON text the core accepts: the largest legitimate input (an eligibility
/// environment of 10,000+ representatives) is a few MiB, and nothing the core reads nests deeply.
inline constexpr std::size_t max_json_bytes = 32u << 20;
inline constexpr std::size_t max_json_depth = 64;

/// Why a text was refused, for callers that say more than "not JSON".
enum class json_failure { none, too_large, too_deep, not_utf8, duplicate_key, syntax };

/// A JSON number as nlohmann/json reads it (see the file comment).
struct json_number {
    enum class type { unsigned_integer, integer, floating };
    type kind = type::unsigned_integer;
    std::uint64_t unsigned_value = 0;
    std::int64_t integer_value = 0;
    double float_value = 0;

    /// An integral number that fits in int64_t (1.5, 1e3 and 2^63 do not).
    bool as_int64(std::int64_t& out) const;
};

class json_reader {
public:
    enum class kind { object, array, string, number, boolean, null, invalid };

    explicit json_reader(std::string_view text, std::size_t max_depth = max_json_depth);
    json_reader(const json_reader&) = delete;
    json_reader& operator=(const json_reader&) = delete;

    /// The kind of the next value, from its first character (whitespace skipped); `invalid` when
    /// no value can start there. Reads nothing.
    kind next();

    // Each reader below consumes one value of its kind; false (and failure() set) otherwise.

    /// The decoded string. The view points into the text, or, for a string with escapes, into a
    /// buffer of the reader that the next string read reuses: copy it before reading on.
    bool string(std::string_view& out);
    bool number(json_number& out);
    bool boolean(bool& out);
    bool null();
    /// Consumes any one value, checking it as strictly as reading it would.
    bool skip();
    /// Consumes one value and returns its text exactly as written. `canonical` says whether that
    /// text is already what serializing its document writes (compact, members in sorted order,
    /// strings without escapes, integers only): then callers can pass it on without a document.
    bool raw(std::string_view& out, bool& canonical);

    /// Reads an object: calls on_member(key) for each member, which must consume exactly one
    /// value (skip() for members it does not want) and return false to stop. The key view is
    /// valid until that value is read.
    template <class OnMember>
    bool object(OnMember&& on_member) {
        if (!enter('{')) return false;
        std::string_view key;
        for (;;) {
            const int more = next_member(key);
            if (more <= 0) return more == 0;
            if (!on_member(key)) return false;
        }
    }

    /// Reads an array: calls on_item() for each element, which must consume exactly one value.
    template <class OnItem>
    bool array(OnItem&& on_item) {
        if (!enter('[')) return false;
        for (;;) {
            const int more = next_item();
            if (more <= 0) return more == 0;
            if (!on_item()) return false;
        }
    }

    /// True when nothing but whitespace is left (what a whole document must end with).
    bool end();

    json_failure failure() const { return failure_; }
    /// Marks the text as not JSON (for a caller that met a value it cannot take); returns false.
    bool refuse() { return fail(json_failure::syntax); }

private:
    struct level {
        bool is_object;
        bool first = true;
        std::size_t first_key = 0;  // index into key_spans_ of this object's first key
        std::unique_ptr<std::unordered_set<std::string>> many_keys;  // past a few keys, a set
    };

    bool fail(json_failure why);
    void skip_whitespace();
    bool enter(char open);
    int next_member(std::string_view& key);
    int next_item();
    int next_separator(char close);
    bool leave();
    bool remember_key(std::string_view key);
    bool string_into(std::string_view& out, std::string& buffer);
    bool decode_escape(std::string& buffer);
    bool literal(std::string_view word);
    bool skip_value(bool& canonical);

    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t whitespace_ = 0;  // bytes of whitespace skipped so far (raw() tells canonical text)
    std::size_t max_depth_;
    json_failure failure_ = json_failure::none;
    std::vector<level> levels_;
    std::string key_text_;                                   // keys of the open objects, one after another
    std::vector<std::pair<std::size_t, std::size_t>> key_spans_;  // (offset, length) into key_text_
    std::string string_buffer_;                              // a value string that had escapes
    std::string key_buffer_;                                 // a key that had escapes
};

/// Why `text`, which `reader` refused, is not acceptable JSON, with one precedence whatever the
/// reader met first: too deep anywhere, then a key named twice, then text that is not UTF-8 (or
/// escapes a lone surrogate), then anything else. Runs only on failure.
json_failure classify_failure(std::string_view text, const json_reader& reader);

}  // namespace handoffkit::detail
