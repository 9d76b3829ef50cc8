#include "text_checks.hpp"

#include <cctype>
#include <cstddef>
#include <string>

namespace handoffkit::detail {
namespace {

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// ASCII only, on purpose: every needle we look for is ASCII, and locale must not matter.
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lower(c);
    return out;
}

// Reads `n` digits at `pos` into `value`; false when they are not all digits.
bool read_digits(std::string_view s, std::size_t pos, std::size_t n, int& value) {
    if (pos + n > s.size()) return false;
    value = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (!is_digit(s[i])) return false;
        value = value * 10 + (s[i] - '0');
    }
    return true;
}

int days_in_month(int year, int month) {
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

// An `on<letters>=` attribute after a `<`: the classic event-handler injection.
bool has_event_handler_in_tag(const std::string& s) {
    for (std::size_t lt = s.find('<'); lt != std::string::npos; lt = s.find('<', lt + 1)) {
        const std::size_t end = s.find('>', lt);
        const std::string_view tag(s.data() + lt, (end == std::string::npos ? s.size() : end) - lt);
        for (std::size_t i = 1; i + 2 < tag.size(); ++i) {
            const bool boundary = std::isspace(static_cast<unsigned char>(tag[i - 1])) || tag[i - 1] == '/';
            if (!boundary || tag[i] != 'o' || tag[i + 1] != 'n') continue;
            std::size_t j = i + 2;
            while (j < tag.size() && std::isalpha(static_cast<unsigned char>(tag[j]))) ++j;
            while (j < tag.size() && std::isspace(static_cast<unsigned char>(tag[j]))) ++j;
            if (j > i + 2 && j < tag.size() && tag[j] == '=') return true;
        }
    }
    return false;
}

// Browsers drop whitespace and control characters inside a scheme ("java\tscript:"), so the
// matchers below skip them too. Both compare ASCII case-insensitively.
bool is_blank(char c) { return static_cast<unsigned char>(c) <= 0x20; }

// `word` ends right before `end` (blanks skipped).
bool word_before(std::string_view s, std::size_t end, std::string_view word) {
    std::size_t i = end;
    for (std::size_t k = word.size(); k-- > 0;) {
        while (i > 0 && is_blank(s[i - 1])) --i;
        if (i == 0 || lower(s[--i]) != word[k]) return false;
    }
    return true;
}

// `word` starts at `begin` (blanks skipped).
bool word_after(std::string_view s, std::size_t begin, std::string_view word) {
    std::size_t i = begin;
    for (char w : word) {
        while (i < s.size() && is_blank(s[i])) ++i;
        if (i == s.size() || lower(s[i++]) != w) return false;
    }
    return true;
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;  // ASCII run
        if (i == s.size()) break;
        const int length = utf8_sequence(s, i);
        if (length <= 0) return false;
        i += static_cast<std::size_t>(length);
    }
    return true;
}

int utf8_sequence(std::string_view s, std::size_t i) {
    const unsigned char lead = static_cast<unsigned char>(s[i]);
    int length;
    unsigned char low = 0x80, high = 0xBF;  // bounds of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) length = 2;
    else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;   // no overlongs
        if (lead == 0xED) high = 0x9F;  // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;   // no overlongs
        if (lead == 0xF4) high = 0x8F;  // nothing past U+10FFFF
    } else {
        return -1;
    }
    for (int k = 1; k < length; ++k) {
        if (i + static_cast<std::size_t>(k) >= s.size()) return -k;
        const unsigned char next = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
        if (k == 1 ? (next < low || next > high) : (next < 0x80 || next > 0xBF)) return -k;
    }
    return length;
}

bool has_control_char(std::string_view s, bool allow_line_breaks) {
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c != 0x7F) continue;
        if (!(allow_line_breaks && (c == '\t' || c == '\n' || c == '\r'))) return true;
    }
    return false;
}

bool looks_like_script(std::string_view s) {
    // Every pattern hangs on a '<' or a ':', so only those positions are examined, and nothing is
    // copied unless there is a '<' (where an on…= handler must be looked for inside the tag).
    for (std::size_t pos = s.find_first_of("<:"); pos != std::string_view::npos; pos = s.find_first_of("<:", pos + 1)) {
        if (s[pos] == '<' ? word_after(s, pos + 1, "script")
                          : word_before(s, pos, "javascript") || word_before(s, pos, "vbscript") ||
                                (word_before(s, pos, "data") && word_after(s, pos + 1, "text/html")))
            return true;
    }
    return s.find('<') != std::string_view::npos && has_event_handler_in_tag(to_lower(s));
}

bool is_iso8601(std::string_view s) {
    int year = 0, month = 0, day = 0;
    if (!read_digits(s, 0, 4, year) || s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
    if (!read_digits(s, 5, 2, month) || !read_digits(s, 8, 2, day)) return false;
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return false;
    if (s.size() == 10) return true;
    if (s[10] != 'T') return false;
    int hour = 0, minute = 0, second = 0;
    if (!read_digits(s, 11, 2, hour) || s.size() < 16 || s[13] != ':' || !read_digits(s, 14, 2, minute))
        return false;
    if (hour > 23 || minute > 59) return false;
    std::size_t pos = 16;
    if (pos < s.size() && s[pos] == ':') {
        if (!read_digits(s, pos + 1, 2, second) || second > 59) return false;
        pos += 3;
        if (pos < s.size() && s[pos] == '.') {
            const std::size_t start = ++pos;
            while (pos < s.size() && is_digit(s[pos])) ++pos;
            if (pos == start) return false;
        }
    }
    if (pos == s.size()) return true;  // local time
    if (s[pos] == 'Z') return pos + 1 == s.size();
    if (s[pos] != '+' && s[pos] != '-') return false;
    int oh = 0, om = 0;
    return s.size() == pos + 6 && read_digits(s, pos + 1, 2, oh) && s[pos + 3] == ':' &&
           read_digits(s, pos + 4, 2, om) && oh <= 23 && om <= 59;
}

bool is_guid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !is_hex(s[i])) return false;
    }
    return true;
}

bool escapes_lone_surrogate(std::string_view text) {
    auto surrogate_at = [&](std::size_t i, char lo, char hi) {  // "\uDx.." with x in [lo, hi]
        if (i + 6 > text.size() || text[i] != '\\' || text[i + 1] != 'u' || (text[i + 2] | 0x20) != 'd')
            return false;
        const char x = static_cast<char>(text[i + 3] | 0x20);
        return x >= lo && x <= hi;
    };
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '"') {
            in_string = !in_string;
        } else if (in_string && text[i] == '\\') {
            if (surrogate_at(i, '8', 'b')) {
                if (!surrogate_at(i + 6, 'c', 'f')) return true;
                i += 11;
            } else if (surrogate_at(i, 'c', 'f')) {
                return true;
            } else {
                ++i;  // the escaped character, a quote included
            }
        }
    }
    return false;
}

bool json_nesting_exceeds(std::string_view text, int limit) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;  // skip the escaped character, a quote included
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit) return true;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return false;
}

}  // namespace handoffkit::detail
