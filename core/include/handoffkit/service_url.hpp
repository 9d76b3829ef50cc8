// handoffkit/service_url.hpp: may a follow-up go to this serviceUrl, and with a bearer token?
//
// A Bot Framework activity names the `serviceUrl` its replies go to. Whoever can post an activity
// can name any URL there, so a bot that posts its replies, with its OAuth bearer token, wherever
// the activity says hands that token to the sender. This is the one rule the host applies before
// it redeems a handoff and again before every follow-up it posts:
//
//   auto t = service_url::check("https://smba.trafficmanager.net/amer/", {});
//   // t->host == "smba.trafficmanager.net", t->port == "443", t->tls, t->send, t->bearer, !t->loopback
//   service_url::check("https://attacker.example/", {}).err().code;   // SERVICE_URL_NOT_ALLOWED
//
// The rule (a policy says which hosts are allowed and whether the bot has app credentials):
// - A serviceUrl is allowed when its host is on the allow-list, which defaults to the Bot
//   Connector hosts Microsoft documents for the public cloud (default_allowed_hosts). An activity
//   with any other serviceUrl is refused before its token is redeemed.
// - Loopback is allowed only when the list names it, or when the bot has no credentials (local
//   emulators such as the Agents Playground or the Bot Framework Emulator).
// - With credentials, follow-ups go to every allowed serviceUrl with the bot's bearer token.
//   Without, they go only to loopback, never with a bearer token (`send` is false for the others:
//   a Bot Connector would refuse them anyway).
// - Loopback means `localhost`, 127.0.0.0/8 and [::1]. `localhost` is a name: the caller must
//   resolve it, keep only loopback addresses and connect to the very address it checked
//   (`target::loopback` says so).
// - Plain http only to loopback; https anywhere allowed.
// - Refused as SERVICE_URL_INVALID: anything that is not an absolute http(s) URL with a host, user
//   info (`https://smba.trafficmanager.net@evil.example/`), a percent-encoded host (decoders
//   disagree on it), a query or fragment (the activities path is appended to the serviceUrl), a
//   port that is not 1..65535, more than max_length characters.
//
// Pure: parsing with Boost.URL, no I/O (no resolution: that is the caller's, see above).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "handoffkit/result.hpp"

namespace handoffkit::service_url {

inline constexpr std::size_t max_length = 2048;

/// `smba.trafficmanager.net` (Microsoft Teams: the Bot Connector API reference, "Base URI") and
/// `*.botframework.com` (the Bot Framework channels: the Bot Framework security FAQ's firewall
/// list). See the sources in service_url.cpp.
std::vector<std::string> default_allowed_hosts();

struct policy {
    /// Host names, matched case-insensitively and exactly; `*.example.com` matches every name
    /// that ends in `.example.com` (not example.com itself); IP literals as `127.0.0.1`, `::1`.
    std::vector<std::string> allowed_hosts = default_allowed_hosts();
    /// The bot has app credentials (an OAuth client secret): its follow-ups carry a bearer token.
    bool credentials = true;
};

/// Where a follow-up may go.
struct target {
    bool tls = false;      ///< https
    std::string host;      ///< lower case; an IPv6 literal without brackets
    std::string port;      ///< explicit, or 443 / 80
    bool loopback = false; ///< connect only to loopback addresses (resolve `localhost`, then check)
    bool send = false;     ///< follow-ups are posted there at all
    bool bearer = false;   ///< and carry the bot's bearer token
};

/// Errors: SERVICE_URL_INVALID, SERVICE_URL_NOT_ALLOWED (the message says which rule).
result<target> check(std::string_view service_url, const policy& p);

/// `localhost` (any case), an IPv4 literal in 127.0.0.0/8, or the IPv6 literal ::1 (with or
/// without brackets). Names other than localhost are not loopback, whatever they resolve to.
bool is_loopback_host(std::string_view host);

}  // namespace handoffkit::service_url
