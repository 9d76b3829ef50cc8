#include "handoffkit/service_url.hpp"

#include <algorithm>
#include <cctype>

#include <boost/url/ipv4_address.hpp>
#include <boost/url/ipv6_address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace handoffkit::service_url {
namespace urls = boost::urls;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string without_brackets(std::string s) {
    if (s.size() > 2 && s.front() == '[' && s.back() == ']') return s.substr(1, s.size() - 2);
    return s;
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// An allow-list entry names the host exactly, or is "*.suffix" for every name below the suffix.
bool entry_matches(const std::string& entry, const std::string& host) {
    const std::string e = without_brackets(lower(entry));
    if (e.size() > 2 && e.compare(0, 2, "*.") == 0) {
        const std::string_view suffix = std::string_view(e).substr(1);  // ".example.com"
        return host.size() > suffix.size() && ends_with(host, suffix);
    }
    return e == host;
}

bool port_valid(std::string_view port) {
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }))
        return false;
    const unsigned long n = std::stoul(std::string(port));
    return n >= 1 && n <= 65535;
}

error invalid(const std::string& why) { return fail(handoff_code::service_url_invalid, "serviceUrl " + why); }
error not_allowed(const std::string& why) { return fail(handoff_code::service_url_not_allowed, "serviceUrl " + why); }

// The parts of the URL a follow-up uses, or why it cannot be one.
result<target> parse(std::string_view text) {
    if (text.size() > max_length) return invalid("is longer than " + std::to_string(max_length) + " characters");
    auto parsed = urls::parse_uri(text);
    if (!parsed) return invalid("is not an absolute URL");
    const urls::url_view& u = *parsed;
    target t;
    if (u.scheme_id() == urls::scheme::https) t.tls = true;
    else if (u.scheme_id() != urls::scheme::http) return invalid("must be http or https");
    if (u.has_userinfo()) return invalid("carries user info before the host");
    if (u.has_query() || u.has_fragment()) return invalid("has a query or fragment");
    const std::string_view encoded_host = u.encoded_host();
    if (encoded_host.empty()) return invalid("has no host");
    // After an authority the path is empty or starts with "/" (RFC 3986 §3.3). Boost.URL 1.81
    // takes the IPv4-looking start of "127.0.0.1.nip.io" for the host and the rest for the path:
    // refused, so this check and a resolver never read two different hosts from one URL.
    if (const std::string_view path = u.encoded_path(); !path.empty() && path.front() != '/')
        return invalid("has a host that does not end where an address would");
    if (encoded_host.find('%') != std::string_view::npos) return invalid("has a percent-encoded host");
    if (u.host_type() != urls::host_type::name && u.host_type() != urls::host_type::ipv4 &&
        u.host_type() != urls::host_type::ipv6)
        return invalid("has a host that is neither a name nor an IP address");
    t.host = without_brackets(lower(encoded_host));
    if (u.has_port() && !port_valid(u.port())) return invalid("has a port outside 1..65535");
    t.port = u.has_port() ? std::string(u.port()) : (t.tls ? "443" : "80");
    t.loopback = is_loopback_host(t.host);
    return t;
}

}  // namespace

// The Bot Connector hosts of the public cloud, as Microsoft documents them:
// - smba.trafficmanager.net: "API reference for the Bot Framework Connector service", section
//   "Base URI" ("When you don't already have a service URL for the channel, use
//   https://smba.trafficmanager.net/teams/"), https://learn.microsoft.com/en-us/azure/bot-service/
//   rest-api/bot-framework-rest-connector-api-reference ; Teams' regional serviceUrls
//   (/amer/, /emea/, /apac/, …) are paths on that host.
// - *.botframework.com: "Bot Framework security and privacy FAQ", the URLs to allow in an outbound
//   firewall ("*.botframework.com (channels)"), https://learn.microsoft.com/en-us/azure/bot-service/
//   bot-service-resources-faq-security
// Government and sovereign clouds (smba.infra.gcc.teams.microsoft.com, …) are not the public
// cloud: name them with --allow-service-url-host.
std::vector<std::string> default_allowed_hosts() { return {"smba.trafficmanager.net", "*.botframework.com"}; }

bool is_loopback_host(std::string_view host) {
    const std::string h = without_brackets(lower(host));
    if (h == "localhost") return true;
    if (auto v4 = urls::parse_ipv4_address(h)) return (v4->to_uint() >> 24) == 127;
    if (auto v6 = urls::parse_ipv6_address(h)) return v6->is_loopback();
    return false;
}

result<target> check(std::string_view service_url, const policy& p) {
    auto parsed = parse(service_url);
    if (!parsed) return parsed;
    target t = std::move(parsed).value();
    if (!t.tls && !t.loopback) return not_allowed("uses plain http to a host that is not loopback");
    const bool named = std::any_of(p.allowed_hosts.begin(), p.allowed_hosts.end(),
                                   [&](const std::string& e) { return entry_matches(e, t.host); });
    if (t.loopback) {
        // A local emulator without credentials has no token to lose; with credentials, loopback
        // must be named, or anyone who can post an activity could collect the bot's token on a
        // port of this machine.
        if (!named && p.credentials)
            return not_allowed("is loopback, which is allowed with app credentials only when the allow-list names it");
        t.send = true;
        t.bearer = p.credentials;
        return t;
    }
    if (!named) return not_allowed("host '" + t.host + "' is not on the allow-list");
    // Without credentials a Bot Connector would refuse the follow-ups: they are not sent.
    t.send = p.credentials;
    t.bearer = p.credentials;
    return t;
}

}  // namespace handoffkit::service_url
