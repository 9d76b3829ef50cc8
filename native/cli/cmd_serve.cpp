// handoffkit serve: the native bot host (native/host) configured from the command line.
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <pthread.h>

#include <nlohmann/json.hpp>

#include "bot_auth.hpp"
#include "commands.hpp"
#include "handoffkit/native/redis_replay_guard.hpp"
#include "handoffkit/native/stores.hpp"
#include "handoffkit/native/system.hpp"
#include "host.hpp"
#include "outbound.hpp"
#include "output.hpp"
#include "sidecar.hpp"
#include "store_drivers.hpp"
#include "store_flags.hpp"
#include "webhook.hpp"
#include "handoffkit/json.hpp"
#include "handoffkit/native/delivery.hpp"

namespace handoffkit::cli {
namespace {

int coded_error(code code, const std::string& message) {
    std::cerr << nlohmann::json{{"error", {{"code", code}, {"message", message}}}}.dump() << '\n';
    return exit_failed;
}

bool parse_listen(const std::string& s, host::host_config& c) {
    const auto colon = s.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == s.size()) return false;
    const std::string port = s.substr(colon + 1);
    if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5) return false;
    const long p = std::stol(port);
    if (p > 65535) return false;
    c.address = s.substr(0, colon);
    if (c.address.size() > 2 && c.address.front() == '[' && c.address.back() == ']')
        c.address = c.address.substr(1, c.address.size() - 2);
    c.port = static_cast<std::uint16_t>(p);
    return true;
}

// The built pages (they need the bundled wasm; web/pages is their source): ./build/pages when
// run from a checkout, else this checkout's build/pages; none when neither exists.
std::string default_web_root() {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::is_directory("build/pages", ec)) return "build/pages";
#ifdef HANDOFFKIT_BUILT_PAGES
    if (fs::is_directory(HANDOFFKIT_BUILT_PAGES, ec)) return HANDOFFKIT_BUILT_PAGES;
#endif
    return "";
}

bool read_size(const args& a, const char* name, std::size_t& out) {
    auto v = a.get(name);
    if (!v) return true;
    if (v->empty() || v->find_first_not_of("0123456789") != std::string::npos || v->size() > 12) return false;
    out = std::stoull(*v);
    return out > 0;
}

bool read_ms(const args& a, const char* name, std::chrono::milliseconds& out) {
    std::size_t v = 0;
    if (!a.get(name)) return true;
    if (!read_size(a, name, v)) return false;
    out = std::chrono::milliseconds(v);
    return true;
}

sigset_t stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

// Blocks SIGINT/SIGTERM in this thread and so in every thread created afterwards (they inherit
// the mask): must run before any thread exists, or the default action kills the process.
void block_stop_signals() {
    const sigset_t set = stop_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

// Turns SIGINT/SIGTERM into a graceful stop, on a thread of their own.
std::thread stop_on_signals(host::server& s) {
    return std::thread([set = stop_signals(), &s] {
        int sig = 0;
        sigwait(&set, &sig);
        host::log_to_stderr(nlohmann::json{{"event", "signal"}, {"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}}.dump());
        s.stop();
    });
}

// The embedded default: a durable SQLite file in the working directory, so a redeemed token stays
// redeemed across restarts (and kill -9) with nothing to install.
constexpr const char* default_store = "sqlite:handoffkit-tokens.db";

// What redeeming tokens needs; the sidecar signs with the same keys and keeps contexts in the
// same store.
struct token_setup {
    std::shared_ptr<const token::key_set> keys;
    std::shared_ptr<token::replay_guard> store;
    host::store_driver_factory drive;
};

// How the host performs a store's steps: the memory store answers at once, Redis through a
// pipelined connection per thread, SQLite (which may wait for another process's write lock) on
// worker threads so that no other connection waits with it.
host::store_driver_factory driver_for(const std::shared_ptr<token::replay_guard>& store) {
    if (auto redis = std::dynamic_pointer_cast<native::redis_replay_guard>(store)) return host::pipelined_redis_driver(redis);
    if (std::dynamic_pointer_cast<native::memory_store>(store)) return host::inline_driver(store);
    return host::pooled_driver(store, std::make_shared<host::blocking_pool>(4, 4096));
}

// Continuation tokens are verified with --keys and redeemed once in --store. Real tokens need
// --app-id: the token's audience is the activity's recipient, so without a pinned recipient a
// token our keys signed for another bot would be accepted by posting the activity to that bot's id.
result<token_setup> setup_tokens(const args& a, const std::string& app_id) {
    auto keys_path = a.get("keys");
    if (!keys_path)
        return fail(native::cli_code::keys_not_configured, "continuation tokens need --keys FILE (a JWK Set; see `handoffkit keys new`)");
    if (app_id.empty())
        return fail(native::cli_code::app_id_not_configured, "continuation tokens are for one bot: give its app id with --app-id GUID");
    auto keys = native::load_key_set(*keys_path);
    if (!keys) return keys.err();
    const std::string spec = a.get("store").value_or(default_store);
    auto opened = open_store_with_flags(a, spec);
    if (!opened) return opened.err();
    std::shared_ptr<token::replay_guard> store(std::move(opened).value());
    host::log_to_stderr(nlohmann::json{{"event", "store"}, {"store", spec.substr(0, spec.find(':'))}}.dump());
    return token_setup{std::make_shared<const token::key_set>(std::move(keys).value()), store, driver_for(store)};
}

// The sidecar endpoints, on when --api-key-file names a key (>= 32 characters, first line).
result<bool> setup_sidecar(const args& a, const token_setup& tokens, host::host_config& config) {
    auto key_file = a.get("api-key-file");
    if (!key_file) return false;
    std::ifstream in(*key_file);
    std::string key;
    if (!in || !std::getline(in, key)) return fail(native::cli_code::api_key_unreadable, "cannot read --api-key-file " + *key_file);
    while (!key.empty() && (key.back() == '\r' || key.back() == ' ')) key.pop_back();
    if (key.size() < 32) return fail(native::cli_code::api_key_too_short, "the API key must be at least 32 characters");
    host::sidecar_config c{tokens.keys, config.handoff.bot_id, config.handoff.issuer, tokens.store,
                           [] { return native::unix_now(); }, [] { return native::random_bytes(16); }};
    config.sidecar = host::sidecar_endpoints(std::move(c));
    config.api_key = std::move(key);
    return true;
}

// --forward URL: the app the host fronts (forwarder.hpp); none without the flag.
result<std::shared_ptr<const host::forward_config>> setup_forward(const args& a) {
    auto url = a.get("forward");
    if (!url) return std::shared_ptr<const host::forward_config>();
    auto target = host::parse_app_url(*url, native::host_code::forward_url_invalid, "--forward");
    if (!target) return target.err();
    auto c = std::make_shared<host::forward_config>();
    c->target = std::move(*target);
    if (!read_ms(a, "forward-timeout-ms", c->timeout)) return fail(native::cli_code::usage, "--forward-timeout-ms takes milliseconds");
    host::log_to_stderr(nlohmann::json{{"event", "forward"}, {"url", c->target.url}}.dump());
    return std::shared_ptr<const host::forward_config>(std::move(c));
}

// Each redeemed handoff reaches the app through the store's outbox (durable: written with the
// marker) and a signed webhook: --on-redeemed URL, by default the forwarded app's /api/handoffs.
result<std::unique_ptr<native::delivery_worker>> setup_delivery(const args& a, const host::forward_config* forward,
                                                                  const std::shared_ptr<token::replay_guard>& store,
                                                                  host::server*& counting) {
    std::string url = a.get("on-redeemed").value_or(forward ? forward->target.with_path("/api/handoffs") : "");
    auto key_file = a.get("on-redeemed-key-file");
    if (url.empty()) {
        if (key_file) return fail(native::cli_code::usage, "--on-redeemed-key-file needs --on-redeemed URL (or --forward)");
        return std::unique_ptr<native::delivery_worker>();
    }
    if (!key_file)
        return fail(native::cli_code::delivery_key_not_configured, "handoffs delivered to " + url +
                                                       " are signed: give the key with --on-redeemed-key-file FILE");
    auto key = native::read_secret_file(*key_file, native::cli_code::delivery_key_unreadable, "delivery key");
    if (!key) return key.err();
    auto outbox = std::dynamic_pointer_cast<native::outbox>(store);
    if (!outbox) return fail(native::cli_code::delivery_unsupported, "this store keeps no outbox for deliveries");
    std::chrono::milliseconds timeout(10000);
    if (!read_ms(a, "on-redeemed-timeout-ms", timeout) || timeout.count() < 100 || timeout.count() > 60000)
        return fail(native::cli_code::usage, "--on-redeemed-timeout-ms takes 100 to 60000 milliseconds");
    auto webhook = host::webhook_client::create(url, std::move(*key), "", timeout);
    if (!webhook) return webhook.err();
    std::shared_ptr<host::webhook_client> client(std::move(webhook).value());
    auto deliver = [client](const native::pending_delivery& d) {
        std::string why;
        if (client->deliver(d, why)) return true;
        host::log_to_stderr(nlohmann::json{{"event", "delivery"}, {"code", native::host_code::delivery_failed}, {"detail", why}}.dump());
        return false;
    };
    auto on_event = [&counting](const std::string& event, const native::pending_delivery*, int attempt) {
        if (counting) counting->count_delivery(event);
        if (event == "store_unavailable")
            host::log_to_stderr(nlohmann::json{{"event", "delivery"}, {"code", token_code::store_unavailable},
                                               {"detail", "the outbox cannot be read"}}.dump());
        else if (event == "retry")
            host::log_to_stderr(nlohmann::json{{"event", "delivery"}, {"code", native::host_code::delivery_retry}, {"attempt", attempt}}.dump());
    };
    host::log_to_stderr(nlohmann::json{{"event", "delivery"}, {"url", url}}.dump());
    // An attempt takes at most the webhook's timeout; a host that dies in the middle of one leaves
    // its lease, so another host (or this one restarted) takes the handoff over once the lease
    // has run out: 5 s after the attempt could have ended at the latest.
    native::delivery_options options;
    options.lease_seconds = static_cast<std::int64_t>((timeout.count() + 999) / 1000) + 5;
    return std::make_unique<native::delivery_worker>(outbox, std::move(deliver), [] { return native::unix_now(); },
                                                     options, std::move(on_event));
}

// The bot's app credentials, never from argv (ps shows argv to every user of the machine): the
// first line of --app-password-file, else HANDOFFKIT_APP_PASSWORD, else none. Either means
// follow-ups carry the bot's bearer token.
bool app_credentials_given(const args& a) {
    const char* env = std::getenv("HANDOFFKIT_APP_PASSWORD");
    return a.has("app-password-file") || (env && *env);
}

result<std::string> read_app_password(const args& a) {
    if (auto file = a.get("app-password-file"))
        return native::read_secret_file(*file, native::cli_code::app_password_unreadable, "app password");
    const char* env = std::getenv("HANDOFFKIT_APP_PASSWORD");
    return std::string(env ? env : "");
}

// The serviceUrl rule of the host and of its sender (service_url.hpp): --allow-service-url-host
// replaces the default list; credentials decide between "allowed hosts, with a bearer token" and
// "loopback only, without one".
service_url::policy service_url_policy(const args& a, bool credentials) {
    service_url::policy p;
    if (auto hosts = a.all("allow-service-url-host"); !hosts.empty()) p.allowed_hosts = hosts;
    p.credentials = credentials;
    return p;
}

// Follow-ups with the bot's bearer token, or, without credentials, only to loopback serviceUrls
// (local emulators) and without a token; either way the host says where they go.
result<std::unique_ptr<host::outbound_sender>> make_sender(const args& a, const host::host_config& config,
                                                           host::server*& counting) {
    auto password = read_app_password(a);
    if (!password) return password.err();
    host::outbound_config out;
    out.app_id = config.handoff.bot_id;
    out.app_password = std::move(password).value();
    out.service_urls = *config.handoff.service_urls;
    if (auto url = a.get("oauth-token-url")) out.token_url = *url;
    out.count = [&counting](const std::string& outcome) {
        if (counting) counting->count_outbound(outcome);
    };
    if (out.app_password.empty())
        host::log_to_stderr(R"({"event":"warning","message":"no app credentials (--app-password-file or HANDOFFKIT_APP_PASSWORD): follow-ups go only to loopback serviceUrls (local emulators such as the Agents Playground), without a bearer token"})");
    else
        host::log_to_stderr(nlohmann::json{{"event", "outbound"}, {"allowedServiceUrlHosts", out.service_urls.allowed_hosts}}.dump());
    return host::outbound_sender::create(std::move(out));
}

}  // namespace

const command_spec& serve_spec() {
    static const command_spec spec{"serve", {}, {
        {"listen", flag_kind::value},
        {"web-root", flag_kind::value},
        {"keys", flag_kind::value},
        {"store", flag_kind::value},
        {"app-id", flag_kind::value},
        {"token-issuer", flag_kind::value},
        {"messages", flag_kind::value},
        {"forward", flag_kind::value},
        {"forward-timeout-ms", flag_kind::value},
        {"on-redeemed", flag_kind::value},
        {"on-redeemed-key-file", flag_kind::value},
        {"on-redeemed-timeout-ms", flag_kind::value},
        {"openid-config", flag_kind::value},
        {"issuer", flag_kind::value},
        {"insecure-no-auth", flag_kind::boolean},
        {"oauth-token-url", flag_kind::value},
        {"app-password", flag_kind::value},  // refused with a message: secrets never on argv
        {"app-password-file", flag_kind::value},
        {"redis-password-file", flag_kind::value},
        {"redis-ca-file", flag_kind::value},
        {"redis-cert-file", flag_kind::value},
        {"redis-key-file", flag_kind::value},
        {"allow-service-url-host", flag_kind::repeatable},
        {"api-key-file", flag_kind::value},
        {"body-limit", flag_kind::value},
        {"header-timeout-ms", flag_kind::value},
        {"idle-timeout-ms", flag_kind::value},
        {"body-timeout-ms", flag_kind::value},
        {"threads", flag_kind::value},
        {"max-connections", flag_kind::value},
    }};
    return spec;
}

int cmd_serve(const args& a) {
    block_stop_signals();
    if (a.has("app-password"))
        return usage_error("--app-password is gone: a secret on the command line is visible to every user (ps); "
                           "use --app-password-file FILE or the environment variable HANDOFFKIT_APP_PASSWORD");
    // Without inbound authentication anyone reaching the port chooses the serviceUrl; with app
    // credentials the host would post its bearer token there.
    if (a.has("insecure-no-auth") && app_credentials_given(a))
        return coded_error(native::cli_code::insecure_with_credentials,
                           "--insecure-no-auth cannot be combined with app credentials (--app-password-file "
                           "or HANDOFFKIT_APP_PASSWORD): unauthenticated callers would "
                           "choose where the bot's bearer token is sent");
    host::host_config config;
    if (auto listen = a.get("listen"); listen && !parse_listen(*listen, config))
        return usage_error("--listen takes HOST:PORT, e.g. 127.0.0.1:3978");
    if (!read_size(a, "body-limit", config.body_limit)) return usage_error("--body-limit takes a positive byte count");
    if (!read_ms(a, "header-timeout-ms", config.header_timeout) || !read_ms(a, "idle-timeout-ms", config.idle_timeout) ||
        !read_ms(a, "body-timeout-ms", config.body_timeout))
        return usage_error("timeouts take milliseconds");
    std::size_t threads = 2;
    if (!read_size(a, "threads", threads) || threads > 64) return usage_error("--threads takes 1..64");
    config.threads = static_cast<int>(threads);
    if (!read_size(a, "max-connections", config.max_connections))
        return usage_error("--max-connections takes a positive count");
    if (config.max_connections > host::default_max_connections())
        host::log_to_stderr(nlohmann::json{{"event", "warning"}, {"message", "--max-connections is above the default for this process's open-file limit: accepts may fail (they are retried)"},
                                           {"default", host::default_max_connections()}}.dump());
    // The bot id as the token and link commands write it (28:<GUID>) names the same app.
    std::string app_id = a.get("app-id").value_or("");
    if (app_id.rfind("28:", 0) == 0) app_id.erase(0, 3);
    config.handoff.bot_id = app_id;
    if (auto issuer = a.get("token-issuer")) config.handoff.issuer = *issuer;
    if (auto file = a.get("messages")) {
        auto texts = native::load_messages(*file);
        if (!texts) return coded_error(texts.err().code, texts.err().message);
        config.handoff.texts = std::make_shared<const handoff::messages>(std::move(texts).value());
    }
    if (auto root = a.get("web-root")) {
        if (!std::filesystem::is_directory(*root)) return usage_error("--web-root is not a folder: " + *root);
        config.web_root = *root;
    } else {
        config.web_root = default_web_root();
    }

    auto tokens = setup_tokens(a, app_id);
    if (!tokens) return coded_error(tokens.err().code, tokens.err().message);
    config.handoff.keys = tokens->keys;
    config.drive = tokens->drive;
    auto sidecar = setup_sidecar(a, *tokens, config);
    if (!sidecar) return coded_error(sidecar.err().code, sidecar.err().message);

    config.insecure_no_auth = a.has("insecure-no-auth");
    if (config.insecure_no_auth) {
        host::log_to_stderr(R"({"event":"warning","message":"INSECURE: --insecure-no-auth accepts unauthenticated requests on /api/messages; for local development only"})");
        std::cerr << "\n*** WARNING: handoffkit serve runs WITHOUT inbound authentication (--insecure-no-auth). ***\n"
                     "*** Anyone who can reach this port can post activities. Local development only.   ***\n\n";
    } else {
        auto openid = a.get("openid-config");
        if (!openid || app_id.empty())
            return coded_error(native::cli_code::auth_not_configured,
                               "inbound authentication needs --openid-config URL|FILE and --app-id "
                               "(or --insecure-no-auth for local development)");
        host::bot_auth_config auth;
        auth.openid_config = *openid;
        auth.audience = app_id;
        if (auto issuer = a.get("issuer")) auth.issuer = *issuer;
        auto authenticator = host::bot_authenticator::create(auth);
        if (!authenticator) return coded_error(authenticator.err().code, authenticator.err().message);
        config.authenticate = host::make_authenticator(*authenticator);
    }

    config.handoff.service_urls = service_url_policy(a, app_credentials_given(a));
    host::server* counting = nullptr;  // set once the server exists; the sender only counts later
    auto sender = make_sender(a, config, counting);
    if (!sender) return coded_error(sender.err().code, sender.err().message);
    config.send = (*sender)->sink();

    auto forward = setup_forward(a);
    if (!forward) return forward.err().code == native::cli_code::usage ? usage_error(forward.err().message)
                                                       : coded_error(forward.err().code, forward.err().message);
    config.forward = *forward;
    // Started before the host listens: what an earlier run left in the outbox goes out too.
    auto delivery = setup_delivery(a, config.forward.get(), tokens->store, counting);
    if (!delivery) return delivery.err().code == native::cli_code::usage ? usage_error(delivery.err().message)
                                                         : coded_error(delivery.err().code, delivery.err().message);
    if (*delivery) {
        config.handoff.deliver = true;
        config.redeemed = [worker = delivery->get()] { worker->wake(); };
    }

    auto created = host::server::create(std::move(config));
    if (!created) return coded_error(created.err().code, created.err().message);
    auto& server = **created;
    counting = &server;
    std::thread signals = stop_on_signals(server);
    host::log_to_stderr(nlohmann::json{{"event", "listening"}, {"port", server.port()}}.dump());
    server.run();
    (*sender)->drain_and_stop(std::chrono::seconds(10));
    if (*delivery) (*delivery)->stop();  // what is not delivered yet stays in the outbox
    host::log_to_stderr(R"({"event":"stopped"})");
    signals.detach();  // still in sigwait when stopped by other means; the process exits now
    return exit_ok;
}

}  // namespace handoffkit::cli
