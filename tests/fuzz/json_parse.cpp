// libFuzzer: any bytes as JSON text. Property: the core's reader (parse_json, json_reader.hpp)
// gives exactly what nlohmann's own parser gives under the same rules (tests/cpp/json_reference.hpp):
// the same document with the same number types, or the same reason for refusing it; written out,
// the same text as nlohmann's dump (floats aside); and raw() calls a value canonical only when its
// text is what serializing its document writes.
#include "fuzz_support.hpp"

#include "json_fields.hpp"
#include "json_reader.hpp"
#include "json_reference.hpp"

using handoffkit::fuzz::require;

namespace {

bool has_float(const nlohmann::json& j) {
    if (j.is_number_float()) return true;
    if (j.is_structured())
        for (const auto& child : j)
            if (has_float(child)) return true;
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = handoffkit::fuzz::text_of(data, size);
    nlohmann::json expected;
    const auto expected_why = handoffkit::test::reference_parse(text, expected);
    handoffkit::detail::json_failure why;
    const auto ours = handoffkit::detail::parse_json(text, &why);
    require(why == expected_why);
    if (why != handoffkit::detail::json_failure::none) return 0;
    require(handoffkit::test::same_document(ours, expected));
    // Written out, it is nlohmann's text (floats aside: json_value_test.cpp checks those).
    if (!has_float(expected)) require(ours.dump() == expected.dump());

    handoffkit::detail::json_reader reader(text);
    std::string_view raw;
    bool canonical = false;
    require(reader.raw(raw, canonical) && reader.end());
    if (canonical) require(ours.dump() == raw);
    return 0;
}
