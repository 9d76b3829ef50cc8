// What the core's JSON reader must agree with: nlohmann/json's own parser, under the core's rules
// (size cap, nesting limit checked over the whole text first, a key named twice refused, text that
// is not UTF-8 or escapes a lone surrogate told apart from other syntax errors). It is the oracle of
// the differential tests (json_reader_test.cpp) and of the json_parse fuzz target.
// One rule is the core's own: nlohmann's lexer takes a NUL byte for the end of the input, so it
// accepts `{}` followed by a NUL and then anything at all; the core refuses a NUL outside a string
// (inside one it is an unescaped control character, refused by both).
#pragma once

#include <cmath>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "json_reader.hpp"
#include "json_value.hpp"
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

/// The core's document `ours` is the reference document `ref`: same shape, same keys in the same
/// order, same number representation (unsigned, signed or double) everywhere, same values.
/// nlohmann's == calls 1 and 1.0 equal; the core's readers must not.
inline bool same_document(const handoffkit::detail::json& ours, const nlohmann::json& ref) {
    using t = handoffkit::detail::json::value_t;
    switch (ours.type()) {
        case t::null: return ref.is_null();
        case t::boolean: return ref.is_boolean() && ours.get<bool>() == ref.get<bool>();
        case t::number_integer:
            return ref.type() == nlohmann::json::value_t::number_integer && ours.get<std::int64_t>() == ref.get<std::int64_t>();
        case t::number_unsigned: return ref.is_number_unsigned() && ours.get<std::uint64_t>() == ref.get<std::uint64_t>();
        case t::number_float: {
            if (!ref.is_number_float()) return false;
            const double a = ours.get<double>(), b = ref.get<double>();
            return a == b && std::signbit(a) == std::signbit(b);
        }
        case t::string: return ref.is_string() && ours.get_ref<const std::string&>() == ref.get_ref<const std::string&>();
        case t::array: {
            if (!ref.is_array() || ours.size() != ref.size()) return false;
            for (std::size_t i = 0; i < ours.size(); ++i)
                if (!same_document(ours[i], ref[i])) return false;
            return true;
        }
        case t::object: {
            if (!ref.is_object() || ours.size() != ref.size()) return false;
            auto ir = ref.begin();
            for (auto io = ours.begin(); io != ours.end(); ++io, ++ir)
                if (io.key() != ir.key() || !same_document(*io, *ir)) return false;
            return true;
        }
        case t::discarded: return false;
    }
    return false;
}

}  // namespace handoffkit::test
