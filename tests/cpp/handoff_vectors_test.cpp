// tests/vectors/handoff.json through the C++ JSON API (json_api_handoff.hpp): the handoff
// pipeline's answers that every runtime must agree on, its store steps performed here against a
// memory guard, as the npm handler performs them against its async stores.
#include <doctest/doctest.h>

#include <map>
#include <memory>

#include "handoffkit/json_api_handoff.hpp"
#include "test_stores.hpp"
#include "vectors.hpp"

namespace {
using nlohmann::json;
namespace api = handoffkit::json_api;
namespace tk = handoffkit::token;

const json& vectors() {
    static const json v = handoffkit::test::load_vectors("handoff.json");
    return v;
}

// `over` merged into `base`: objects member by member, null removing a member.
void merge(json& base, const json& over) {
    for (const auto& item : over.items()) {
        if (item.value().is_null()) base.erase(item.key());
        else if (item.value().is_object() && base.contains(item.key()) && base[item.key()].is_object())
            merge(base[item.key()], item.value());
        else base[item.key()] = item.value();
    }
}

std::string activity_text(const json& delivery, const std::map<std::string, std::string>& tokens) {
    if (delivery.contains("activityText")) return delivery["activityText"];
    json a = handoffkit::test::load_vectors("invoke.json")["seedActivity"];
    const json& spec = delivery["activity"];
    if (spec.contains("token") && spec["token"].is_string()) {
        const std::string name = spec["token"];
        a["value"]["continuation"] = tokens.count(name) ? tokens.at(name) : name;
    }
    if (spec.contains("seed")) merge(a, spec["seed"]);
    return a.dump();
}

// Performs one store step of the session against `store`, as the store's answer text.
std::string perform(const json& step, tk::replay_guard& store, std::int64_t now) {
    const std::string key = step["key"];
    const std::string jti = key.substr(4);  // "ctx:<jti>" or "jti:<jti>"
    json answer;
    if (step["op"] == "load") {
        REQUIRE(key.rfind("ctx:", 0) == 0);
        auto loaded = store.load_context(jti, now);
        if (!loaded) return json{{"error", loaded.err().message}}.dump();
        answer["value"] = *loaded ? json(**loaded) : json();
        return answer.dump();
    }
    REQUIRE(step["op"] == "mark");
    REQUIRE(key.rfind("jti:", 0) == 0);
    auto marked = store.mark({jti, step["value"], step["keepUntil"], ""}, now);
    if (!marked) return json{{"error", marked.err().message}}.dump();
    answer["value"] = marked->outcome == tk::mark_outcome::fresh ? json() : json(marked->record.value_or(""));
    return answer.dump();
}

json followup_summary(const json& followups) {
    json out = json::array();
    for (const auto& f : followups) {
        json s{{"type", f["type"]}};
        if (f.contains("text")) s["text"] = f["text"];
        out.push_back(s);
    }
    return out;
}

}  // namespace

TEST_CASE("handoff vectors: every case, in every delivery, through the JSON API session") {
    const json& v = vectors();
    REQUIRE(v["cases"].size() >= 25);
    const std::int64_t now = v["now"];
    for (const auto& c : v["cases"]) {
        CAPTURE(c["name"].get<std::string>());
        tk::memory_replay_guard memory, elsewhere;
        handoffkit::test::unavailable_store down;
        tk::replay_guard& store = c.value("store", "memory") == "down" ? static_cast<tk::replay_guard&>(down) : memory;
        std::map<std::string, std::string> tokens;
        for (const auto& t : c["tokens"].items()) {
            const json& spec = t.value();
            const std::string keys = spec.value("keys", "") == "other" ? v["otherKeys"].dump() : v["keys"].dump();
            tk::memory_replay_guard& keep = spec.value("store", "") == "elsewhere" ? elsewhere : memory;
            const json made = json::parse(api::create_handoff_stored(spec["create"].dump(), keys, keep));
            REQUIRE_MESSAGE(made["ok"] == true, made.dump());
            tokens[t.key()] = made["value"]["token"];
        }
        json options{{"botId", v["botId"]}, {"now", now}};
        if (c.contains("config")) merge(options, c["config"]);
        if (c.contains("inbound")) merge(options, c["inbound"]);
        int n = 0;
        for (const auto& d : c["deliveries"]) {
            CAPTURE(n++);
            api::handoff_session session;
            json out = json::parse(session.start(activity_text(d, tokens), v["keys"].dump(), options.dump()));
            for (int steps = 0; out["ok"] == true && out["value"].contains("step"); ++steps) {
                REQUIRE(steps < 3);
                out = json::parse(session.answer(perform(out["value"]["step"], store, now)));
            }
            REQUIRE_MESSAGE(out["ok"] == true, out.dump());
            const json& o = out["value"]["outcome"];
            const json& e = d["expect"];
            CHECK(o["status"] == e["status"]);
            CHECK(o["code"] == e["code"]);
            CHECK(o["redeemed"] == e["redeemed"]);
            CHECK(o["retry"] == e["retry"]);
            CHECK(o["forTheApp"] == e["forTheApp"]);
            CHECK(o["context"] == e["context"]);
            CHECK(followup_summary(o["followups"]) == e["followups"]);
            if (o["status"] == 200) CHECK(o["body"] == "");
            else CHECK(json::parse(o["body"].get<std::string>())["error"]["code"] == e["code"]);
            for (const auto& t : tokens) CHECK(o["body"].get<std::string>().find(t.second) == std::string::npos);
            CHECK(o["handoff"].is_null() == !(e["redeemed"] == true && e["retry"] == false));
        }
    }
}
