#include "json_value.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "text_checks.hpp"

namespace handoffkit::detail {

json::json(value_t type) : type_(type) {
    switch (type) {
        case value_t::string: v_.string = new std::string(); break;
        case value_t::array: v_.array = new array_t(); break;
        case value_t::object: v_.object = new object_t(); break;
        default: break;
    }
}

json::json(std::string s) : type_(value_t::string) { v_.string = new std::string(std::move(s)); }
json::json(array_t a) : type_(value_t::array) { v_.array = new array_t(std::move(a)); }
json::json(object_t o) : type_(value_t::object) { v_.object = new object_t(std::move(o)); }

namespace {

// nlohmann's rule, kept because the core's code is written to it: a list of [string, value]
// pairs is an object; any other list is an array.
bool all_pairs(std::initializer_list<json_ref> init) {
    for (const json_ref& ref : init) {
        const json& item = ref.peek();
        if (!item.is_array() || item.size() != 2 || !item[std::size_t{0}].is_string()) return false;
    }
    return true;
}

}  // namespace

json::json(std::initializer_list<json_ref> init) {
    if (init.size() > 0 && all_pairs(init)) {
        type_ = value_t::object;
        v_.object = new object_t();
        for (const json_ref& ref : init) {
            json pair = ref.take();
            auto& key = pair[std::size_t{0}].get_ref<std::string&>();
            v_.object->insert_or_assign(std::move(key), std::move(pair[std::size_t{1}]));
        }
        return;
    }
    type_ = value_t::array;
    v_.array = new array_t();
    v_.array->reserve(init.size());
    for (const json_ref& ref : init) v_.array->push_back(ref.take());
}

json::json(const json& other) : type_(other.type_) {
    switch (type_) {
        case value_t::string: v_.string = new std::string(*other.v_.string); break;
        case value_t::array: v_.array = new array_t(*other.v_.array); break;
        case value_t::object: v_.object = new object_t(*other.v_.object); break;
        default: v_ = other.v_; break;
    }
}

void json::destroy() noexcept {
    switch (type_) {
        case value_t::string: delete v_.string; break;
        case value_t::array: delete v_.array; break;
        case value_t::object: delete v_.object; break;
        default: break;
    }
    type_ = value_t::null;
}

json::object_t& json::as_object() {
    if (is_null()) *this = object();
    return *v_.object;
}

json& json::operator[](std::string_view key) {
    object_t& members = as_object();
    auto it = members.find(key);
    if (it == members.end()) it = members.emplace(std::string(key), json()).first;
    return it->second;
}

const json& json::operator[](std::string_view key) const {
    static const json absent;
    if (!is_object()) return absent;
    auto it = v_.object->find(key);
    return it == v_.object->end() ? absent : it->second;
}

json::iterator json::find(std::string_view key) {
    return is_object() ? iterator(v_.object->find(key)) : end();
}

json::const_iterator json::find(std::string_view key) const {
    return is_object() ? const_iterator(v_.object->find(key)) : end();
}

bool json::contains(std::string_view key) const { return is_object() && v_.object->find(key) != v_.object->end(); }

void json::update(const json& other) {
    if (!other.is_object()) return;
    object_t& members = as_object();
    for (const auto& [key, value] : *other.v_.object) members.insert_or_assign(key, value);
}

void json::push_back(json item) {
    if (is_null()) *this = array();
    v_.array->push_back(std::move(item));
}

std::size_t json::size() const noexcept {
    switch (type_) {
        case value_t::null: return 0;
        case value_t::array: return v_.array->size();
        case value_t::object: return v_.object->size();
        default: return 1;
    }
}

// Iterators over null and scalars are an empty range: an empty array's iterators stand in.
namespace {
json::array_t& no_items() {
    static json::array_t none;
    return none;
}
}  // namespace

json::iterator json::begin() {
    if (is_object()) return iterator(v_.object->begin());
    return iterator(is_array() ? v_.array->begin() : no_items().begin());
}
json::iterator json::end() {
    if (is_object()) return iterator(v_.object->end());
    return iterator(is_array() ? v_.array->end() : no_items().end());
}
json::const_iterator json::begin() const {
    if (is_object()) return const_iterator(v_.object->cbegin());
    return const_iterator(is_array() ? v_.array->cbegin() : no_items().cbegin());
}
json::const_iterator json::end() const {
    if (is_object()) return const_iterator(v_.object->cend());
    return const_iterator(is_array() ? v_.array->cend() : no_items().cend());
}

bool operator==(const json& a, const json& b) {
    using t = json::value_t;
    if (a.is_number() && b.is_number() && a.type_ != b.type_) {
        // As nlohmann compares: across integer kinds by value, with floats as doubles.
        if (a.is_number_float() || b.is_number_float()) return a.get<double>() == b.get<double>();
        if (a.type_ == t::number_integer) return a.v_.integer >= 0 && std::uint64_t(a.v_.integer) == b.v_.unsigned_integer;
        return b.v_.integer >= 0 && std::uint64_t(b.v_.integer) == a.v_.unsigned_integer;
    }
    if (a.type_ != b.type_) return false;
    switch (a.type_) {
        case t::boolean: return a.v_.boolean == b.v_.boolean;
        case t::number_integer: return a.v_.integer == b.v_.integer;
        case t::number_unsigned: return a.v_.unsigned_integer == b.v_.unsigned_integer;
        case t::number_float: return a.v_.floating == b.v_.floating;
        case t::string: return *a.v_.string == *b.v_.string;
        case t::array: return *a.v_.array == *b.v_.array;
        case t::object: return *a.v_.object == *b.v_.object;
        case t::null: return true;
        case t::discarded: return false;
    }
    return false;
}

// ---- Writing ----

namespace {

bool is_plain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

void append_escape(std::string& out, unsigned char c) {
    switch (c) {
        case '"': out += "\\\""; return;
        case '\\': out += "\\\\"; return;
        case '\b': out += "\\b"; return;
        case '\f': out += "\\f"; return;
        case '\n': out += "\\n"; return;
        case '\r': out += "\\r"; return;
        case '\t': out += "\\t"; return;
        default: {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
}

// Shortest decimal digits that read back as `x` (x finite, > 0), and the exponent of the first.
// Floats are rare in the core's documents (a context echoed back), so plain printf suffices.
void shortest_digits(double x, std::string& digits, int& exponent) {
    char buffer[40];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buffer, sizeof buffer, "%.*e", precision - 1, x);
        if (std::strtod(buffer, nullptr) == x || precision == 17) break;
    }
    // buffer is d[.ddd]e±XX
    const char* e = std::strchr(buffer, 'e');
    digits.assign(1, buffer[0]);
    if (buffer[1] == '.') digits.append(buffer + 2, static_cast<std::size_t>(e - (buffer + 2)));
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    exponent = std::atoi(e + 1);
}

// The layout nlohmann writes floats in: 1.0, 0.001, 123.45, 1e-05, 1.5e+20.
void append_float(std::string& out, double x) {
    if (!std::isfinite(x)) {
        out += "null";
        return;
    }
    if (std::signbit(x)) out += '-';
    x = std::fabs(x);
    if (x == 0) {
        out += "0.0";
        return;
    }
    std::string digits;
    int exponent;
    shortest_digits(x, digits, exponent);
    const int k = static_cast<int>(digits.size());
    const int n = exponent + 1;  // where the decimal point goes, counted from the first digit
    if (k <= n && n <= 15) {
        out += digits;
        out.append(std::size_t(n - k), '0');
        out += ".0";
    } else if (0 < n && n <= 15) {
        out.append(digits, 0, std::size_t(n));
        out += '.';
        out.append(digits, std::size_t(n));
    } else if (-4 < n && n <= 0) {
        out += "0.";
        out.append(std::size_t(-n), '0');
        out += digits;
    } else {
        out += digits[0];
        if (k > 1) {
            out += '.';
            out.append(digits, 1);
        }
        const int e = n - 1;
        out += e < 0 ? "e-" : "e+";
        const int magnitude = e < 0 ? -e : e;
        if (magnitude < 10) out += '0';
        out += std::to_string(magnitude);
    }
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        // A run of printable ASCII needing no escape is copied as is (ids, links, most text).
        std::size_t plain = i;
        while (plain < s.size() && is_plain(static_cast<unsigned char>(s[plain]))) ++plain;
        out.append(s, i, plain - i);
        if ((i = plain) == s.size()) break;
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == '"' || c == '\\') {
            append_escape(out, c);
            ++i;
            continue;
        }
        const int length = utf8_sequence(s, i);  // c >= 0x80 here
        if (length > 0) {
            out.append(s, i, std::size_t(length));
            i += std::size_t(length);
        } else {
            out += "\xEF\xBF\xBD";  // U+FFFD for the ill-formed part, then go on after it
            i += std::size_t(-length);
        }
    }
    out += '"';
}

void json::dump_to(std::string& out) const {
    switch (type_) {
        case value_t::null:
        case value_t::discarded: out += "null"; return;
        case value_t::boolean: out += v_.boolean ? "true" : "false"; return;
        case value_t::number_integer: out += std::to_string(v_.integer); return;
        case value_t::number_unsigned: out += std::to_string(v_.unsigned_integer); return;
        case value_t::number_float: append_float(out, v_.floating); return;
        case value_t::string: append_json_string(out, *v_.string); return;
        case value_t::array: {
            out += '[';
            bool first = true;
            for (const json& item : *v_.array) {
                if (!first) out += ',';
                first = false;
                item.dump_to(out);
            }
            out += ']';
            return;
        }
        case value_t::object: {
            out += '{';
            bool first = true;
            for (const auto& [key, value] : *v_.object) {
                if (!first) out += ',';
                first = false;
                append_json_string(out, key);
                out += ':';
                value.dump_to(out);
            }
            out += '}';
            return;
        }
    }
}

std::string json::dump() const {
    std::string out;
    dump_to(out);
    return out;
}

}  // namespace handoffkit::detail
