// The typed C++ API of deeplink.hpp: properties that a table of vectors cannot express.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

#include <nlohmann/json.hpp>

#include "handoffkit/deeplink.hpp"
#include "handoffkit/json_api.hpp"

namespace dl = handoffkit::deeplink;

namespace {
const std::string guid = "00000000-0000-0000-0000-000000000000";

std::string param(const dl::link_report& r, const std::string& name) {
    for (const auto& [k, v] : r.params)
        if (k == name) return v;
    return "<missing>";
}
}  // namespace

TEST_CASE("normalize_bot_id prefixes once and refuses everything else") {
    CHECK(*dl::normalize_bot_id(guid) == "28:" + guid);
    CHECK(*dl::normalize_bot_id("28:" + guid) == "28:" + guid);
    for (const std::string& bad : std::vector<std::string>{"", "28:", "28:28:" + guid, "29:" + guid, guid + " ", "{" + guid + "}"}) {
        CAPTURE(bad);
        auto r = dl::normalize_bot_id(bad);
        REQUIRE_FALSE(r);
        CHECK(r.err().code == "BOT_ID_INVALID");
    }
}

TEST_CASE("every printable continuation survives build -> validate unchanged, or is refused as markup") {
    std::mt19937 rng(20261122);
    std::uniform_int_distribution<int> len(1, 200), ch(0x20, 0x7e);
    int refused = 0;
    for (int i = 0; i < 3000; ++i) {
        std::string token;
        for (int n = len(rng); n > 0; --n) token += static_cast<char>(ch(rng));
        if (i % 10 == 0) token.insert(token.size() / 2, i % 20 ? "<script>" : "JavaScript:");
        CAPTURE(token);
        auto link = dl::build_handoff_link({guid, token});
        if (!link) {
            CHECK(link.err().code == "SCRIPT_INJECTION");
            ++refused;
            continue;
        }
        CHECK(link->find(' ') == std::string::npos);
        CHECK(link->find('+', link->find("continuation=")) == std::string::npos);
        auto report = dl::validate(*link, {{std::string(dl::default_host)}, "handoff"});
        CHECK(param(report, "continuation") == token);
        CHECK(report.valid);
        CHECK(report.problems.empty());
    }
    CHECK(refused >= 300);  // every planted pattern is caught
}

TEST_CASE("builders refuse values the validator would reject") {
    auto bad_utf8 = dl::build_chat_link({{"alice@contoso.com"}, "", "caf\xC3"});
    REQUIRE_FALSE(bad_utf8);
    CHECK(bad_utf8.err().code == "INVALID_UTF8");
    auto control = dl::build_call_link({{std::string("ali\x7f""ce")}, false, ""});
    REQUIRE_FALSE(control);
    CHECK(control.err().code == "CONTROL_CHARACTER");
    auto nul = dl::build_handoff_link({guid, std::string("a\0b", 3)});
    REQUIRE_FALSE(nul);
    CHECK(nul.err().code == "CONTROL_CHARACTER");
    auto markup = dl::build_entity_link({"f47ac10b-58cc-4372-a567-0e02b2c3d479", "<img src=x onerror=alert(1)>", "", "", ""});
    REQUIRE_FALSE(markup);
    CHECK(markup.err().code == "SCRIPT_INJECTION");
    // Line breaks are fine in free text, not in ids.
    CHECK(dl::build_chat_link({{"alice@contoso.com"}, "", "line 1\r\nline 2"}));
    CHECK_FALSE(dl::build_chat_link({{"alice@contoso.com\n"}, "", ""}));
}

TEST_CASE("multi-byte UTF-8 survives a chat message round trip") {
    const std::string message = "Grüße, 東京 🚀 & more";
    auto link = dl::build_chat_link({{"alice@contoso.com"}, "Thema: Übergabe", message});
    REQUIRE(link);
    auto report = dl::validate(*link);
    CHECK(report.valid);
    CHECK(param(report, "message") == message);
    CHECK(param(report, "topicName") == "Thema: Übergabe");
}

TEST_CASE("validation never throws on arbitrary bytes") {
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> len(0, 300), byte(0, 255);
    const std::string prefix = "https://teams.microsoft.com/l/chat/0/0?users=28:" + guid + "&continuation=";
    for (int i = 0; i < 5000; ++i) {
        std::string s = i % 2 ? prefix : "";
        for (int n = len(rng); n > 0; --n) s += static_cast<char>(byte(rng));
        dl::link_report r;
        CHECK_NOTHROW(r = dl::validate(s));
        const bool has_error = std::any_of(r.problems.begin(), r.problems.end(),
                                           [](const dl::problem& p) { return p.level == dl::severity::error; });
        CHECK(r.valid == !has_error);
        for (const auto& p : r.problems) CHECK_FALSE(p.code.name().empty());
    }
}

TEST_CASE("input beyond the examined size is refused without parsing") {
    const std::string huge(dl::max_input_length + 1, 'a');
    auto r = dl::validate(huge);
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].code == "INPUT_TOO_LARGE");
    CHECK_FALSE(r.valid);
}

TEST_CASE("an empty allow-list accepts no host") {
    auto r = dl::validate("https://teams.microsoft.com/l/app/" + guid, {{}, ""});
    CHECK_FALSE(r.valid);
    CHECK(r.problems.at(0).code == "HOST_NOT_ALLOWED");
}

TEST_CASE("validate reads only the bytes of its view, not what follows them in memory") {
    // The wasm bindings pass views into one shared input buffer, with the previous call's bytes
    // after them and no NUL: nothing may run past the end.
    const std::string link = "https://teams.microsoft.com/l/chat/0/0?users=28:00000000-0000-0000-0000-000000000000&continuation=abc";
    const std::string memory = link + "def&users=x%ZZ";
    const auto report = handoffkit::deeplink::validate(std::string_view(memory.data(), link.size()));
    CHECK(report.valid);
    std::map<std::string, std::string> params(report.params.begin(), report.params.end());
    CHECK(params["continuation"] == "abc");
    CHECK(params["users"] == "28:00000000-0000-0000-0000-000000000000");
    const auto envelope = nlohmann::json::parse(handoffkit::json_api::validate_deep_link(std::string_view(memory.data(), link.size()), ""));
    CHECK(envelope["value"]["params"]["continuation"] == "abc");

    // A link that ends in its path, followed in memory by more path.
    const std::string app = "https://teams.microsoft.com/l/app/f47ac10b-58cc-4372-a567-0e02b2c3d479";
    const std::string app_memory = app + "/more/segments?x=1";
    const auto app_report = handoffkit::deeplink::validate(std::string_view(app_memory.data(), app.size()));
    CHECK(app_report.kind == "app");
    CHECK(app_report.valid);
}
