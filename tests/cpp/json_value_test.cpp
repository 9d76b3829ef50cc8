// The core's JSON document (json_value.hpp): the meaning it keeps from nlohmann::json, and its
// text, checked against nlohmann's dump: byte for byte on strings (any bytes), integers and common
// floats; for any double, the same layout and length, read back exactly.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "json_value.hpp"

using handoffkit::detail::json;

namespace {

std::string reference_dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

double random_double(std::mt19937_64& rng) {
    // Any bit pattern: every exponent and mantissa, NaN and infinities included.
    const std::uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
}

}  // namespace

TEST_CASE("json: a braced list of [string, value] pairs is an object, any other list an array") {
    const json object{{"b", 1}, {"a", {{"c", true}}}};
    REQUIRE(object.is_object());
    CHECK(object.dump() == R"({"a":{"c":true},"b":1})");
    CHECK(json{{"a", 1}, {"b"}}.is_array());
    CHECK(json{{1, 2}, {3, 4}}.dump() == "[[1,2],[3,4]]");
    CHECK(json{"x", "y", "z"}.dump() == R"(["x","y","z"])");
    CHECK(json{}.is_null());
    CHECK(json::array().dump() == "[]");
    CHECK(json::object().dump() == "{}");
    // A list of strings is an array of strings.
    CHECK(json(std::vector<std::string>{"b", "a"}).dump() == R"(["b","a"])");
    CHECK(json(std::set<std::string_view>{"b", "a"}).dump() == R"(["a","b"])");
}

TEST_CASE("json: members, items and the never-throwing const lookups") {
    json j = json::object();
    j["b"] = "x";
    j["a"]["nested"] = 1;  // a null member becomes an object
    j["list"].push_back(2);  // a null member becomes an array
    j["list"].push_back(nullptr);
    CHECK(j.dump() == R"({"a":{"nested":1},"b":"x","list":[2,null]})");
    CHECK(j.contains("b"));
    CHECK_FALSE(j.contains("c"));
    CHECK(j.size() == 3);
    const json& c = j;
    CHECK(c["missing"].is_null());           // absent: null, never a throw
    CHECK(c["b"]["inside a string"].is_null());  // not an object: null
    CHECK(c.find("missing") == c.end());
    CHECK(c.find("b")->get_ref<const std::string&>() == "x");
    std::vector<std::string> keys;
    for (const auto& item : c.items()) keys.push_back(item.key());
    CHECK(keys == std::vector<std::string>{"a", "b", "list"});
    j.update(json{{"b", false}, {"c", 3}});
    CHECK(j.dump() == R"({"a":{"nested":1},"b":false,"c":3,"list":[2,null]})");
    CHECK(json().size() == 0);
    CHECK(json(5).size() == 1);
    CHECK(json().begin() == json().end());
    CHECK(json(json::value_t::discarded).is_discarded());
}

TEST_CASE("json: copies are deep, moves leave null, kinds of numbers are kept") {
    json a{{"k", {1, 2}}};
    json b = a;
    b["k"].push_back(3);
    CHECK(a.dump() == R"({"k":[1,2]})");
    CHECK(b.dump() == R"({"k":[1,2,3]})");
    json c = std::move(b);
    CHECK(b.is_null());
    CHECK(c["k"].size() == 3);
    CHECK(json(std::int64_t{-1}).type() == json::value_t::number_integer);
    CHECK(json(std::uint64_t{1}).type() == json::value_t::number_unsigned);
    CHECK(json(1.0).type() == json::value_t::number_float);
    CHECK(json(1) == json(1u));
    CHECK(json(1) == json(1.0));
    CHECK(json(-1) != json(std::numeric_limits<std::uint64_t>::max()));
    CHECK(json(std::uint64_t{1} << 63).get<std::int64_t>() == std::numeric_limits<std::int64_t>::min());
    CHECK(json("s").get<std::int64_t>() == 0);  // a wrong kind gives 0, never a throw
}

TEST_CASE("json::dump writes integers and the special floats as nlohmann does") {
    for (const nlohmann::json& n : {nlohmann::json(0), nlohmann::json(-1), nlohmann::json(std::numeric_limits<std::int64_t>::min()),
                                    nlohmann::json(std::numeric_limits<std::int64_t>::max()),
                                    nlohmann::json(std::numeric_limits<std::uint64_t>::max())}) {
        const json ours = n.is_number_unsigned() ? json(n.get<std::uint64_t>()) : json(n.get<std::int64_t>());
        CHECK(ours.dump() == reference_dump(n));
    }
    for (double d : {0.0, -0.0, 1.0, -1.0, 0.1, 1.5, 100.0, 1e15, 1e16, 1e17, 123456789012345678.0, 0.001, 0.0001, 0.00001,
                     1e-7, 1.5e-7, 1e21, 1e22, 1e300, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 3.14159,
                     std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                     std::numeric_limits<double>::quiet_NaN()}) {
        CAPTURE(d);
        CHECK(json(d).dump() == reference_dump(nlohmann::json(d)));
    }
}

TEST_CASE("json::dump writes 100,000 random doubles as short as nlohmann does, and they read back exactly") {
    // Grisu2 (nlohmann) is not always shortest, and where several 17-digit texts read back the
    // same it may pick another last digit than the core; all are exact. The layout must agree
    // (plain or with an exponent, the same exponent) and the core's text must be no longer.
    std::mt19937_64 rng(20261130);
    int differences = 0;
    for (int i = 0; i < 100000 && differences < 5; ++i) {
        const double d = random_double(rng);
        const std::string ours = json(d).dump();
        const std::string expected = reference_dump(nlohmann::json(d));
        const auto exponent = [](const std::string& t) { return t.find('e') == std::string::npos ? "" : t.substr(t.find('e')); };
        const auto integer_digits = [](const std::string& t) { return t.find('e') == std::string::npos ? t.find('.') : 0; };
        const bool same_layout = ours.size() <= expected.size() && exponent(ours) == exponent(expected) &&
                                 integer_digits(ours) == integer_digits(expected);
        const bool exact = !std::isfinite(d) ? ours == "null" : std::strtod(ours.c_str(), nullptr) == d;
        if (!same_layout || !exact) {
            ++differences;
            CAPTURE(d);
            CHECK(ours == expected);
        }
    }
    CHECK(differences == 0);
}

TEST_CASE("json::dump escapes strings as nlohmann does, and replaces ill-formed UTF-8 the same way") {
    for (const std::string& s : std::vector<std::string>{"", "plain", "a\"b\\c", "\b\f\n\r\t", std::string("\0\x01\x1f", 3), "\x7f",
                                                         "caf\xC3\xA9", "\xF0\x9F\x98\x80", "\xC3", "\xC3(", "\xE2\x82", "\xE2\x82(",
                                                         "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xC0\xAF", "\xFF", "\xE0\x80\x80",
                                                         "\xF0\x80", "a\xF0\x9F\x98"}) {
        CAPTURE(s);
        CHECK(json(s).dump() == reference_dump(nlohmann::json(s)));
    }
    // Random byte strings weighted to UTF-8 leads, continuations and escapes.
    const std::string alphabet = std::string("ab\"\\/\n\x01\x1f\x7f", 9) +
                                 "\x80\x8f\x90\x9f\xa0\xbf\xc0\xc1\xc2\xdf\xe0\xe1\xed\xee\xef\xf0\xf1\xf4\xf5\xff";
    std::mt19937 rng(7);
    int differences = 0;
    for (int i = 0; i < 50000 && differences < 5; ++i) {
        std::string s(std::uniform_int_distribution<std::size_t>(0, 12)(rng), ' ');
        for (char& c : s) c = alphabet[std::uniform_int_distribution<std::size_t>(0, alphabet.size() - 1)(rng)];
        const std::string expected = reference_dump(nlohmann::json(s));
        if (json(s).dump() != expected) {
            ++differences;
            CAPTURE(s);
            CHECK(json(s).dump() == expected);
        }
        // Keys are written the same way.
        CHECK(json{{s, 1}}.dump() == reference_dump(nlohmann::json{{s, 1}}));
    }
    CHECK(differences == 0);
}
