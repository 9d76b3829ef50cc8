// Validating Teams deep links: parse with Boost.URL, classify by path, then run the checks of
// that kind. Every check appends problems; nothing stops early except input that cannot be
// parsed at all, so a report lists every problem at once.
#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <unordered_map>

#include <boost/url/decode_view.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/url_view.hpp>

#include "handoffkit/deeplink.hpp"
#include "deeplink_checks.hpp"
#include "json_fields.hpp"
#include "text_checks.hpp"

namespace handoffkit::deeplink {
namespace urls = boost::urls;
namespace text = handoffkit::detail;
namespace {

struct kind_spec {
    std::string_view kind;
    std::vector<std::string_view> params;  // known query parameters
};

const kind_spec& spec_of(std::string_view kind) {
    static const std::map<std::string_view, kind_spec> specs{
        {"handoff", {"handoff", {"users", "continuation"}}},
        {"chat", {"chat", {"users", "topicName", "message"}}},
        {"call", {"call", {"users", "withVideo", "source"}}},
        {"meeting", {"meeting", {"subject", "startTime", "endTime", "content", "attendees"}}},
        {"app", {"app", {"tenantId"}}},
        {"entity", {"entity", {"webUrl", "label", "context", "tenantId"}}},
        {"unknown", {"unknown", {}}},
    };
    return specs.at(kind);
}

class checker {
public:
    checker(link_report& report) : report_(report) {}

    void add(handoffkit::code c, severity level, std::string message) {
        report_.problems.push_back({c, level, std::move(message)});
    }
    void error(handoffkit::code c, std::string message) { add(c, severity::error, std::move(message)); }
    void warning(handoffkit::code c, std::string message) { add(c, severity::warning, std::move(message)); }

    /// The decoded value of the first parameter `name`, or null.
    const std::string* param(std::string_view name) const { return find(report_.params, name); }
    /// The same parameter as it stood in the URL, still percent-encoded (where a literal ','
    /// separates users and an encoded one belongs to an id).
    const std::string* encoded_param(std::string_view name) const { return find(encoded_, name); }
    void keep_encoded(std::string name, std::string value) { encoded_.emplace_back(std::move(name), std::move(value)); }

private:
    using pairs = std::vector<std::pair<std::string, std::string>>;
    static const std::string* find(const pairs& list, std::string_view name) {
        for (const auto& [k, v] : list)
            if (k == name) return &v;
        return nullptr;
    }

    link_report& report_;
    pairs encoded_;
};

bool host_allowed(std::string_view host, const std::vector<std::string>& allowed) {
    auto iequal = [](std::string_view a, std::string_view b) {
        return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
                   return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
               });
    };
    return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& h) { return iequal(h, host); });
}

// One decoded query parameter, with what the raw text said that decoding hides.
struct query_param {
    std::string key, value;
    std::string encoded;  // the value as it stood in the URL
};

// Decodes the query in a single pass, splitting it here rather than through Boost.URL 1.81's
// parameter views: iterating them reads past the end of the URL's memory, both through the
// url_view (an empty query before a fragment, "…/0/0?#x=1", found by our fuzzer under ASan) and
// through parse_query (the last value runs on to the next '&' in whatever bytes follow the URL,
// found when the wasm bindings began passing views into a shared buffer). The URL parsed, so the
// query's percent-encoding is valid; each piece is decoded by Boost.URL.
std::string decode_piece(std::string_view encoded) {
    auto pct = urls::make_pct_string_view(encoded);
    return pct ? pct->decode() : std::string(encoded);
}

std::vector<query_param> decode_query(const urls::url_view& u) {
    std::vector<query_param> out;
    if (!u.has_query()) return out;
    const std::string_view query = u.encoded_query();
    if (query.empty()) return out;
    for (std::size_t start = 0; start <= query.size();) {
        const auto end = std::min(query.find('&', start), query.size());
        const auto piece = query.substr(start, end - start);
        const auto eq = piece.find('=');
        const auto value = eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
        out.push_back({decode_piece(piece.substr(0, eq)), decode_piece(value), std::string(value)});
        start = end + 1;
    }
    return out;
}

// Classifies by path segments (compared decoded, without allocating); app/entity ids become
// parameters of the report.
std::string_view classify(const urls::url_view& u, const std::vector<query_param>& query, link_report& report) {
    std::vector<urls::pct_string_view> seg;
    for (auto s : u.encoded_segments()) seg.push_back(s);
    const auto is = [&](std::initializer_list<std::string_view> want) {
        return seg.size() == want.size() && std::equal(want.begin(), want.end(), seg.begin(),
                                                       [](std::string_view w, urls::pct_string_view s) { return *s == w; });
    };
    if (is({"l", "chat", "0", "0"})) {
        const bool has_continuation = std::any_of(query.begin(), query.end(), [](const query_param& p) { return p.key == "continuation"; });
        return has_continuation ? "handoff" : "chat";
    }
    if (is({"l", "call", "0", "0"})) return "call";
    if (is({"l", "meeting", "new"})) return "meeting";
    if (seg.size() == 3 && *seg[0] == "l" && *seg[1] == "app") {
        report.params.emplace_back("appId", seg[2].decode());
        return "app";
    }
    if (seg.size() == 4 && *seg[0] == "l" && *seg[1] == "entity") {
        report.params.emplace_back("appId", seg[2].decode());
        report.params.emplace_back("entityId", seg[3].decode());
        return "entity";
    }
    return "unknown";
}

void check_location(const urls::url_view& u, const validate_options& options, checker& c) {
    if (u.scheme_id() != urls::scheme::https) c.error(link_code::not_https, "scheme must be https, not " + std::string(u.scheme()));
    if (u.has_userinfo()) c.error(link_code::credentials_present, "the link carries user info before the host");
    if (u.has_port()) c.error(link_code::port_present, "Teams links carry no port");
    const std::string host = u.host();
    if (!host_allowed(host, options.allowed_hosts)) c.error(link_code::host_not_allowed, "host '" + host + "' is not in the allow-list");
    if (u.has_fragment()) c.warning(link_code::fragment_present, "the fragment is ignored by Teams");
}

bool same_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

// The parameter name of any kind that `key` spells in another case (not exactly), if any.
std::optional<std::string_view> known_in_another_case(std::string_view key) {
    for (std::string_view kind : {"handoff", "chat", "call", "meeting", "app", "entity"})
        for (std::string_view name : spec_of(kind).params)
            if (name != key && same_ignoring_case(name, key)) return name;
    return std::nullopt;
}

// Checks each query parameter for encoding-level problems, then moves them into the report.
void check_params(std::vector<query_param>&& query, std::string_view kind, link_report& report, checker& c) {
    const auto& known = spec_of(kind).params;
    std::unordered_map<std::string_view, int> seen;  // views into `query`, unchanged until the end
    for (const auto& [key, value, encoded] : query) {
        if (++seen[key] == 2)  // report the second occurrence, once
            c.error(link_code::param_duplicated, "parameter '" + key + "' appears more than once");
        if (kind != "unknown" && std::find(known.begin(), known.end(), key) == known.end()) {
            // `Users=` beside `users=`, or `Continuation=` in a chat link: a reader that compares
            // names without case could take either, so another spelling of a known name is an
            // error, not an extra parameter.
            if (const auto name = known_in_another_case(key))
                c.error(link_code::param_name_case, "parameter '" + key + "' is '" + std::string(*name) + "' in another case");
            else
                c.warning(link_code::param_unknown, "parameter '" + key + "' is not used by " + std::string(kind) + " links");
        }
        if (encoded.find('+') != std::string::npos)
            c.warning(link_code::plus_as_space, "'" + key + "' contains '+', which some decoders read as a space: encode a space as %20 and a plus as %2B");
        for (auto& e : detail::value_problems(key, value)) c.error(e.code, std::move(e.message));
    }
    for (auto& p : query) {
        c.keep_encoded(p.key, std::move(p.encoded));
        report.params.emplace_back(std::move(p.key), std::move(p.value));
    }
}

// users / attendees: comma-separated, none empty.
void check_user_list(checker& c, std::string_view name, bool required) {
    const std::string* users = c.encoded_param(name);
    if (!users) {
        if (required) c.error(link_code::users_missing, "the '" + std::string(name) + "' parameter is missing");
        return;
    }
    const std::string& s = *users;  // split on literal commas only: "a%2Cb" is one id
    if (s.empty() || s.front() == ',' || s.back() == ',' || s.find(",,") != std::string::npos)
        c.error(link_code::users_empty, "'" + std::string(name) + "' is empty or has an empty entry");
}

void check_handoff(checker& c) {
    check_user_list(c, "users", true);
    if (const std::string* users = c.param("users"); users && !users->empty()) {
        const bool one_bot = users->size() > 3 && users->compare(0, 3, "28:") == 0 && text::is_guid(users->substr(3));
        if (!one_bot) c.error(link_code::bot_id_invalid, "a handoff link's users must be exactly one bot id 28:<GUID>");
    }
    if (const std::string* token = c.param("continuation"); token && token->empty())
        c.error(link_code::continuation_empty, "the continuation parameter is empty");
}

void check_call(checker& c) {
    check_user_list(c, "users", true);
    if (const std::string* v = c.param("withVideo"); v && *v != "true" && *v != "false")
        c.warning(link_code::with_video_invalid, "withVideo should be true or false");
}

void check_meeting(checker& c) {
    for (std::string_view name : {"startTime", "endTime"})
        if (const std::string* t = c.param(name); t && !text::is_iso8601(*t))
            c.error(link_code::time_invalid, std::string(name) + " is not an ISO 8601 date-time");
    check_user_list(c, "attendees", false);
}

void check_entity(checker& c, std::string_view kind) {
    if (!text::is_guid(*c.param("appId"))) c.error(link_code::app_id_invalid, "app id must be a GUID");
    if (kind != "entity") return;
    if (c.param("entityId")->empty()) c.error(link_code::entity_id_empty, "entity id is empty");
    for (auto& e : detail::value_problems("entityId", *c.param("entityId"))) c.error(e.code, std::move(e.message));
    if (const std::string* web = c.param("webUrl")) {
        auto parsed = urls::parse_absolute_uri(*web);
        if (!parsed || parsed->scheme_id() != urls::scheme::https) c.error(link_code::web_url_invalid, "webUrl must be an absolute https URL");
    }
    if (const std::string* ctx = c.param("context"); ctx && !handoffkit::detail::is_json_object(*ctx))
        c.error(link_code::context_invalid, "context must be a JSON object");
}

void check_kind(std::string_view kind, checker& c, const validate_options& options) {
    if (kind == "handoff") check_handoff(c);
    else if (kind == "chat") check_user_list(c, "users", true);
    else if (kind == "call") check_call(c);
    else if (kind == "meeting") check_meeting(c);
    else if (kind == "app" || kind == "entity") check_entity(c, kind);
    else c.error(link_code::unknown_path, "the path is not a Teams deep link this library knows");

    if (options.expect_kind.empty() || options.expect_kind == kind) return;
    if (options.expect_kind == "handoff" && kind == "chat")
        c.error(link_code::continuation_missing, "a handoff link needs a continuation parameter");
    else
        c.error(link_code::kind_mismatch, "expected a " + options.expect_kind + " link, got " + std::string(kind));
}

}  // namespace

std::string_view to_string(severity s) { return s == severity::error ? "error" : "warning"; }

link_report validate(std::string_view url, const validate_options& options) {
    link_report report;
    report.kind = "unknown";
    checker c(report);
    if (url.size() > max_input_length) {
        c.error(input_code::input_too_large, "input is " + std::to_string(url.size()) + " bytes; at most " +
                                       std::to_string(max_input_length) + " are examined");
        return report;
    }
    if (url.size() > max_url_length)
        c.error(link_code::url_too_long, "the link has " + std::to_string(url.size()) + " characters; Teams handles at most " +
                                    std::to_string(max_url_length));
    auto parsed = urls::parse_uri(url);
    if (!parsed) {
        c.error(link_code::url_malformed, "not an absolute URI: " + parsed.error().message());
        return report;
    }
    const urls::url_view& u = *parsed;
    check_location(u, options, c);
    auto query = decode_query(u);
    report.kind = std::string(classify(u, query, report));
    check_params(std::move(query), report.kind, report, c);
    check_kind(report.kind, c, options);
    report.valid = std::none_of(report.problems.begin(), report.problems.end(),
                                [](const problem& p) { return p.level == severity::error; });
    return report;
}

}  // namespace handoffkit::deeplink
