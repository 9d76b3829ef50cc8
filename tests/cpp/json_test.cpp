// The one strict JSON parse (handoffkit/json.hpp): each rule, each failure reason and their
// precedence, number kinds, the SAX base hot paths build on, the writer, and, over tens of
// thousands of mutations of the vectors' values, that what is accepted round-trips exactly and
// what is refused is refused for a reason the text really has.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <cstring>
#include <random>
#include <string>

#include "handoffkit/json.hpp"
#include "text_checks.hpp"

using handoffkit::json;
using handoffkit::json_bom;
using handoffkit::json_failure;
using handoffkit::json_strict_sax;
using handoffkit::json_writer;
using handoffkit::max_json_bytes;
using handoffkit::max_json_depth;
using handoffkit::parse_json;

namespace {

json_failure why(std::string_view text, json_bom bom = json_bom::skip) {
    json out;
    return parse_json(text, out, bom);
}

json doc(std::string_view text) {
    json out;
    REQUIRE(parse_json(text, out) == json_failure::none);
    return out;
}

std::string nested(std::size_t n) { return std::string(n, '[') + std::string(n, ']'); }

// nlohmann's own serializer, with the replace handler: what dump_json and json_writer must write.
std::string nlohmann_dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every value inside the vectors files, serialized: small texts of every shape the core reads.
std::vector<std::string> vector_snippets() {
    std::vector<std::string> out;
    std::function<void(const json&)> collect = [&](const json& v) {
        const std::string text = handoffkit::dump_json(v);
        if (text.size() <= 400) out.push_back(text);
        if (v.is_structured())
            for (const auto& child : v) collect(child);
    };
    for (const auto& entry : std::filesystem::directory_iterator(HANDOFFKIT_VECTORS_DIR))
        if (entry.path().extension() == ".json") collect(doc(read_file(entry.path())));
    return out;
}

// Same shape, keys, values and number kinds (nlohmann's == calls 1 and 1.0 equal; this does not).
// One kind cannot survive writing: -0, a signed integer, is written 0 and read back unsigned.
bool identical(const json& a, const json& b) {
    const auto signed_zero = [](const json& v) { return v.type() == json::value_t::number_integer && v == 0; };
    if (signed_zero(a) || signed_zero(b)) return a.is_number_integer() && b.is_number_integer() && a == b;
    if (a.type() != b.type()) return false;
    if (a.is_number_float()) {
        const double x = a.get<double>(), y = b.get<double>();
        return x == y && std::signbit(x) == std::signbit(y);
    }
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

TEST_CASE("json: numbers keep nlohmann's kinds; beyond a double is refused") {
    CHECK(doc("0").is_number_unsigned());
    CHECK(doc("-0").type() == json::value_t::number_integer);
    CHECK(doc("-0").get<std::int64_t>() == 0);
    CHECK(doc("18446744073709551615").get<std::uint64_t>() == UINT64_MAX);
    CHECK(doc("18446744073709551616").is_number_float());  // past 64 bits: a double
    CHECK(doc("-9223372036854775808").get<std::int64_t>() == INT64_MIN);
    CHECK(doc("-9223372036854775808").type() == json::value_t::number_integer);
    CHECK(doc("-9223372036854775809").is_number_float());
    CHECK(doc("1.5e2").get<double>() == 150.0);
    CHECK(doc("1.0").is_number_float());
    CHECK(doc("1e-400").get<double>() == 0.0);  // underflows to zero: accepted
    for (const char* bad : {"1e400", "-1e400", "01", "-", "1.", ".5", "1e", "1e+", "+1", "0x1", "1 2", "--1", "NaN", "Infinity"}) {
        CAPTURE(bad);
        CHECK(why(bad) == json_failure::syntax);
    }
}

TEST_CASE("json: strings decode escapes; text that is not UTF-8, or a lone surrogate escaped, is not_utf8") {
    CHECK(doc(R"("a\"b\\c\/d\b\f\n\r\t")") == "a\"b\\c/d\b\f\n\r\t");
    CHECK(doc(R"("\u00e9\u20ac\ud83d\ude00")") == "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
    CHECK(doc("\"caf\xC3\xA9\"") == "caf\xC3\xA9");
    for (const char* bad : {R"("\ud800")", R"("\udc00")", R"("\ud800\u0041")", R"({"\ud800":1})",
                            "\"\xC0\xAF\"",           // overlong
                            "\"\xED\xA0\x80\"",       // a surrogate, raw
                            "\"\xF4\x90\x80\x80\"",   // above U+10FFFF
                            "\"\xE2\x82\"",           // truncated
                            "{\"a\":\"\xC3\x28\"}", "[\"\xff\"]"}) {
        CAPTURE(bad);
        CHECK(why(bad) == json_failure::not_utf8);
    }
    CHECK(why(R"("\\ud800")") == json_failure::none);  // an escaped backslash, then text
    for (const char* bad : {"\"a\nb\"", R"("\x")", R"("\u12")", R"("open)", "'single'"}) {
        CAPTURE(bad);
        CHECK(why(bad) == json_failure::syntax);
    }
}

TEST_CASE("json: an escaped \\u0000 is a character of the string; a raw NUL is refused wherever it stands") {
    // Each area refuses a NUL where it has no place, with its own code (the bad-input catalogue).
    CHECK(doc(R"("a\u0000b")") == std::string("a\0b", 3));
    CHECK(why(std::string("{}\0garbage", 10)) == json_failure::syntax);  // nlohmann alone would stop at the NUL
    CHECK(why(std::string("[1]\0", 4)) == json_failure::syntax);
    CHECK(why(std::string("\"a\0b\"", 5)) == json_failure::syntax);
    CHECK(why(std::string("\0", 1)) == json_failure::syntax);
}

TEST_CASE("json: an object naming a key twice is refused, however many keys and however spelled") {
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
    CHECK(why(R"({"l":[{"b":{"c":1,"c":1}}]})") == json_failure::duplicate_key);
}

TEST_CASE("json: the same rules hold for a SAX handler that builds no document") {
    json_strict_sax reader;
    CHECK(handoffkit::parse_json_sax(R"({"a":1,"b":{"a":2},"a":3})", reader) == json_failure::duplicate_key);
    json_strict_sax many;
    std::string text = "{";
    for (int i = 0; i < 40; ++i) text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    CHECK(handoffkit::parse_json_sax(text + "\"k17\":0}", many) == json_failure::duplicate_key);
    json_strict_sax deep;
    CHECK(handoffkit::parse_json_sax(nested(max_json_depth + 1), deep) == json_failure::too_deep);
    json_strict_sax ok;
    CHECK(handoffkit::parse_json_sax(R"({"a":[1,{"b":null}],"c":"d"})", ok) == json_failure::none);
    CHECK(ok.depth() == 0);
}

TEST_CASE("json: nesting, the size cap, the byte order mark, whitespace and what may follow a document") {
    CHECK(doc(nested(max_json_depth)).is_array());
    CHECK(why(nested(max_json_depth + 1)) == json_failure::too_deep);
    CHECK(why(nested(1000000)) == json_failure::too_deep);
    // Brackets inside strings (also after escaped quotes) do not count.
    CHECK(why("{\"a\":\"" + std::string(500, '[') + "\\\"" + std::string(500, '{') + "\"}") == json_failure::none);

    CHECK(why(std::string(max_json_bytes + 1, ' ')) == json_failure::too_large);
    std::string largest(max_json_bytes, ' ');
    largest.front() = '[';
    largest.back() = ']';
    CHECK(why(largest) == json_failure::none);

    CHECK(doc("\xEF\xBB\xBF{\"a\":1}").is_object());
    CHECK(why("\xEF\xBB\xBF{\"a\":1}", json_bom::refuse) == json_failure::syntax);
    CHECK(why("{\"a\":1}", json_bom::refuse) == json_failure::none);
    CHECK(why("\xEF\xBB{}") != json_failure::none);
    CHECK(why("\xEF\xBB\xBF") == json_failure::syntax);
    CHECK(doc(" \t\r\n{ \"a\" : [ 1 , 2 ] } \n").is_object());
    for (const char* bad : {"", " ", "{} {}", "{}x", "[1,]", "[,1]", "{\"a\":1,}", "{,}", "{\"a\"}", "{1:2}", "tru", "nul",
                            "[1 2]", "{\"a\":1 \"b\":2}", "/* c */ {}", "{} // c"}) {
        CAPTURE(bad);
        CHECK(why(bad) == json_failure::syntax);
    }
}

TEST_CASE("json: a refused text's reason has one precedence, whatever the parser met first") {
    const std::string deep = nested(max_json_depth + 1);
    // too deep anywhere beats a key named twice before it, and text that is not UTF-8.
    CHECK(why(R"({"a":1,"a":2,"b":"x)" "\xff" R"(","c":)" + deep + "}") == json_failure::too_deep);
    CHECK(why("{\"a\":[" + deep + "]") == json_failure::too_deep);  // also when the text ends early
    // A key named twice beats text that is not UTF-8 after it, and any syntax error.
    CHECK(why("{\"a\":1,\"a\":\"\xff\"}") == json_failure::duplicate_key);
    CHECK(why(R"({"a":1,"a":2,)") == json_failure::duplicate_key);
    CHECK(why(std::string("{\"a\":1,\"a\":2}\0", 14)) == json_failure::duplicate_key);
    // ...but only a key the parser reached: invalid UTF-8 before it stops the parse there.
    CHECK(why("{\"\xff\":1,\"a\":1,\"a\":2}") == json_failure::not_utf8);
    // not UTF-8 anywhere beats a syntax error before it.
    CHECK(why("{\"a\":1,} \"\xff\"") == json_failure::not_utf8);
    CHECK(why(R"(["\ud800")") == json_failure::not_utf8);
    // The size cap comes first of all.
    std::string huge(max_json_bytes + 1, '[');
    CHECK(why(huge) == json_failure::too_large);
}

TEST_CASE("json: a failure's message names the reason, never the input") {
    for (const auto& [text, reason] : std::vector<std::pair<std::string, std::string>>{
             {R"({"k":"secret-key-material)", "is not valid JSON"},
             {R"({"secret-key-material":1,"secret-key-material":2})", "names a key twice in one object"},
             {"{\"secret-key-material\xff\":1}", "is not UTF-8"},
             {nested(65), "nests deeper than 64 levels"}}) {
        const std::string message = handoffkit::json_failure_message(why(text), "the key set");
        const bool names_reason = message.find(reason) != std::string::npos;
        CHECK(names_reason);
        CHECK(message.find("secret") == std::string::npos);
    }
    CHECK(handoffkit::json_failure_message(json_failure::too_large, "the text") == "the text is over 32 MiB");
}

TEST_CASE("json: capture_next builds one value, a scalar or a container, into its target") {
    struct second_member : json_strict_sax {
        json taken;
        int members = 0;
        bool key(string_t& k) override {
            if (depth() == 1 && ++members == 2) capture_next(taken);
            return json_strict_sax::key(k);
        }
    };
    second_member scalar;
    CHECK(handoffkit::parse_json_sax(R"({"a":[1],"b":"x","c":3})", scalar) == json_failure::none);
    CHECK(scalar.taken == "x");
    second_member container;
    CHECK(handoffkit::parse_json_sax(R"({"a":1,"b":{"z":[true,null,{"y":-1.5}],"a":{}},"c":[2]})", container) ==
          json_failure::none);
    CHECK(handoffkit::dump_json(container.taken) == R"({"a":{},"z":[true,null,{"y":-1.5}]})");
    second_member twice;  // a captured object checks its own keys
    CHECK(handoffkit::parse_json_sax(R"({"a":1,"b":{"z":1,"z":2}})", twice) == json_failure::duplicate_key);
}

TEST_CASE("json: a handler refusing a value stops the parse as a syntax error") {
    struct no_strings : json_strict_sax {
        bool string(string_t&) override { return refuse(); }
    };
    no_strings reader;
    CHECK(handoffkit::parse_json_sax(R"({"a":1,"b":"x"})", reader) == json_failure::syntax);
    no_strings duplicate_first;
    CHECK(handoffkit::parse_json_sax(R"({"a":1,"a":"x"})", duplicate_first) == json_failure::duplicate_key);
}

TEST_CASE("json: every vectors file parses to what nlohmann's own parse gives it") {
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(HANDOFFKIT_VECTORS_DIR)) {
        if (entry.path().extension() != ".json") continue;
        const std::string text = read_file(entry.path());
        CAPTURE(entry.path().filename().string());
        json ours;
        REQUIRE(parse_json(text, ours) == json_failure::none);
        CHECK(identical(ours, json::parse(text)));
        ++files;
    }
    CHECK(files >= 6);
}

TEST_CASE("json: 60,000 mutations of vector values: accepted text round-trips, refused text has its reason") {
    const auto snippets = vector_snippets();
    REQUIRE(snippets.size() > 1000);
    // Bytes that change a JSON text's meaning most: structure, escapes, number parts, UTF-8 leads
    // and continuations, controls.
    const std::string alphabet = std::string("{}[]\":,\\/ubfnrt0123456789-+.eE \t\n\r") +
                                 std::string("\x00\x01\x1f\x7f\x80\xbf\xc0\xc3\xe0\xed\xef\xf0\xf4\xff", 14);
    // Pieces no single-byte edit is likely to make.
    const std::vector<std::string> fragments{R"(\ud83d\ude00)", R"(\ud800)", R"(\u0000)", "1e400", "-0", "-0.0",
                                             "18446744073709551616", "-9223372036854775809", "true", "null",
                                             std::string(70, '['), R"("k":1,"k":2)"};
    std::mt19937 rng(20261130);
    const auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
    int accepted = 0, failures = 0;
    for (int i = 0; i < 60000 && failures == 0; ++i) {
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
        CAPTURE(text);
        json first;
        const json_failure reason = parse_json(text, first);
        namespace d = handoffkit::detail;
        if (reason == json_failure::none) {
            ++accepted;
            // Written and read again: the same document, number kinds included, and the same text,
            // which is nlohmann's own.
            const std::string written = handoffkit::dump_json(first);
            CHECK(written == nlohmann_dump(first));
            json second;
            const bool round_trips = parse_json(written, second) == json_failure::none && identical(first, second) &&
                                     handoffkit::dump_json(second) == written;
            // And what was accepted obeys every rule.
            const bool obeys = d::is_valid_utf8(text) && !d::escapes_lone_surrogate(text) &&
                               text.find('\0') == std::string::npos && !d::json_nesting_exceeds(text, 64);
            CHECK(round_trips);
            CHECK(obeys);
            if (!round_trips || !obeys) ++failures;
            continue;
        }
        // A refusal's reason is one the text has, with the precedence.
        bool consistent = true;
        if (reason == json_failure::too_deep) consistent = d::json_nesting_exceeds(text, 64);
        else if (reason == json_failure::not_utf8)
            consistent = !d::json_nesting_exceeds(text, 64) && (!d::is_valid_utf8(text) || d::escapes_lone_surrogate(text));
        else if (reason == json_failure::syntax)
            consistent = !d::json_nesting_exceeds(text, 64) && d::is_valid_utf8(text) && !d::escapes_lone_surrogate(text);
        else if (reason == json_failure::duplicate_key) consistent = !d::json_nesting_exceeds(text, 64);
        CHECK(consistent);
        if (!consistent) ++failures;
    }
    CHECK(failures == 0);
    CHECK(accepted > 5000);  // the property is about accepted texts: enough of them must be made
}

TEST_CASE("json_writer: strings are escaped exactly as nlohmann escapes them, any bytes") {
    std::mt19937 rng(7);
    std::vector<std::string> samples{"", "plain", "a\"b", "a\\b", "line\nbreak", "\x7f", "caf\xC3\xA9", "\xff\xfe",
                                     std::string("nul\0x", 5), "\xE2\x82", "\xF0\x9F\x98\x80", "\t\b\f\r"};
    for (int i = 0; i < 2000; ++i) {
        std::string s(rng() % 12, '\0');
        for (char& c : s) c = static_cast<char>(rng() % 256);
        samples.push_back(s);
    }
    for (const auto& s : samples) {
        std::string out;
        json_writer(out).string(s);
        CHECK(out == nlohmann_dump(json(s)));
        std::string member;
        json_writer(member).begin_object().key(s).number(1).end_object();
        CHECK(member == nlohmann_dump(json{{s, 1}}));
    }
}

TEST_CASE("json_writer: members in sorted order give dump_json's text of the same document") {
    std::string out;
    json_writer w(out);
    w.begin_object().key("a").begin_array().number(-1).boolean(true).null().begin_object().end_object().begin_array()
        .end_array().string("x").end_array();
    w.key("b").raw(R"({"c":[1,2]})").key("d").value(json{{"y", 2}, {"x", 1.5}}).key("e").number(INT64_MAX).end_object();
    CHECK(out == R"({"a":[-1,true,null,{},[],"x"],"b":{"c":[1,2]},"d":{"x":1.5,"y":2},"e":9223372036854775807})");
    CHECK(out == nlohmann_dump(doc(out)));
    std::string empty;
    json_writer(empty).begin_array().end_array();
    CHECK(empty == "[]");
}

TEST_CASE("dump_json writes what nlohmann's dump writes: every vectors file, and random documents") {
    for (const auto& entry : std::filesystem::directory_iterator(HANDOFFKIT_VECTORS_DIR)) {
        if (entry.path().extension() != ".json") continue;
        CAPTURE(entry.path().filename().string());
        const json document = doc(read_file(entry.path()));
        CHECK(handoffkit::dump_json(document) == nlohmann_dump(document));
    }
    // Random documents of every kind: strings of any bytes, every number kind, floats of every
    // magnitude, nesting (a deeper one than the parser allows, too: writing has no depth limit).
    std::mt19937_64 rng(15);
    std::function<json(int)> random_value = [&](int depth) -> json {
        switch (rng() % (depth > 0 ? 9 : 7)) {
            case 0: return nullptr;
            case 1: return rng() % 2 == 0;
            case 2: return static_cast<std::int64_t>(rng());
            case 3: return static_cast<std::uint64_t>(rng());
            case 4: {
                double d;
                const std::uint64_t bits = rng();
                std::memcpy(&d, &bits, sizeof d);
                return d;  // NaN and infinities too: nlohmann writes null for them
            }
            case 5: return static_cast<double>(static_cast<std::int64_t>(rng() % 2000000) - 1000000) / 64.0;
            case 6: {
                std::string s(rng() % 10, '\0');
                for (char& c : s) c = static_cast<char>(rng() % 3 == 0 ? rng() % 256 : 'a' + rng() % 26);
                return s;
            }
            case 7: {
                json a = json::array();
                for (int i = static_cast<int>(rng() % 4); i > 0; --i) a.push_back(random_value(depth - 1));
                return a;
            }
            default: {
                json o = json::object();
                for (int i = static_cast<int>(rng() % 4); i > 0; --i) {
                    std::string k(rng() % 4, 'k');
                    if (!k.empty()) k[0] = static_cast<char>(rng() % 256);
                    o[k] = random_value(depth - 1);
                }
                return o;
            }
        }
    };
    int differences = 0;
    for (int i = 0; i < 5000; ++i) {
        const json document = random_value(6);
        if (handoffkit::dump_json(document) != nlohmann_dump(document)) ++differences;
    }
    CHECK(differences == 0);
    json deep = 1;
    for (int i = 0; i < 200; ++i) deep = json::array({deep, json{{"k", i}}});
    CHECK(handoffkit::dump_json(deep) == nlohmann_dump(deep));
}

TEST_CASE("dump_json replaces bytes that are not UTF-8 instead of throwing") {
    CHECK(handoffkit::dump_json(json("a\xff" "b")) == "\"a\xEF\xBF\xBD" "b\"");
    CHECK(handoffkit::dump_json(json{{"\xC3", 1}}) == "{\"\xEF\xBF\xBD\":1}");
}

namespace {
// The example of handoffkit/json.hpp's file comment, as it is written there.
struct iss_reader : handoffkit::json_strict_sax {
    std::string iss; bool is_iss = false;
    bool key(string_t& k) override { if (depth() == 1) is_iss = k == "iss"; return json_strict_sax::key(k); }
    bool string(string_t& s) override { if (depth() == 1 && is_iss) iss = s; return json_strict_sax::string(s); }
};
}  // namespace

TEST_CASE("json: the header's example reads one member under the strict rules") {
    iss_reader r;
    CHECK(handoffkit::parse_json_sax(R"({"a":{"iss":"inner"},"iss":"outer","b":[1]})", r) == json_failure::none);
    CHECK(r.iss == "outer");
    iss_reader twice;
    CHECK(handoffkit::parse_json_sax(R"({"iss":"a","iss":"b"})", twice) == json_failure::duplicate_key);
}
