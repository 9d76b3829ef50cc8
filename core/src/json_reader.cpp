#include "json_reader.hpp"

#include <array>
#include <clocale>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "text_checks.hpp"

namespace handoffkit::detail {
namespace {

// Objects with up to this many keys are checked for a repeated key by comparing with each
// earlier one (cheaper than hashing for the small objects the core reads); larger ones use a set.
constexpr std::size_t linear_key_check = 16;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Bytes a string scan must stop at: the closing quote, an escape, a control character (refused),
// and the lead of a multi-byte UTF-8 sequence (validated). Everything else is taken as is.
constexpr std::array<bool, 256> make_string_stops() {
    std::array<bool, 256> stops{};
    for (int c = 0; c < 256; ++c) stops[c] = c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
    return stops;
}
constexpr auto string_stops = make_string_stops();

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// strtod reads the locale's decimal point; JSON's is always '.', so it is swapped in first
// (nlohmann does the same, and the value must be the one it reads).
double to_double(std::string_view digits) {
    char small[64];
    std::string large;
    char* buffer = small;
    if (digits.size() >= sizeof small) {
        large.assign(digits);
        buffer = large.data();
    } else {
        std::memcpy(small, digits.data(), digits.size());
        small[digits.size()] = '\0';
    }
    const char point = *std::localeconv()->decimal_point;
    if (point != '.')
        for (std::size_t i = 0; i < digits.size(); ++i)
            if (buffer[i] == '.') buffer[i] = point;
    return std::strtod(buffer, nullptr);
}

}  // namespace

bool json_number::as_int64(std::int64_t& out) const {
    if (kind == type::integer) return out = integer_value, true;
    if (kind == type::unsigned_integer && unsigned_value <= static_cast<std::uint64_t>(INT64_MAX))
        return out = static_cast<std::int64_t>(unsigned_value), true;
    return false;
}

json_reader::json_reader(std::string_view text, std::size_t max_depth) : text_(text), max_depth_(max_depth) {
    constexpr std::string_view bom = "\xEF\xBB\xBF";
    if (text_.substr(0, bom.size()) == bom) pos_ = bom.size();
}

bool json_reader::fail(json_failure why) {
    if (failure_ == json_failure::none) failure_ = why;
    pos_ = text_.size();  // nothing more is read after a failure
    return false;
}

void json_reader::skip_whitespace() {
    const std::size_t start = pos_;
    while (pos_ < text_.size()) {
        const char c = text_[pos_];
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') break;
        ++pos_;
    }
    whitespace_ += pos_ - start;
}

json_reader::kind json_reader::next() {
    skip_whitespace();
    if (failure_ != json_failure::none || pos_ >= text_.size()) return kind::invalid;
    switch (text_[pos_]) {
        case '{': return kind::object;
        case '[': return kind::array;
        case '"': return kind::string;
        case 't':
        case 'f': return kind::boolean;
        case 'n': return kind::null;
        default: return text_[pos_] == '-' || is_digit(text_[pos_]) ? kind::number : kind::invalid;
    }
}

bool json_reader::enter(char open) {
    if (next() == kind::invalid || text_[pos_] != open) return fail(json_failure::syntax);
    if (levels_.size() >= max_depth_) return fail(json_failure::too_deep);
    ++pos_;
    levels_.push_back(level{open == '{', true, key_spans_.size(), nullptr});
    return true;
}

bool json_reader::leave() {
    const level& top = levels_.back();
    if (top.is_object) {
        const std::size_t first = top.first_key;
        if (first < key_spans_.size()) key_text_.resize(key_spans_[first].first);
        key_spans_.resize(first);
    }
    levels_.pop_back();
    return true;
}

// Before the next member or item: 1 when one follows (its separator consumed), 0 when the
// container closed, -1 on failure.
int json_reader::next_separator(char close) {
    skip_whitespace();
    if (pos_ >= text_.size()) return fail(json_failure::syntax), -1;
    if (text_[pos_] == close) {  // "[1,]" does not get here: after a comma a value must follow
        ++pos_;
        return leave(), 0;
    }
    level& top = levels_.back();
    if (!top.first) {
        if (text_[pos_] != ',') return fail(json_failure::syntax), -1;
        ++pos_;
    }
    top.first = false;
    return 1;
}

int json_reader::next_member(std::string_view& key) {
    const int more = next_separator('}');
    if (more <= 0) return more;
    skip_whitespace();
    if (pos_ >= text_.size() || text_[pos_] != '"') return fail(json_failure::syntax), -1;
    if (!string_into(key, key_buffer_) || !remember_key(key)) return -1;
    skip_whitespace();
    if (pos_ >= text_.size() || text_[pos_] != ':') return fail(json_failure::syntax), -1;
    ++pos_;
    return 1;
}

int json_reader::next_item() { return next_separator(']'); }

bool json_reader::remember_key(std::string_view key) {
    level& top = levels_.back();
    const std::size_t first = top.first_key;
    const std::size_t count = key_spans_.size() - first;
    if (top.many_keys) {
        if (!top.many_keys->emplace(key).second) return fail(json_failure::duplicate_key);
        return true;
    }
    for (std::size_t i = first; i < key_spans_.size(); ++i) {
        const auto [offset, length] = key_spans_[i];
        if (std::string_view(key_text_).substr(offset, length) == key) return fail(json_failure::duplicate_key);
    }
    if (count + 1 > linear_key_check) {
        top.many_keys = std::make_unique<std::unordered_set<std::string>>();
        for (std::size_t i = first; i < key_spans_.size(); ++i)
            top.many_keys->emplace(key_text_, key_spans_[i].first, key_spans_[i].second);
        top.many_keys->emplace(key);
        return true;
    }
    key_spans_.emplace_back(key_text_.size(), key.size());
    key_text_.append(key);
    return true;
}

bool json_reader::string(std::string_view& out) {
    if (next() != kind::string) return fail(json_failure::syntax);
    return string_into(out, string_buffer_);
}

// At an opening quote: reads the string. Without escapes the result is a view of the text;
// with them it is decoded into `buffer`.
bool json_reader::string_into(std::string_view& out, std::string& buffer) {
    const std::size_t start = ++pos_;
    bool decoded = false;
    while (pos_ < text_.size()) {
        // Runs of plain characters first (a decoded string takes them in one append).
        const std::size_t run = pos_;
        while (pos_ < text_.size() && !string_stops[static_cast<unsigned char>(text_[pos_])]) ++pos_;
        if (decoded && pos_ > run) buffer.append(text_.data() + run, pos_ - run);
        if (pos_ >= text_.size()) break;
        const auto c = static_cast<unsigned char>(text_[pos_]);
        if (c == '"') {
            out = decoded ? std::string_view(buffer) : text_.substr(start, pos_ - start);
            ++pos_;
            return true;
        }
        if (c < 0x20) return fail(json_failure::syntax);  // control characters must be escaped
        if (c == '\\') {
            if (!decoded) buffer.assign(text_.data() + start, pos_ - start);
            decoded = true;
            if (!decode_escape(buffer)) return false;
            continue;
        }
        const int length = utf8_sequence(text_, pos_);  // c >= 0x80: the lead of a sequence
        if (length <= 0) return fail(json_failure::not_utf8);
        if (decoded) buffer.append(text_.data() + pos_, static_cast<std::size_t>(length));
        pos_ += static_cast<std::size_t>(length);
    }
    return fail(json_failure::syntax);
}

// At a backslash: appends the escaped character (a surrogate pair as one) to `buffer`.
bool json_reader::decode_escape(std::string& buffer) {
    if (pos_ + 1 >= text_.size()) return fail(json_failure::syntax);
    const char e = text_[pos_ + 1];
    pos_ += 2;
    switch (e) {
        case '"': buffer += '"'; return true;
        case '\\': buffer += '\\'; return true;
        case '/': buffer += '/'; return true;
        case 'b': buffer += '\b'; return true;
        case 'f': buffer += '\f'; return true;
        case 'n': buffer += '\n'; return true;
        case 'r': buffer += '\r'; return true;
        case 't': buffer += '\t'; return true;
        case 'u': break;
        default: return fail(json_failure::syntax);
    }
    const auto hex4 = [&](std::uint32_t& value) {
        if (pos_ + 4 > text_.size()) return false;
        value = 0;
        for (int i = 0; i < 4; ++i) {
            const int digit = hex_value(text_[pos_ + i]);
            if (digit < 0) return false;
            value = value * 16 + static_cast<std::uint32_t>(digit);
        }
        pos_ += 4;
        return true;
    };
    std::uint32_t unit = 0;
    if (!hex4(unit)) return fail(json_failure::syntax);
    if (unit >= 0xDC00 && unit <= 0xDFFF) return fail(json_failure::not_utf8);
    if (unit >= 0xD800 && unit <= 0xDBFF) {
        std::uint32_t low = 0;
        if (pos_ + 2 > text_.size() || text_[pos_] != '\\' || text_[pos_ + 1] != 'u')
            return fail(json_failure::not_utf8);
        pos_ += 2;
        if (!hex4(low)) return fail(json_failure::syntax);
        if (low < 0xDC00 || low > 0xDFFF) return fail(json_failure::not_utf8);
        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(buffer, unit);
    return true;
}

bool json_reader::number(json_number& out) {
    if (next() != kind::number) return fail(json_failure::syntax);
    const std::size_t start = pos_;
    const bool negative = text_[pos_] == '-';
    if (negative) ++pos_;
    const auto digits = [&] {
        const std::size_t from = pos_;
        while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
        return pos_ - from;
    };
    if (pos_ >= text_.size() || !is_digit(text_[pos_])) return fail(json_failure::syntax);
    if (text_[pos_] == '0') ++pos_;  // a leading zero stands alone ("01" ends after the 0)
    else digits();
    const std::size_t integer_end = pos_;
    bool integral = true;
    if (pos_ < text_.size() && text_[pos_] == '.') {
        ++pos_;
        if (digits() == 0) return fail(json_failure::syntax);
        integral = false;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
        ++pos_;
        if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
        if (digits() == 0) return fail(json_failure::syntax);
        integral = false;
    }
    if (integral) {
        std::uint64_t magnitude = 0;
        bool fits = true;
        for (std::size_t i = start + (negative ? 1 : 0); i < integer_end && fits; ++i) {
            const auto digit = static_cast<std::uint64_t>(text_[i] - '0');
            fits = magnitude <= (UINT64_MAX - digit) / 10;
            magnitude = magnitude * 10 + digit;
        }
        if (fits && !negative) {
            out.kind = json_number::type::unsigned_integer;
            out.unsigned_value = magnitude;
            return true;
        }
        if (fits && magnitude <= static_cast<std::uint64_t>(INT64_MAX) + 1) {
            out.kind = json_number::type::integer;
            out.integer_value = magnitude == static_cast<std::uint64_t>(INT64_MAX) + 1
                                    ? INT64_MIN
                                    : -static_cast<std::int64_t>(magnitude);
            return true;
        }
    }
    // Fractions, exponents and integers beyond 64 bits are doubles; one that overflows is refused.
    out.kind = json_number::type::floating;
    out.float_value = to_double(text_.substr(start, pos_ - start));
    if (!std::isfinite(out.float_value)) return fail(json_failure::syntax);
    return true;
}

bool json_reader::literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return fail(json_failure::syntax);
    pos_ += word.size();
    return true;
}

bool json_reader::boolean(bool& out) {
    if (next() != kind::boolean) return fail(json_failure::syntax);
    out = text_[pos_] == 't';
    return literal(out ? "true" : "false");
}

bool json_reader::null() {
    if (next() != kind::null) return fail(json_failure::syntax);
    return literal("null");
}

bool json_reader::skip() {
    bool canonical = true;
    return skip_value(canonical);
}

bool json_reader::raw(std::string_view& out, bool& canonical) {
    skip_whitespace();
    const std::size_t start = pos_;
    const std::size_t whitespace_before = whitespace_;
    canonical = true;
    if (!skip_value(canonical)) return false;
    if (whitespace_ != whitespace_before) canonical = false;
    out = text_.substr(start, pos_ - start);
    return true;
}

// Consumes one value; `canonical` becomes false on what a serializer writes otherwise (besides
// whitespace, which raw() counts): members out of order, an escape, a number that is not a plain
// integer. Strings that had escapes are the ones decoded into a buffer of the reader.
bool json_reader::skip_value(bool& canonical) {
    switch (next()) {
        case kind::object: {
            std::string previous;
            bool first = true;
            return object([&](std::string_view key) {
                if (key.data() == key_buffer_.data()) canonical = false;
                if (!first && key <= std::string_view(previous)) canonical = false;
                if (canonical) previous.assign(key);
                first = false;
                return skip_value(canonical);
            });
        }
        case kind::array: return array([&] { return skip_value(canonical); });
        case kind::string: {
            std::string_view s;
            if (!string(s)) return false;
            if (s.data() == string_buffer_.data()) canonical = false;
            return true;
        }
        case kind::number: {
            json_number n;
            if (!number(n)) return false;
            if (n.kind == json_number::type::floating) canonical = false;
            if (n.kind == json_number::type::integer && n.integer_value == 0) canonical = false;  // "-0"
            return true;
        }
        case kind::boolean: {
            bool b;
            return boolean(b);
        }
        case kind::null: return null();
        case kind::invalid: break;
    }
    return fail(json_failure::syntax);
}

bool json_reader::end() {
    skip_whitespace();
    if (failure_ != json_failure::none) return false;
    return pos_ == text_.size() || fail(json_failure::syntax);
}

json_failure classify_failure(std::string_view text, const json_reader& reader) {
    if (text.size() > max_json_bytes) return json_failure::too_large;
    if (json_nesting_exceeds(text, static_cast<int>(max_json_depth))) return json_failure::too_deep;
    if (reader.failure() == json_failure::duplicate_key) return json_failure::duplicate_key;
    if (!is_valid_utf8(text) || escapes_lone_surrogate(text)) return json_failure::not_utf8;
    return json_failure::syntax;
}

}  // namespace handoffkit::detail
