#include "outbound.hpp"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/url/parse.hpp>
#include <nlohmann/json.hpp>

#include "http_client.hpp"

namespace handoffkit::host {
using nlohmann::json;
using clock_type = std::chrono::steady_clock;
namespace net = boost::asio;
namespace http = boost::beast::http;

namespace {

std::string percent_encode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') out += static_cast<char>(c);
        else out += {'%', hex[c >> 4], hex[c & 15]};
    }
    return out;
}

// The request target (path) of an absolute URL already known to be well formed.
std::string target_of(const std::string& url) {
    auto u = boost::urls::parse_uri(url);
    std::string t = u ? std::string(u->encoded_target()) : "/";
    return t.empty() ? "/" : t;
}

// The OAuth token endpoint: https, or plain http to 127.0.0.1 (local test servers).
result<http_origin> token_origin(const std::string& url) {
    auto u = boost::urls::parse_uri(url);
    if (!u || u->encoded_host().empty()) return fail(native::outbound_code::outbound_config_invalid, "the OAuth token URL is not an absolute URL");
    const bool tls = u->scheme_id() == boost::urls::scheme::https;
    const std::string host(u->encoded_host());
    if (!tls && !(u->scheme_id() == boost::urls::scheme::http && host == "127.0.0.1"))
        return fail(native::outbound_code::outbound_config_invalid, "the OAuth token URL must be https (or http://127.0.0.1 for tests)");
    return http_origin{tls, host, u->has_port() ? std::string(u->port()) : (tls ? "443" : "80"), !tls};
}

}  // namespace

std::string activities_url(const std::string& service_url, const std::string& conversation_id) {
    std::string base = service_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/v3/conversations/" + percent_encode(conversation_id) + "/activities";
}

// Everything below runs on the sender's own thread (the io_context's), except enqueue() and
// drain_and_stop(), which touch only the counters under `mutex`. Handlers hold `this` only: the
// io_context is a member, so none outlives the sender, and none keeps it alive in a cycle.
struct outbound_sender::impl {
    // One kept-alive connection and the jobs waiting for it; a conversation always maps to the
    // same lane, so its jobs keep their order.
    struct lane {
        explicit lane(net::io_context& io) : idle(io) {}
        std::shared_ptr<http_connection> connection;
        std::deque<outbound_job> jobs;
        bool busy = false;
        net::steady_timer idle;
    };
    struct origin_lanes {
        http_origin origin;
        std::vector<std::unique_ptr<lane>> lanes;
    };

    outbound_config config;
    net::io_context io{1};
    net::executor_work_guard<net::io_context::executor_type> keep_running = net::make_work_guard(io);
    std::thread thread;
    std::shared_ptr<net::ssl::context> tls;
    std::map<std::string, origin_lanes> origins;

    http_origin token_at;
    std::string token_target;
    std::shared_ptr<http_connection> token_connection;
    std::string token;
    clock_type::time_point token_expiry;
    bool token_fetching = false;
    std::vector<std::function<void(const std::string&)>> token_waiters;

    std::mutex mutex;
    std::condition_variable drained;
    std::size_t jobs_pending = 0;        // queued or in flight
    std::size_t activities_pending = 0;  // not yet counted as sent, failed or dropped
    bool stopping = false;

    void log(json line) {
        line["event"] = "outbound";
        const std::string text = line.dump(-1, ' ', false, json::error_handler_t::replace);
        if (config.log) config.log(text);
        else log_to_stderr(text);
    }
    // Drops and failures can come by the thousand (a flood of activities, a connector that is
    // down): every one is counted, but at most max_problem_lines a second are written, and the
    // next line written says how many were left out, so the log cannot be made to drown the host.
    static constexpr int max_problem_lines = 20;
    std::mutex log_mutex;
    clock_type::time_point log_window{};
    int lines_in_window = 0;
    std::size_t suppressed = 0;
    void log_problem(json line) {
        {
            std::lock_guard<std::mutex> lock(log_mutex);
            const auto now = clock_type::now();
            if (now - log_window >= std::chrono::seconds(1)) {
                log_window = now;
                lines_in_window = 0;
            }
            if (lines_in_window >= max_problem_lines) {
                ++suppressed;
                return;
            }
            ++lines_in_window;
            if (suppressed) line["suppressedLines"] = std::exchange(suppressed, 0);
        }
        log(std::move(line));
    }
    void count(const std::string& outcome, std::size_t n) {
        if (config.count)
            for (std::size_t i = 0; i < n; ++i) config.count(outcome);
    }

    // Any thread.
    void enqueue(outbound_job job) {
        const std::size_t n = job.activities.size();
        std::string why;
        {
            std::lock_guard<std::mutex> lock(mutex);
            if (!stopping && jobs_pending < config.max_queue) {
                ++jobs_pending;
                activities_pending += n;
                net::post(io, [this, job = std::move(job)]() mutable { dispatch(std::move(job)); });
                return;
            }
            why = stopping ? "the sender is stopping" : "the queue is full (" + std::to_string(config.max_queue) + " jobs)";
        }
        count("dropped", n);
        log_problem({{"code", native::outbound_code::outbound_dropped}, {"activities", n}, {"detail", why}});
    }

    void dispatch(outbound_job job) {
        auto target = service_url::check(job.service_url, config.service_urls);
        if (!target) {
            log_problem({{"code", native::outbound_code::outbound_failed}, {"detail", std::string(target.err().code.name()) + ": " + target.err().message},
                 {"activities", job.activities.size()}});
            return job_done(job.activities.size(), "failed");
        }
        if (!target->send) {
            log_problem({{"code", native::outbound_code::outbound_dropped}, {"host", target->host}, {"activities", job.activities.size()},
                 {"detail", "not sent: without app credentials follow-ups go only to loopback"}});
            return job_done(job.activities.size(), "dropped");
        }
        const std::string key = (target->tls ? "https://" : "http://") + target->host + ":" + target->port;
        auto& o = origins[key];
        if (o.lanes.empty()) {
            o.origin = {target->tls, target->host, target->port, target->loopback};
            for (std::size_t i = 0; i < std::max<std::size_t>(1, config.connections_per_host); ++i)
                o.lanes.push_back(std::make_unique<lane>(io));
        }
        lane& l = *o.lanes[std::hash<std::string>{}(job.conversation_id) % o.lanes.size()];
        l.jobs.push_back(std::move(job));
        if (!l.connection) l.connection = std::make_shared<http_connection>(io, tls, o.origin);
        if (!l.busy) next_job(l);
    }

    void next_job(lane& l) {
        if (l.jobs.empty()) {
            l.busy = false;
            l.idle.expires_after(config.idle_timeout);
            l.idle.async_wait([l = &l](boost::system::error_code ec) {
                if (!ec && !l->busy) l->connection->close();
            });
            return;
        }
        l.busy = true;
        l.idle.cancel();
        send(l, 0, false);
    }

    // Activity `i` of the lane's first job; checked against the policy before every POST.
    void send(lane& l, std::size_t i, bool renewed_token) {
        const outbound_job& job = l.jobs.front();
        auto target = service_url::check(job.service_url, config.service_urls);
        if (!target) return give_up(l, i, 0, std::string(target.err().code.name()) + ": " + target.err().message);
        if (!target->send) return give_up(l, i, 0, "not sent: without app credentials follow-ups go only to loopback", "dropped");
        if (!target->bearer) return post(l, i, "", false);
        with_token(renewed_token, [this, l = &l, i, renewed_token](const std::string& bearer) {
            if (bearer.empty()) return give_up(*l, i, 0, "OAUTH_FAILED: no bot token");
            post(*l, i, bearer, renewed_token);
        });
    }

    void post(lane& l, std::size_t i, const std::string& bearer, bool renewed_token) {
        const outbound_job& job = l.jobs.front();
        http::request<http::string_body> req{http::verb::post, target_of(activities_url(job.service_url, job.conversation_id)), 11};
        req.set(http::field::content_type, "application/json");
        if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
        req.body() = job.activities[i];
        l.connection->request(std::move(req), config.timeout,
                              [this, l = &l, i, bearer = !bearer.empty(), renewed_token](result<http_reply> r) {
                                  answered(*l, i, bearer, renewed_token, r);
                              });
    }

    void answered(lane& l, std::size_t i, bool bearer, bool renewed_token, const result<http_reply>& r) {
        if (!r) return give_up(l, i, 0, std::string(r.err().code.name()) + ": " + r.err().message);
        if (r->status == 401 && bearer && !renewed_token) return send(l, i, true);  // one retry with a new token
        if (r->status < 200 || r->status > 299) return give_up(l, i, r->status, "");
        count("sent", 1);
        settle(1);
        const outbound_job& job = l.jobs.front();
        if (i + 1 < job.activities.size()) return send(l, i + 1, false);
        log({{"code", "OK"}, {"activities", job.activities.size()}, {"host", l.connection->origin().host}});
        finish_job(l);
    }

    // Activity i failed: it and the rest of its job are given up (they would arrive out of context).
    void give_up(lane& l, std::size_t i, int status, const std::string& detail, const char* outcome = "failed") {
        const std::size_t left = l.jobs.front().activities.size() - i;
        count(outcome, left);
        settle(left);
        json line{{"code", std::string(outcome) == "failed" ? native::outbound_code::outbound_failed : native::outbound_code::outbound_dropped}, {"activities", left},
                  {"host", l.connection->origin().host}};
        if (status) line["status"] = status;
        if (!detail.empty()) line["detail"] = detail;
        log_problem(std::move(line));
        finish_job(l);
    }

    void finish_job(lane& l) {
        l.jobs.pop_front();
        job_done(0, "");
        next_job(l);
    }

    // A job leaves the queue; `n` of its activities still to count as `outcome`.
    void job_done(std::size_t n, const char* outcome) {
        if (n) count(outcome, n);
        std::lock_guard<std::mutex> lock(mutex);
        activities_pending -= n;
        --jobs_pending;
        drained.notify_all();
    }
    void settle(std::size_t n) {
        std::lock_guard<std::mutex> lock(mutex);
        activities_pending -= n;
    }

    // The cached bot token, or one fetched from the client-credentials endpoint (one request for
    // every lane waiting); "" on failure.
    void with_token(bool force_new, std::function<void(const std::string&)> then) {
        if (force_new && !token_fetching) token.clear();
        if (!token.empty() && clock_type::now() < token_expiry) return then(token);
        token_waiters.push_back(std::move(then));
        if (token_fetching) return;
        token_fetching = true;
        const std::string form = "grant_type=client_credentials&client_id=" + percent_encode(config.app_id) +
                                 "&client_secret=" + percent_encode(config.app_password) +
                                 "&scope=" + percent_encode(config.scope);
        http::request<http::string_body> req{http::verb::post, token_target, 11};
        req.set(http::field::content_type, "application/x-www-form-urlencoded");
        req.body() = form;
        token_connection->request(std::move(req), config.timeout, [this](result<http_reply> r) { token_received(r); });
    }

    void token_received(const result<http_reply>& r) {
        token.clear();
        if (!r || r->status != 200) {
            log_problem({{"code", native::outbound_code::oauth_failed}, {"detail", r ? "HTTP " + std::to_string(r->status) : r.err().message}});
        } else {
            const json j = json::parse(r->body, nullptr, false);
            if (!j.is_object() || !j.contains("access_token") || !j["access_token"].is_string()) {
                log_problem({{"code", native::outbound_code::oauth_failed}, {"detail", "no access_token in the reply"}});
            } else {
                const std::int64_t lifetime = j.contains("expires_in") && j["expires_in"].is_number_integer()
                                                  ? j["expires_in"].get<std::int64_t>() : 0;
                // Renew a minute early (half the lifetime for short-lived tokens) so no request
                // carries a token that expires in flight.
                const std::int64_t margin = std::min<std::int64_t>(60, lifetime / 2);
                token = j["access_token"].get<std::string>();
                token_expiry = clock_type::now() + std::chrono::seconds(lifetime - margin);
            }
        }
        token_fetching = false;
        auto waiters = std::move(token_waiters);
        token_waiters.clear();
        // Given by value: a waiter may start another fetch (a 401 retry) that clears `token`.
        const std::string given = token;
        for (auto& w : waiters) w(given);
    }
};

outbound_sender::outbound_sender(std::shared_ptr<impl> p) : impl_(std::move(p)) {}
outbound_sender::~outbound_sender() { drain_and_stop(std::chrono::milliseconds(0)); }

result<std::unique_ptr<outbound_sender>> outbound_sender::create(outbound_config config) {
    const bool credentials = !config.app_password.empty();
    if (credentials && config.app_id.empty())
        return fail(native::outbound_code::outbound_config_invalid, "an app password needs the app id it belongs to");
    auto token_at = token_origin(config.token_url);
    if (credentials && !token_at) return token_at.err();
    auto tls = tls_client_context(config.ca_file);
    if (!tls) return tls.err();
    auto p = std::make_shared<impl>();
    config.service_urls.credentials = credentials;
    p->config = std::move(config);
    p->tls = std::move(*tls);
    if (credentials) {
        p->token_at = *token_at;
        p->token_target = target_of(p->config.token_url);
        p->token_connection = std::make_shared<http_connection>(p->io, p->tls, p->token_at);
    }
    p->thread = std::thread([p = p.get()] { p->io.run(); });
    return std::unique_ptr<outbound_sender>(new outbound_sender(std::move(p)));
}

outbound_sink outbound_sender::sink() {
    return [p = impl_](outbound_job job) { p->enqueue(std::move(job)); };
}

void outbound_sender::drain_and_stop(std::chrono::milliseconds max_wait) {
    {
        std::unique_lock<std::mutex> lock(impl_->mutex);
        if (!impl_->thread.joinable() || impl_->stopping) return;
        impl_->drained.wait_for(lock, max_wait, [&] { return impl_->jobs_pending == 0; });
        impl_->stopping = true;
    }
    impl_->io.stop();  // in-flight exchanges are abandoned: what they carried is counted below
    impl_->thread.join();
    std::size_t left = 0, jobs = 0;
    {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        left = impl_->activities_pending;
        jobs = impl_->jobs_pending;
        impl_->activities_pending = 0;
        impl_->jobs_pending = 0;
    }
    if (left == 0) return;
    impl_->count("dropped", left);
    impl_->log({{"code", native::outbound_code::outbound_dropped}, {"jobs", jobs}, {"activities", left},
                {"detail", "still queued or unanswered at shutdown"}});
}

}  // namespace handoffkit::host
