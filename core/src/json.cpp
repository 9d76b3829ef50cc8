// The strict parse and the writer of handoffkit/json.hpp.
#include "handoffkit/json.hpp"

#include <cstring>

#include "text_checks.hpp"

namespace handoffkit {
namespace {

// Objects with up to this many keys are checked for a repeated key by comparing with each
// earlier one (cheaper than hashing for the small objects hot paths read); larger ones use a set.
constexpr std::size_t linear_key_check = 16;

}  // namespace

std::string json_failure_message(json_failure why, std::string_view what) {
    const std::string subject(what);
    switch (why) {
        case json_failure::too_large: return subject + " is over " + std::to_string(max_json_bytes >> 20) + " MiB";
        case json_failure::too_deep:
            return subject + " nests deeper than " + std::to_string(max_json_depth) + " levels";
        case json_failure::not_utf8: return subject + " is not UTF-8 (or escapes a lone surrogate)";
        case json_failure::duplicate_key: return subject + " names a key twice in one object";
        case json_failure::none:
        case json_failure::syntax: break;
    }
    return subject + " is not valid JSON";
}

// ---- the strict handler ----

// Room for what the small texts of hot paths hold (a token part: a few levels, a dozen keys), so
// that reading one does not grow these piece by piece.
json_strict_sax::json_strict_sax() {
    levels_.reserve(8);
    key_spans_.reserve(16);
    key_text_.reserve(160);
}

bool json_strict_sax::refuse(json_failure why) {
    if (failure_ == json_failure::none) failure_ = why;
    return false;
}

// Where a captured value goes: the capture's target, the open array, or the member slot of the
// open object. `opens`: the value is a container whose events follow.
bool json_strict_sax::place(json&& value, bool opens) {
    json* at = nullptr;
    if (open_.empty()) {
        at = capture_target_;
        capture_target_ = nullptr;
        *at = std::move(value);
    } else if (json& top = *open_.back(); top.is_array()) {
        at = &top.get_ref<json::array_t&>().emplace_back(std::move(value));
    } else {
        at = slot_;
        *at = std::move(value);
    }
    if (opens) open_.push_back(at);
    return true;
}

bool json_strict_sax::null() { return !capturing() || place(json(nullptr), false); }
bool json_strict_sax::boolean(bool value) { return !capturing() || place(json(value), false); }
bool json_strict_sax::number_integer(json::number_integer_t value) { return !capturing() || place(json(value), false); }
bool json_strict_sax::number_unsigned(json::number_unsigned_t value) { return !capturing() || place(json(value), false); }
bool json_strict_sax::number_float(json::number_float_t value, const string_t&) {
    return !capturing() || place(json(value), false);
}
bool json_strict_sax::string(string_t& value) { return !capturing() || place(json(std::move(value)), false); }
bool json_strict_sax::binary(json::binary_t&) { return refuse(); }

bool json_strict_sax::parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return refuse();  // its text quotes the input: only the fact is kept
}

bool json_strict_sax::enter() {
    if (levels_.size() >= max_json_depth) return refuse(json_failure::too_deep);
    levels_.push_back(level{key_spans_.size(), nullptr});
    return true;
}

bool json_strict_sax::leave() {
    const std::size_t first = levels_.back().first_key;
    if (first < key_spans_.size()) key_text_.resize(key_spans_[first].first);
    key_spans_.resize(first);
    levels_.pop_back();
    return true;
}

bool json_strict_sax::start_object(std::size_t) {
    if (!enter()) return false;
    return !capturing() || place(json::object(), true);
}

bool json_strict_sax::start_array(std::size_t) {
    if (!enter()) return false;
    return !capturing() || place(json::array(), true);
}

bool json_strict_sax::end_object() {
    if (!open_.empty()) open_.pop_back();
    return leave();
}

bool json_strict_sax::end_array() {
    if (!open_.empty()) open_.pop_back();
    return leave();
}

bool json_strict_sax::key(string_t& name) {
    if (open_.empty()) return unique_key(name);
    // A captured object is its own record of its keys.
    auto [it, fresh] = open_.back()->get_ref<json::object_t&>().emplace(std::move(name), nullptr);
    if (!fresh) return refuse(json_failure::duplicate_key);
    slot_ = &it->second;
    return true;
}

bool json_strict_sax::unique_key(std::string_view name) {
    level& top = levels_.back();
    if (top.many) return top.many->emplace(name).second || refuse(json_failure::duplicate_key);
    for (std::size_t i = top.first_key; i < key_spans_.size(); ++i) {
        const auto [offset, length] = key_spans_[i];
        if (std::string_view(key_text_).substr(offset, length) == name) return refuse(json_failure::duplicate_key);
    }
    if (key_spans_.size() - top.first_key >= linear_key_check) {
        top.many = std::make_unique<std::unordered_set<std::string>>();
        for (std::size_t i = top.first_key; i < key_spans_.size(); ++i)
            top.many->emplace(key_text_, key_spans_[i].first, key_spans_[i].second);
        top.many->emplace(name);
        return true;
    }
    key_spans_.emplace_back(key_text_.size(), name.size());
    key_text_.append(name);
    return true;
}

// ---- parsing ----

namespace json_detail {

bool starts_with_bom(std::string_view text) { return text.substr(0, 3) == "\xEF\xBB\xBF"; }

}  // namespace json_detail

namespace {

// What no handler sees: nlohmann's lexer takes a NUL for the end of the input.
bool has_nul(std::string_view text) { return std::memchr(text.data(), '\0', text.size()) != nullptr; }

// The reason for refusing `text`, in the precedence order, from what the handler saw.
json_failure classify(std::string_view text, json_failure seen) {
    if (text.size() > max_json_bytes) return json_failure::too_large;
    if (seen == json_failure::too_deep || detail::json_nesting_exceeds(text, static_cast<int>(max_json_depth)))
        return json_failure::too_deep;
    if (seen == json_failure::duplicate_key) return json_failure::duplicate_key;
    if (!detail::is_valid_utf8(text) || detail::escapes_lone_surrogate(text)) return json_failure::not_utf8;
    return json_failure::syntax;
}

}  // namespace

json_failure parse_json_sax(std::string_view text, json_strict_sax& handler, json_bom bom) {
    if (text.size() > max_json_bytes) return json_failure::too_large;
    // A refused BOM stops before any event. A NUL is looked for after parsing, so that a key
    // named twice before it keeps its precedence, as it would were the NUL a syntax error.
    if (bom == json_bom::refuse && json_detail::starts_with_bom(text))
        return classify(text, json_failure::syntax);
    const char* begin = text.data();
    const bool parsed = json::sax_parse(begin, begin + text.size(), &handler, json::input_format_t::json,
                                        /*strict=*/true, /*ignore_comments=*/false);
    if (parsed && !has_nul(text)) return json_failure::none;
    return classify(text, parsed ? json_failure::syntax : handler.failure());
}

json_failure parse_json(std::string_view text, json& out, json_bom bom) {
    json_strict_sax document;
    document.capture_next(out);
    return parse_json_sax(text, document, bom);
}

// The one serializer: json_writer walks the document (see json_writer::value).
std::string dump_json(const json& value) {
    std::string out;
    json_writer(out).value(value);
    return out;
}

// ---- writing ----

json_writer& json_writer::open(char bracket) {
    separate();
    out_ += bracket;
    need_comma_ = false;
    return *this;
}

json_writer& json_writer::close(char bracket) {
    out_ += bracket;
    need_comma_ = true;
    return *this;
}

// Before a value or a key: a comma after an earlier item of the same container, unless the value
// follows its key. Every value written sets need_comma_; opening a container clears it.
void json_writer::separate() {
    if (after_key_) after_key_ = false;
    else if (need_comma_) out_ += ',';
}

json_writer& json_writer::key(std::string_view name) {
    separate();
    escaped(name);
    out_ += ':';
    after_key_ = true;
    return *this;
}

namespace {
// What nlohmann's serializer writes for anything but plain text and integers, which this writer
// writes itself (nlohmann's per-byte UTF-8 decoding in its escaping was a tenth of a card build
// in wasm), with the replace handler: ill-formed UTF-8 becomes U+FFFD instead of a throw.
std::string nlohmann_dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }
}  // namespace

// Text that needs no escape (printable ASCII but '"' and '\\') is copied between quotes, which is
// what nlohmann writes for it; anything else is escaped by nlohmann itself.
void json_writer::escaped(std::string_view s) {
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x80 || c == '"' || c == '\\') {
            out_ += nlohmann_dump(json(s));
            return;
        }
    }
    out_ += '"';
    out_ += s;
    out_ += '"';
}

json_writer& json_writer::string(std::string_view value) {
    separate();
    escaped(value);
    need_comma_ = true;
    return *this;
}

json_writer& json_writer::number(std::int64_t value) { return raw(std::to_string(value)); }

json_writer& json_writer::boolean(bool value) { return raw(value ? "true" : "false"); }

json_writer& json_writer::null() { return raw("null"); }

// A document as nlohmann's dump writes it: members in the map's (sorted) order, integers in
// decimal, strings through escaped(); floats in nlohmann's own layout, by nlohmann.
json_writer& json_writer::value(const json& document) {
    switch (document.type()) {
        case json::value_t::object:
            begin_object();
            for (auto it = document.begin(); it != document.end(); ++it) key(it.key()).value(*it);
            return end_object();
        case json::value_t::array:
            begin_array();
            for (const json& item : document) value(item);
            return end_array();
        case json::value_t::string: return string(document.get_ref<const json::string_t&>());
        case json::value_t::boolean: return boolean(document.get<bool>());
        case json::value_t::number_integer: return number(document.get<std::int64_t>());
        case json::value_t::number_unsigned: return raw(std::to_string(document.get<std::uint64_t>()));
        case json::value_t::null: return null();
        case json::value_t::number_float:
        case json::value_t::binary:
        case json::value_t::discarded: break;
    }
    return raw(nlohmann_dump(document));
}

json_writer& json_writer::raw(std::string_view json_text) {
    separate();
    out_ += json_text;
    need_comma_ = true;
    return *this;
}

}  // namespace handoffkit
