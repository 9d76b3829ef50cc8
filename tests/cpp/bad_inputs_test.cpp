// The bad-input catalogue (tests/vectors/bad-inputs.json) through every JSON API entry point in
// C++: the same cases Node and Chromium run through the npm API (tests/support/bad-input-cases.mjs).
#include <doctest/doctest.h>


#include <cstdio>
#include <functional>
#include <algorithm>
#include <map>
#include <set>

#include "handoffkit/invoke.hpp"
#include "handoffkit/json_api.hpp"
#include "handoffkit/json_api_cards.hpp"
#include "handoffkit/json_api_eligibility.hpp"
#include "handoffkit/json_api_handoff.hpp"
#include "handoffkit/json_api_token.hpp"
#include "handoffkit/replay_guard.hpp"
#include "vectors.hpp"

namespace {
using nlohmann::json;
namespace api = handoffkit::json_api;

// $notUtf8 inside an object: nlohmann will not serialize invalid UTF-8, so a marker stands in
// for the bytes and is replaced in the text.
const std::string not_utf8_bytes = "\xED\xA0\x80";  // U+D800 encoded: a surrogate, not a character
const std::string not_utf8_marker = "<<not-utf8>>";

bool is_generator(const json& v) {
    return v.is_object() && !v.empty() && v.begin().key().front() == '$';
}

std::string expand_text(const json& v, const std::string& not_utf8) {
    if (v.is_string()) return v.get<std::string>();
    if (v.contains("$notUtf8")) return not_utf8;
    if (v.contains("$repeat")) {
        std::string out;
        const auto piece = v["$repeat"].get<std::string>();
        for (int i = 0; i < v["times"].get<int>(); ++i) out += piece;
        return out;
    }
    REQUIRE_MESSAGE(v.contains("$concat"), "unknown generator " << v.dump());
    std::string out;
    for (const auto& part : v["$concat"]) out += expand_text(part, not_utf8);
    return out;
}

json expand_value(const json& v) {
    if (v.is_array()) {
        json out = json::array();
        for (const auto& x : v) out.push_back(expand_value(x));
        return out;
    }
    if (!v.is_object()) return v;
    if (v.contains("$array")) return json(std::vector<json>(v["times"].get<std::size_t>(), expand_value(v["$array"])));
    if (v.contains("$nest")) {
        json inner = expand_value(v["inner"]);
        for (int i = 0; i < v["$nest"].get<int>(); ++i) inner = json{{"a", std::move(inner)}};
        return inner;
    }
    if (is_generator(v)) return expand_text(v, not_utf8_marker);
    json out = json::object();
    for (const auto& [k, x] : v.items()) out[k] = expand_value(x);
    return out;
}

// One argument as the JSON API takes it: text as is, an object as its JSON text.
std::string argument(const json& v) {
    if (v.is_string() || is_generator(v) && !v.contains("$nest") && !v.contains("$array"))
        return expand_text(v, not_utf8_bytes);
    std::string text = expand_value(v).dump();
    for (auto at = text.find(not_utf8_marker); at != std::string::npos; at = text.find(not_utf8_marker, at))
        text.replace(at, not_utf8_marker.size(), not_utf8_bytes);
    return text;
}

// {"body":…,"signature":…,"key":…} with the texts' bytes as they are (only quotes, backslashes
// and controls escaped), so text that is not UTF-8 reaches the core's parser as such.
std::string delivery_request(const std::vector<std::string>& a) {
    auto quoted = [](const std::string& s) {
        std::string out = "\"";
        for (char c : s) {
            if (c == '"' || c == '\\') out += '\\';
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += c;
            }
        }
        return out + "\"";
    };
    return "{\"body\":" + quoted(a[0]) + ",\"signature\":" + quoted(a[1]) + ",\"key\":" + quoted(a[2]) + "}";
}

using entry = std::function<std::string(const std::vector<std::string>&)>;

const std::map<std::string, entry>& entries() {
    static const std::map<std::string, entry> all{
        {"buildHandoffLink", [](const auto& a) { return api::build_handoff_link(a[0]); }},
        {"buildDeepLink", [](const auto& a) { return api::build_deep_link(a[0]); }},
        {"validateDeepLink", [](const auto& a) { return api::validate_deep_link(a[0], a[1]); }},
        {"buildOpenUrlAction", [](const auto& a) { return api::build_open_url_action(a[0]); }},
        {"buildCard", [](const auto& a) { return api::build_card(a[0]); }},
        {"buildHandoffCard", [](const auto& a) { return api::build_handoff_card(a[0]); }},
        {"validateCard", [](const auto& a) { return api::validate_card(a[0], a[1]); }},
        {"issueToken", [](const auto& a) { return api::issue_token(a[0], a[1]); }},
        {"verifyToken", [](const auto& a) { return api::verify_token(a[0], a[1], a[2]); }},
        {"inspectToken", [](const auto& a) { return api::inspect_token(a[0]); }},
        {"evaluateEligibility", [](const auto& a) { return api::evaluate_eligibility(a[0], a[1]); }},
        {"createHandoff", [](const auto& a) { return api::create_handoff(a[0], a[1]); }},
        {"planEligibilityFixes", [](const auto& a) { return api::plan_eligibility_fixes(a[0]); }},
        {"verifyHandoffDelivery", [](const auto& a) { return api::verify_handoff_delivery(delivery_request(a)); }},
    };
    return all;
}

// handoffHandler(config).handle(activity) as the JSON API runs it: the config's keys apart, the
// rest as the session's options; the outcome's code unless the call itself failed. The store
// (a counting memory guard) must not be asked by any of these cases.
std::vector<std::string> handoff_codes(const json& config, const std::string& activity) {
    json options = config;
    options.erase("keys");
    options["now"] = 1'700'000'000;
    api::handoff_session session;
    const json out = json::parse(session.start(activity, config["keys"].dump(), options.dump()));
    if (!out["ok"].get<bool>()) return {out["error"]["code"].get<std::string>()};
    REQUIRE_MESSAGE(out["value"].contains("outcome"), "the store was asked: " << out.dump());
    CHECK(out["value"]["outcome"]["status"].get<int>() >= 400);
    return {out["value"]["outcome"]["code"].get<std::string>()};
}

// The error's code, or the problem codes of a report that is not valid; empty for a success.
std::vector<std::string> codes_of(const std::string& envelope) {
    const json j = json::parse(envelope);
    if (!j["ok"].get<bool>()) return {j["error"]["code"].get<std::string>()};
    std::vector<std::string> out;
    if (j["value"].is_object() && j["value"].value("valid", true) == false)
        for (const auto& p : j["value"]["problems"]) out.push_back(p["code"].get<std::string>());
    return out;
}

bool contains(const std::vector<std::string>& codes, const std::string& code) {
    return std::find(codes.begin(), codes.end(), code) != codes.end();
}

}  // namespace

TEST_CASE("bad-input catalogue: every case ends in its coded error through the JSON API") {
    const json catalogue = handoffkit::test::load_vectors("bad-inputs.json");
    int checked = 0;
    for (const auto& c : catalogue["cases"]) {
        std::vector<std::string> args;
        for (const auto& a : c["args"]) args.push_back(argument(a));
        args.resize(3);  // absent arguments are empty texts (defaults)
        const auto name = c["name"].get<std::string>();
        const auto entry_name = c["entry"].get<std::string>();
        std::vector<std::string> codes;
        if (entry_name == "redeemToken") {
            // A failed redemption consumes nothing: the same guard still redeems a good token.
            handoffkit::token::memory_replay_guard guard;
            codes = codes_of(api::redeem_token(args[0], args[1], args[2], guard));
            const json options = json::parse(args[2]);
            const json request{{"botId", options["botId"]}, {"now", options["now"]}, {"random", std::string(32, 'a')}};
            const json issued = json::parse(api::issue_token(request.dump(), args[1]));
            REQUIRE(issued["ok"] == true);
            const json after = json::parse(api::redeem_token(issued["value"]["token"].get<std::string>(), args[1], args[2], guard));
            CHECK_MESSAGE(after["ok"] == true, name << ": the guard refused a good token afterwards: " << after.dump());
        } else if (entry_name == "handoffHandler") {
            codes = handoff_codes(expand_value(c["args"][0]), args[1]);
        } else {
            REQUIRE_MESSAGE(entries().count(entry_name), "unknown entry " << entry_name);
            codes = codes_of(entries().at(entry_name)(args));
        }
        CHECK_MESSAGE(contains(codes, c["code"].get<std::string>()),
                      name << ": expected " << c["code"] << ", got " << json(codes).dump());
        ++checked;
    }
    CHECK(checked == static_cast<int>(catalogue["cases"].size()));
    CHECK(checked >= 70);
}

TEST_CASE("bad-input catalogue: every JSON API entry point that takes input has cases") {
    const json catalogue = handoffkit::test::load_vectors("bad-inputs.json");
    std::set<std::string> covered;
    for (const auto& c : catalogue["cases"]) covered.insert(c["entry"].get<std::string>());
    // (Not a structured binding: clang 14, the wasm build's compiler, cannot capture one in CHECK's lambda.)
    for (const auto& entry : entries()) CHECK_MESSAGE(covered.count(entry.first), entry.first << " has no bad inputs");
    CHECK(covered.count("redeemToken"));
    CHECK(covered.count("handoffHandler"));
}
