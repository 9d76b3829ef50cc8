// The core's one JSON lexer (json_reader.hpp): its rules one by one, and, over the vectors and
// tens of thousands of mutations of them, the same answer as nlohmann's own parser under the same
// rules (json_reference.hpp): the same document with the same number types, or the same reason.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <string>

#include "json_fields.hpp"
#include "json_reader.hpp"
#include "json_reference.hpp"

using namespace handoffkit::detail;
using handoffkit::test::same_document;

namespace {

// Checks one text against the reference; returns false (after recording why) on a difference.
bool agrees_with_reference(const std::string& text) {
    nlohmann::json expected;
    const json_failure expected_why = handoffkit::test::reference_parse(text, expected);
    json_failure why;
    const auto ours = parse_json(text, &why);
    CAPTURE(text);
    CHECK(static_cast<int>(why) == static_cast<int>(expected_why));
    if (why != expected_why) return false;
    if (why == json_failure::none) {
        CHECK(same_document(ours, expected));
        return same_document(ours, expected);
    }
    CHECK(ours.is_discarded());
    return true;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every value inside the vectors files, serialized: small texts of every shape the core reads.
std::vector<std::string> vector_snippets() {
    std::vector<std::string> out;
    std::function<void(const nlohmann::json&)> collect = [&](const nlohmann::json& v) {
        const std::string text = v.dump();
        if (text.size() <= 400) out.push_back(text);
        if (v.is_structured())
            for (const auto& child : v) collect(child);
    };
    for (const auto& entry : std::filesystem::directory_iterator(HANDOFFKIT_VECTORS_DIR))
        if (entry.path().extension() == ".json") collect(nlohmann::json::parse(read_file(entry.path())));
    return out;
}

}  // namespace

TEST_CASE("json_reader: numbers are read as nlohmann reads them") {
    const auto read = [](std::string_view text) {
        json_reader r(text);
        json_number n;
        const bool ok = r.number(n) && r.end();
        return std::pair{ok, n};
    };
    auto [ok, n] = read("0");
    CHECK((ok && n.kind == json_number::type::unsigned_integer && n.unsigned_value == 0));
    std::tie(ok, n) = read("-0");
    CHECK((ok && n.kind == json_number::type::integer && n.integer_value == 0));
    std::tie(ok, n) = read("18446744073709551615");
    CHECK((ok && n.kind == json_number::type::unsigned_integer && n.unsigned_value == UINT64_MAX));
    std::tie(ok, n) = read("18446744073709551616");  // past 64 bits: a double
    CHECK((ok && n.kind == json_number::type::floating && n.float_value == 18446744073709551616.0));
    std::tie(ok, n) = read("-9223372036854775808");
    CHECK((ok && n.kind == json_number::type::integer && n.integer_value == INT64_MIN));
    std::tie(ok, n) = read("-9223372036854775809");
    CHECK((ok && n.kind == json_number::type::floating));
    std::tie(ok, n) = read("1.5e2");
    CHECK((ok && n.kind == json_number::type::floating && n.float_value == 150.0));
    std::tie(ok, n) = read("1e-400");  // underflows to zero: accepted, as nlohmann does
    CHECK((ok && n.float_value == 0.0));
    for (const char* bad : {"1e400", "-1e400", "01", "-", "1.", ".5", "1e", "1e+", "+1", "0x1", "1 2", "--1", "NaN"}) {
        CAPTURE(bad);
        CHECK_FALSE(read(bad).first);
    }
    std::int64_t v = 0;
    CHECK((read("9223372036854775807").second.as_int64(v) && v == INT64_MAX));
    CHECK_FALSE(read("9223372036854775808").second.as_int64(v));
    CHECK_FALSE(read("1.0").second.as_int64(v));
}

TEST_CASE("json_reader: strings decode escapes and refuse what is not text") {
    const auto read = [](std::string_view text, std::string& out) {
        json_reader r(text);
        std::string_view s;
        const bool ok = r.string(s) && r.end();
        out.assign(s);
        return ok ? json_failure::none : classify_failure(text, r);
    };
    std::string s;
    CHECK(read(R"("plain")", s) == json_failure::none);
    CHECK(s == "plain");
    CHECK(read(R"("a\"b\\c\/d\b\f\n\r\t")", s) == json_failure::none);
    CHECK(s == "a\"b\\c/d\b\f\n\r\t");
    CHECK(read(R"("\u00e9\u20ac\ud83d\ude00")", s) == json_failure::none);
    CHECK(s == "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
    CHECK(read("\"caf\xC3\xA9\"", s) == json_failure::none);
    CHECK(read(R"("\ud800")", s) == json_failure::not_utf8);
    CHECK(read(R"("\udc00")", s) == json_failure::not_utf8);
    CHECK(read(R"("\ud800\u0041")", s) == json_failure::not_utf8);
    CHECK(read("\"\xC0\xAF\"", s) == json_failure::not_utf8);          // overlong
    CHECK(read("\"\xED\xA0\x80\"", s) == json_failure::not_utf8);      // a surrogate, raw
    CHECK(read("\"\xF4\x90\x80\x80\"", s) == json_failure::not_utf8);  // above U+10FFFF
    CHECK(read("\"\xE2\x82\"", s) == json_failure::not_utf8);          // truncated
    CHECK(read("\"a\nb\"", s) == json_failure::syntax);                // a raw control character
    CHECK(read(R"("\x")", s) == json_failure::syntax);
    CHECK(read(R"("\u12")", s) == json_failure::syntax);
    CHECK(read(R"("open)", s) == json_failure::syntax);
}

TEST_CASE("json_reader: objects refuse a key named twice, however many keys, and however spelled") {
    const auto why = [](const std::string& text) {
        json_failure w;
        parse_json(text, &w);
        return w;
    };
    CHECK(why(R"({"a":1,"b":2,"a":3})") == json_failure::duplicate_key);
    CHECK(why(R"({"a":1,"\u0061":2})") == json_failure::duplicate_key);  // the same key, escaped
    std::string many = "{";
    for (int i = 0; i < 100; ++i) many += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    CHECK(why(many + "\"k99\":0}") == json_failure::duplicate_key);  // past the linear check: the set
    CHECK(why(many + "\"k0\":0}") == json_failure::duplicate_key);
    CHECK(why(many + "\"k100\":0}") == json_failure::none);
    // Keys of sibling and nested objects are their own.
    CHECK(why(R"({"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}],"c":{"b":1}})") == json_failure::none);
    CHECK(why(R"({"x":{"a":1},"a":{"x":1,"a":2,"a":3}})") == json_failure::duplicate_key);
}

TEST_CASE("json_reader: depth, the byte order mark, whitespace and what may follow a document") {
    const auto nested = [](std::size_t n) { return std::string(n, '[') + std::string(n, ']'); };
    json_failure w;
    CHECK(parse_json(nested(max_json_depth), &w).is_array());
    CHECK(parse_json(nested(max_json_depth + 1), &w).is_discarded());
    CHECK(w == json_failure::too_deep);
    CHECK(parse_json("\xEF\xBB\xBF{\"a\":1}").is_object());
    CHECK(parse_json("\xEF\xBB{}").is_discarded());
    CHECK(parse_json(" \t\r\n{ \"a\" : [ 1 , 2 ] } \n").is_object());
    for (const char* bad : {"", " ", "{} {}", "{}x", "[1,]", "[,1]", "{\"a\":1,}", "{,}", "{\"a\"}", "{1:2}", "tru", "nul",
                            "[1 2]", "{\"a\":1 \"b\":2}", "\xEF\xBB\xBF"}) {
        CAPTURE(bad);
        CHECK(parse_json(bad).is_discarded());
    }
    CHECK(parse_json(std::string("[1]\0", 4)).is_discarded());  // a NUL after the document is not an end
}

TEST_CASE("json_reader: raw() returns a value as written, and says when it is already canonical") {
    const auto raw = [](std::string_view text) {
        json_reader r(text);
        std::string_view out;
        bool canonical = false;
        REQUIRE(r.raw(out, canonical));
        CHECK(out == text.substr(text.find_first_not_of(' ')));
        return canonical;
    };
    CHECK(raw(R"({"a":1,"b":{"c":[true,null,"x"]},"d":-5})"));
    CHECK(raw(R"("caf)" "\xC3\xA9" R"(")"));
    CHECK(raw(R"( {"a":1})"));  // whitespace before the value is not part of it
    CHECK_FALSE(raw(R"({"b":1,"a":2})"));
    CHECK_FALSE(raw(R"({"a":1, "b":2})"));
    CHECK_FALSE(raw(R"({"a" :1})"));
    CHECK_FALSE(raw(R"([1 ])"));
    CHECK_FALSE(raw(R"({"a":"\u0041"})"));
    CHECK_FALSE(raw(R"({"\u0061":1})"));
    CHECK_FALSE(raw(R"({"a":1.5})"));
    CHECK_FALSE(raw(R"({"a":-0})"));
    CHECK_FALSE(raw(R"({"a":1e2})"));
    // What canonical means: the text is what serializing its document writes.
    for (const char* text : {R"({"a":1,"b":{"c":[true,null,"x"]},"d":-5})", R"({"":[],"a":{}})", R"([18446744073709551615])"})
        CHECK(parse_json(text).dump() == text);
}

TEST_CASE("parse_json agrees with nlohmann's parser under the same rules: every vectors file and value") {
    int checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(HANDOFFKIT_VECTORS_DIR)) {
        if (entry.path().extension() != ".json") continue;
        CHECK(agrees_with_reference(read_file(entry.path())));
        ++checked;
    }
    CHECK(checked >= 6);
    const auto snippets = vector_snippets();
    CHECK(snippets.size() > 1000);
    for (const auto& s : snippets)
        if (!agrees_with_reference(s)) break;
}

TEST_CASE("parse_json agrees with nlohmann's parser on 60,000 mutations of vector values") {
    const auto snippets = vector_snippets();
    REQUIRE(!snippets.empty());
    // Bytes that change a JSON text's meaning most: structure, escapes, number parts, UTF-8 leads
    // and continuations, controls.
    const std::string alphabet = std::string("{}[]\":,\\/ubfnrt0123456789-+.eE \t\n\r") +
                                 std::string("\x00\x01\x1f\x7f\x80\xbf\xc0\xc3\xe0\xed\xef\xf0\xf4\xff", 14);
    // Pieces no single-byte edit is likely to make.
    const std::vector<std::string> fragments{R"(\ud83d\ude00)", R"(\ud800)", R"(\u0000)", "1e400", "-0", "-0.0",
                                             "18446744073709551616", "-9223372036854775809", "true", "null"};
    std::mt19937 rng(20261130);
    const auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
    int differences = 0;
    for (int i = 0; i < 60000 && differences == 0; ++i) {
        std::string text = snippets[pick(snippets.size())];
        for (int edits = 1 + static_cast<int>(pick(3)); edits > 0; --edits) {
            const std::size_t at = text.empty() ? 0 : pick(text.size() + 1);
            switch (pick(6)) {
                case 0: text.insert(at, 1, alphabet[pick(alphabet.size())]); break;
                case 1: if (at < text.size()) text.erase(at, 1); break;
                case 2: if (at < text.size()) text[at] = alphabet[pick(alphabet.size())]; break;
                case 3: text.insert(at, fragments[pick(fragments.size())]); break;
                case 4: text.insert(0, "\xEF\xBB\xBF"); break;  // a byte order mark
                default: if (!text.empty()) text.insert(at, text.substr(pick(text.size()), 1 + pick(8))); break;
            }
        }
        if (!agrees_with_reference(text)) ++differences;
    }
    CHECK(differences == 0);
}
