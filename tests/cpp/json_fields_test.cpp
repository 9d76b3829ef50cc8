// The JSON entry point every request goes through: limits, and never a throw.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>

#include "json_fields.hpp"

using namespace handoffkit::detail;
using handoffkit::json_failure;
using handoffkit::max_json_bytes;
using handoffkit::max_json_depth;

namespace {
// The document of `text` under the strict parse, or a discarded value when it is refused.
json parsed(std::string_view text) {
    json out;
    return handoffkit::parse_json(text, out) == json_failure::none ? out : json(json::value_t::discarded);
}
}  // namespace

TEST_CASE("parse_object codes: empty, too large, invalid, not an object") {
    CHECK(parse_object("", "request")->is_object());
    CHECK(parse_object(std::string(max_json_bytes + 1, ' '), "request").err().code == "INPUT_TOO_LARGE");
    CHECK(parse_object("{\"a\":", "request").err().code == "INVALID_JSON");
    CHECK(parse_object("[1]", "request").err().code == "INVALID_ARGUMENT");
    CHECK(parse_object(std::string(100, '{'), "request").err().code == "INVALID_JSON");
    // Duplicate keys are refused (RFC 8259 leaves the winner open; parsers disagree), at any depth.
    CHECK(parse_object("{\"a\":1,\"a\":2}", "request").err().code == "DUPLICATE_KEY");
    CHECK(parse_object("{\"l\":[{\"b\":{\"c\":1,\"c\":1}}]}", "request").err().code == "DUPLICATE_KEY");
    // The same key in sibling or nested objects is not a duplicate.
    CHECK(parse_object("{\"a\":{\"a\":1},\"l\":[{\"a\":1},{\"a\":2}]}", "request"));
}

TEST_CASE("parse_object: text that is not UTF-8, raw or as an escaped lone surrogate, is INVALID_UTF8") {
    CHECK(parse_object("{\"a\":\"\xC3\x28\"}", "request").err().code == "INVALID_UTF8");
    CHECK(parse_object("{\"a\":\"\xED\xA0\x80\"}", "request").err().code == "INVALID_UTF8");  // a surrogate, raw
    CHECK(parse_object(R"({"a":"x\ud800"})", "request").err().code == "INVALID_UTF8");
    CHECK(parse_object(R"({"a":"\uDC00x"})", "request").err().code == "INVALID_UTF8");
    CHECK(parse_object(R"({"\ud800":1})", "request").err().code == "INVALID_UTF8");
    CHECK(parse_object(R"({"a":"\ud83d\ude00"})", "request"));                         // a pair is one character
    CHECK(parse_object(R"({"a":"\\ud800"})", "request"));                              // an escaped backslash, then text
    CHECK(parse_object(R"({"a":"\ud800)", "request").err().code == "INVALID_UTF8");   // unterminated, still says why
    CHECK(parse_object(R"({"a":1,})", "request").err().code == "INVALID_JSON");
}

TEST_CASE("field_reader: wrong types and unknown fields are INVALID_ARGUMENT naming the field") {
    const auto j = parsed(R"({"s":1,"b":"x","l":[1],"extra":true})");
    std::string s;
    bool b = false;
    std::vector<std::string> l;
    auto e = field_reader(j).string("s", s).finish();
    REQUIRE(e);
    CHECK(e->code == "INVALID_ARGUMENT");
    CHECK(e->message.find("'s'") != std::string::npos);
    e = field_reader(j).known("s").boolean("b", b).finish();
    REQUIRE(e);
    CHECK(e->message.find("'b'") != std::string::npos);
    e = field_reader(j).known("s").known("b").strings("l", l).finish();
    REQUIRE(e);
    CHECK(e->message.find("'l'") != std::string::npos);
    e = field_reader(j).known("s").known("b").known("l").finish();
    REQUIRE(e);
    CHECK(e->message.find("'extra'") != std::string::npos);
    CHECK_FALSE(field_reader(j).known("s").known("b").known("l").known("extra").finish());
}

TEST_CASE("ok_envelope: a plain string is written directly, exactly as the serializer would write it") {
    for (const std::string& s : std::vector<std::string>{"", "https://teams.microsoft.com/l/chat/0/0?users=28:x&continuation=a%20b", "a\"b", "a\\b",
                                "line\nbreak", "caf\xC3\xA9", std::string("nul\0x", 5), "\x7f"}) {
        const std::string expected = nlohmann::json{{"ok", true}, {"value", s}}.dump(-1, ' ', false, json::error_handler_t::replace);
        CHECK(ok_envelope(s) == expected);
    }
}

TEST_CASE("field_reader: a null field is absent, absent is absent, and required_integer says which is missing") {
    const auto j = parsed(R"({"s":null,"n":null})");
    std::string s = "kept";
    std::int64_t n = 7;
    CHECK_FALSE(field_reader(j).string("s", s).integer("n", n).finish());
    CHECK(s == "kept");
    CHECK(n == 7);
    const auto e = field_reader(j).known("s").required_integer("n", n).finish();
    REQUIRE(e);
    CHECK(e->message == "field 'n' is required");
    CHECK(member(j, "s") == nullptr);
    CHECK(member(j, "absent") == nullptr);
    CHECK(member(json::array(), "s") == nullptr);  // not an object: no member, no throw
}

TEST_CASE("error_envelope: members sorted, the field named when the error has one") {
    CHECK(error_envelope(handoffkit::fail(handoffkit::token_code::expired, "m")) == R"({"error":{"code":"EXPIRED","message":"m"},"ok":false})");
    handoffkit::error e{handoffkit::input_code::invalid_argument, "at /a", std::string("/a")};
    CHECK(error_envelope(e) == R"({"error":{"code":"INVALID_ARGUMENT","field":"/a","message":"at /a"},"ok":false})");
    // Bytes that are not UTF-8 in a message are replaced, never thrown about.
    CHECK(error_envelope(handoffkit::fail(handoffkit::input_code::internal, "\xff")) == "{\"error\":{\"code\":\"INTERNAL\",\"message\":\"\xEF\xBF\xBD\"},\"ok\":false}");
}

TEST_CASE("is_json_object answers as parse_json would, without building the document") {
    const std::string deep = std::string(max_json_depth, '[') + std::string(max_json_depth, ']');
    for (const std::string& text : std::vector<std::string>{
             "{}", R"({"a":[1,{"b":null}]})", "\xEF\xBB\xBF{}", " {\"a\":1} ", "[]", "\"{}\"", "1", "", "{", "{} x",
             R"({"a":1,"a":2})", R"({"a":"\ud800"})", "{\"a\":\"\xC3\x28\"}", "{\"a\":" + deep + "}",
             "{\"a\":[" + deep + "]}", std::string("{}\0", 3)}) {
        CAPTURE(text);
        CHECK(is_json_object(text) == parsed(text).is_object());
    }
    CHECK(is_json_object(R"({"a":1})"));
    CHECK_FALSE(is_json_object(R"({"a":1,"a":2})"));
    CHECK_FALSE(is_json_object("{\"a\":[" + deep + "]}"));
}

TEST_CASE("codes: each area's table round-trips, and a code in a document or a stream is its string") {
    namespace hk = handoffkit;
    std::set<std::string_view> seen;
    std::set<std::string_view> twice;
    for (const hk::code_table* t : hk::core_code_tables)
        for (std::size_t i = 0; i < t->size; ++i) {
            CAPTURE(t->names[i]);
            if (!seen.insert(t->names[i]).second) twice.insert(t->names[i]);
        }
    // The three strings that name unrelated failures in two areas (codes.hpp); no other repeats.
    CHECK(twice == std::set<std::string_view>{"CONTEXT_INVALID", "CONTINUATION_MISSING", "UNSUPPORTED_TYPE"});
    for (std::size_t i = 0; i < hk::token_code_table.size; ++i) {
        const auto c = static_cast<hk::token_code>(i);
        CHECK(hk::code_from_name<hk::token_code>(hk::name(c)) == c);
    }
    CHECK_FALSE(hk::code_from_name<hk::token_code>("expired"));
    const hk::code expired = hk::token_code::expired;
    CHECK(expired == hk::token_code::expired);
    CHECK(expired != hk::link_code::context_invalid);
    CHECK(hk::code(hk::link_code::context_invalid) != hk::token_code::context_invalid);  // same text, two areas
    CHECK(expired.area() == "token");
    CHECK(expired.as<hk::token_code>() == hk::token_code::expired);
    CHECK_FALSE(expired.as<hk::link_code>());
    CHECK(json{{"a", expired}, {"b", hk::handoff_code::token_expired}}.dump() == R"({"a":"EXPIRED","b":"TOKEN_EXPIRED"})");
    std::ostringstream printed;
    printed << expired;
    CHECK(printed.str() == "EXPIRED");
}
