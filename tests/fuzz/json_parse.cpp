// libFuzzer: any bytes as JSON text, through the one strict parse (handoffkit/json.hpp).
// Properties: never crashes or leaks; the SAX base alone (no document) gives the same verdict as
// the document parse; what is accepted obeys every rule (UTF-8, no lone surrogate escaped, no NUL,
// at most 64 levels) and round-trips: written and read again it is the same document, number
// kinds included, written the same way; what is refused is refused for a reason the text has,
// with the precedence (too deep anywhere, then a key named twice, then not UTF-8, then syntax).
#include "fuzz_support.hpp"

#include <cmath>

#include "handoffkit/json.hpp"
#include "text_checks.hpp"

using handoffkit::fuzz::require;
using handoffkit::json;
using handoffkit::json_failure;

namespace {

// -0 (a signed integer) is written 0 and read back unsigned: the one kind writing cannot keep.
bool identical(const json& a, const json& b) {
    const auto signed_zero = [](const json& v) { return v.type() == json::value_t::number_integer && v == 0; };
    if (signed_zero(a) || signed_zero(b)) return a.is_number_integer() && b.is_number_integer() && a == b;
    if (a.type() != b.type()) return false;
    if (a.is_number_float()) return a.get<double>() == b.get<double>() && std::signbit(a.get<double>()) == std::signbit(b.get<double>());
    if (a.is_array()) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (!identical(a[i], b[i])) return false;
        return true;
    }
    if (a.is_object()) {
        if (a.size() != b.size()) return false;
        for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib)
            if (ia.key() != ib.key() || !identical(*ia, *ib)) return false;
        return true;
    }
    return a == b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    namespace d = handoffkit::detail;
    const std::string text = handoffkit::fuzz::text_of(data, size);
    json document;
    const json_failure reason = handoffkit::parse_json(text, document);
    handoffkit::json_strict_sax events;
    require(handoffkit::parse_json_sax(text, events) == reason);

    const bool deep = d::json_nesting_exceeds(text, static_cast<int>(handoffkit::max_json_depth));
    const bool not_utf8 = !d::is_valid_utf8(text) || d::escapes_lone_surrogate(text);
    switch (reason) {
        case json_failure::none: {
            require(!deep && !not_utf8 && text.find('\0') == std::string::npos);
            const std::string written = handoffkit::dump_json(document);
            json again;
            require(handoffkit::parse_json(written, again) == json_failure::none);
            require(identical(document, again));
            require(handoffkit::dump_json(again) == written);
            // A byte order mark is refused only where asked, and only at the start.
            require((handoffkit::parse_json(text, again, handoffkit::json_bom::refuse) == json_failure::none) ==
                    !handoffkit::json_detail::starts_with_bom(text));
            return 0;
        }
        case json_failure::too_large: require(text.size() > handoffkit::max_json_bytes); return 0;
        case json_failure::too_deep: require(deep); return 0;
        case json_failure::duplicate_key: require(!deep); return 0;
        case json_failure::not_utf8: require(!deep && not_utf8); return 0;
        case json_failure::syntax: require(!deep && !not_utf8); return 0;
    }
    require(false);
    return 0;
}
