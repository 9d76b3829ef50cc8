// The JSON entry point every request goes through: limits, and never a throw.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "json_fields.hpp"
#include "json_reference.hpp"

using namespace handoffkit::detail;

TEST_CASE("parse_json refuses nesting past the limit, counting only outside strings") {
    const auto nested = [](std::size_t n) { return std::string(n, '[') + std::string(n, ']'); };
    CHECK(parse_json(nested(max_json_depth)).is_array());
    CHECK(parse_json(nested(max_json_depth + 1)).is_discarded());
    CHECK(parse_json(nested(1000000)).is_discarded());
    // Brackets inside strings (also after escaped quotes) do not count.
    const std::string in_string = "{\"a\":\"" + std::string(500, '[') + "\\\"" + std::string(500, '{') + "\"}";
    CHECK(parse_json(in_string).is_object());
}

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
    const auto j = parse_json(R"({"s":1,"b":"x","l":[1],"extra":true})");
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
        const std::string expected = nlohmann::json{{"ok", true}, {"value", s}}.dump();
        CHECK(ok_envelope(s) == expected);
    }
}

TEST_CASE("parse_json builds the same document as nlohmann's own parser, for every vectors file") {
    namespace fs = std::filesystem;
    int files = 0;
    for (const auto& entry : fs::directory_iterator(HANDOFFKIT_VECTORS_DIR)) {
        if (entry.path().extension() != ".json") continue;
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (text.size() > max_json_bytes) continue;
        json_failure why;
        const auto ours = parse_json(text, &why);
        CHECK_MESSAGE(why == json_failure::none, entry.path().filename().string());
        CHECK_MESSAGE(handoffkit::test::same_document(ours, nlohmann::json::parse(text)), entry.path().filename().string());
        ++files;
    }
    CHECK(files >= 6);
    // Containers nested in arrays in objects, empty ones, every scalar type.
    const std::string mixed = R"({"a":[{"b":[[],{},[{"c":null}]]},1,-2,3.5,18446744073709551615,"s",true,false],"":{}})";
    CHECK(handoffkit::test::same_document(parse_json(mixed), nlohmann::json::parse(mixed)));
}

TEST_CASE("is_json_object answers as parse_json would, without building the document") {
    const std::string deep = std::string(max_json_depth, '[') + std::string(max_json_depth, ']');
    for (const std::string& text : std::vector<std::string>{
             "{}", R"({"a":[1,{"b":null}]})", "\xEF\xBB\xBF{}", " {\"a\":1} ", "[]", "\"{}\"", "1", "", "{", "{} x",
             R"({"a":1,"a":2})", R"({"a":"\ud800"})", "{\"a\":\"\xC3\x28\"}", "{\"a\":" + deep + "}",
             "{\"a\":[" + deep + "]}", std::string("{}\0", 3)}) {
        CAPTURE(text);
        CHECK(is_json_object(text) == parse_json(text).is_object());
    }
    CHECK(is_json_object(R"({"a":1})"));
    CHECK_FALSE(is_json_object(R"({"a":1,"a":2})"));
    CHECK_FALSE(is_json_object("{\"a\":[" + deep + "]}"));
}
