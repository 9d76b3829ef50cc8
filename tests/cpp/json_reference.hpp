// What the core's JSON reader must agree with: nlohmann/json's own parser, under the core's rules
// (size cap, nesting limit checked over the whole text first, a key named twice refused, text that
// is not UTF-8 or escapes a lone surrogate told apart from other syntax errors). It is the oracle of
// the differential tests (json_reader_test.cpp) and of the json_parse fuzz target.
// One rule is the core's own: nlohmann's lexer takes a NUL byte for the end of the input, so it
// accepts `{}` followed by a NUL and then anything at all; the core refuses a NUL outside a string
// (inside one it is an unescaped control character, refused by both).
#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "json_reader.hpp"
#include "text_checks.hpp"

namespace handoffkit::test {

namespace reference_detail {

using nlohmann::json;

// nlohmann's SAX events into a document, stopping at a key already present in its object.
class strict_builder {
public:
    explicit strict_builder(json& root) : root_(root) {}
    bool null() { return place(nullptr); }
    bool boolean(bool v) { return place(v); }
    bool number_integer(json::number_integer_t v) { return place(v); }
    bool number_unsigned(json::number_unsigned_t v) { return place(v); }
    bool number_float(json::number_float_t v, const json::string_t&) { return place(v); }
    bool string(json::string_t& v) { return place(v); }
    bool binary(json::binary_t&) { return false; }
    bool start_object(std::size_t) { return open(json::object()); }
    bool start_array(std::size_t) { return open(json::array()); }
    bool end_object() { return open_.pop_back(), true; }
    bool end_array() { return open_.pop_back(), true; }
    bool key(json::string_t& k) {
        auto& members = open_.back()->get_ref<json::object_t&>();
        duplicate_key = members.count(k) != 0;
        slot_ = &members[k];
        return !duplicate_key;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) { return false; }
    bool duplicate_key = false;

private:
    json* at(json&& v) {
        if (open_.empty()) return &(root_ = std::move(v));
        if (open_.back()->is_array()) return &open_.back()->get_ref<json::array_t&>().emplace_back(std::move(v));
        return &(*slot_ = std::move(v));
    }
    bool place(json v) { return at(std::move(v)), true; }
    bool open(json v) { return open_.push_back(at(std::move(v))), true; }

    json& root_;
    std::vector<json*> open_;
    json* slot_ = nullptr;
};

}  // namespace reference_detail

/// The reference reading of `text`: json_failure::none and the document in `out`, or why not.
inline handoffkit::detail::json_failure reference_parse(std::string_view text, nlohmann::json& out) {
    using handoffkit::detail::json_failure;
    if (text.size() > handoffkit::detail::max_json_bytes) return json_failure::too_large;
    if (handoffkit::detail::json_nesting_exceeds(text, static_cast<int>(handoffkit::detail::max_json_depth)))
        return json_failure::too_deep;
    reference_detail::strict_builder builder(out);
    const bool nul = text.find('\0') != std::string_view::npos;
    if (nlohmann::json::sax_parse(text.begin(), text.end(), &builder) && !nul) return json_failure::none;
    if (builder.duplicate_key) return json_failure::duplicate_key;
    if (!handoffkit::detail::is_valid_utf8(text) || handoffkit::detail::escapes_lone_surrogate(text))
        return json_failure::not_utf8;
    return json_failure::syntax;
}

/// Same document, with the same number representation (unsigned, signed or double) everywhere in
/// it: nlohmann's == calls 1 and 1.0 equal, the core's readers must not.
inline bool same_document(const nlohmann::json& a, const nlohmann::json& b) {
    if (a.type() != b.type()) return false;
    if (a.is_object()) {
        if (a.size() != b.size()) return false;
        for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib)
            if (ia.key() != ib.key() || !same_document(*ia, *ib)) return false;
        return true;
    }
    if (a.is_array()) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (!same_document(a[i], b[i])) return false;
        return true;
    }
    return a.dump() == b.dump();
}

}  // namespace handoffkit::test
