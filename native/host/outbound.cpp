#include "outbound.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "http_client.hpp"

namespace handoffkit::host {
using nlohmann::json;
using clock_type = std::chrono::steady_clock;

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

}  // namespace

std::string activities_url(const std::string& service_url, const std::string& conversation_id) {
    std::string base = service_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/v3/conversations/" + percent_encode(conversation_id) + "/activities";
}

struct outbound_sender::impl {
    outbound_config config;
    std::mutex mutex;
    std::condition_variable wake;
    std::condition_variable idle;
    std::deque<outbound_job> queue;
    bool busy = false;
    bool stopping = false;
    std::thread worker;
    std::string token;  // worker thread only
    clock_type::time_point token_expiry;

    void log(const json& line) {
        const std::string text = line.dump(-1, ' ', false, json::error_handler_t::replace);
        if (config.log) config.log(text);
        else log_to_stderr(text);
    }
    void count(const std::string& outcome, std::size_t n = 1) {
        if (config.count)
            for (std::size_t i = 0; i < n; ++i) config.count(outcome);
    }

    void enqueue(outbound_job job) {
        std::lock_guard<std::mutex> lock(mutex);
        if (stopping || queue.size() >= config.max_queue) {
            count("dropped", job.activities.size());
            log({{"event", "outbound"}, {"code", "OUTBOUND_DROPPED"}, {"activities", job.activities.size()}});
            return;
        }
        queue.push_back(std::move(job));
        wake.notify_one();
    }

    void run() {
        std::unique_lock<std::mutex> lock(mutex);
        while (true) {
            wake.wait(lock, [&] { return stopping || !queue.empty(); });
            if (queue.empty()) return;  // stopping and drained
            outbound_job job = std::move(queue.front());
            queue.pop_front();
            busy = true;
            lock.unlock();
            send(job);
            lock.lock();
            busy = false;
            idle.notify_all();
        }
    }

    // The cached token, or a new one from the client-credentials endpoint; empty on failure.
    std::string bearer(bool force_new) {
        if (!force_new && !token.empty() && clock_type::now() < token_expiry) return token;
        token.clear();
        const std::string form = "grant_type=client_credentials&client_id=" + percent_encode(config.app_id) +
                                 "&client_secret=" + percent_encode(config.app_password) +
                                 "&scope=" + percent_encode(config.scope);
        auto reply = fetch({"POST", config.token_url, {{"Content-Type", "application/x-www-form-urlencoded"}}, form,
                            config.timeout});
        if (!reply || reply->status != 200) {
            log({{"event", "outbound"}, {"code", "OAUTH_FAILED"},
                 {"detail", reply ? "HTTP " + std::to_string(reply->status) : reply.err().message}});
            return "";
        }
        const json j = json::parse(reply->body, nullptr, false);
        if (!j.is_object() || !j.contains("access_token") || !j["access_token"].is_string()) {
            log({{"event", "outbound"}, {"code", "OAUTH_FAILED"}, {"detail", "no access_token in the reply"}});
            return "";
        }
        const std::int64_t lifetime = j.contains("expires_in") && j["expires_in"].is_number_integer()
                                          ? j["expires_in"].get<std::int64_t>() : 0;
        // Renew a minute early (half the lifetime for short-lived tokens) so no request carries a
        // token that expires in flight.
        const std::int64_t margin = std::min<std::int64_t>(60, lifetime / 2);
        token = j["access_token"].get<std::string>();
        token_expiry = clock_type::now() + std::chrono::seconds(lifetime - margin);
        return token;
    }

    void send(const outbound_job& job) {
        const std::string url = activities_url(job.service_url, job.conversation_id);
        // A serviceUrl we would not call costs no token request.
        if (auto e = check_url(url)) {
            count("failed", job.activities.size());
            log({{"event", "outbound"}, {"code", "OUTBOUND_FAILED"}, {"detail", e->code + ": " + e->message},
                 {"activities", job.activities.size()}});
            return;
        }
        for (std::size_t i = 0; i < job.activities.size(); ++i) {
            int status = 0;
            std::string detail;
            for (int attempt = 0; attempt < 2; ++attempt) {  // a 401 gets one retry with a new token
                const std::string t = bearer(attempt > 0);
                if (t.empty()) break;
                auto reply = fetch({"POST", url, {{"Authorization", "Bearer " + t}, {"Content-Type", "application/json"}},
                                    job.activities[i], config.timeout});
                if (!reply) {
                    detail = reply.err().code + ": " + reply.err().message;
                    break;
                }
                status = reply->status;
                if (status != 401) break;
            }
            if (status < 200 || status > 299) {
                // Later activities of the job would arrive out of context: give them up too.
                count("failed", job.activities.size() - i);
                log({{"event", "outbound"}, {"code", "OUTBOUND_FAILED"}, {"status", status}, {"detail", detail},
                     {"activities", job.activities.size() - i}});
                return;
            }
            count("sent");
        }
        log({{"event", "outbound"}, {"code", "OK"}, {"activities", job.activities.size()}});
    }
};

outbound_sender::outbound_sender(std::shared_ptr<impl> p) : impl_(std::move(p)) {}
outbound_sender::~outbound_sender() { drain_and_stop(std::chrono::milliseconds(0)); }

result<std::unique_ptr<outbound_sender>> outbound_sender::create(outbound_config config) {
    if (config.app_id.empty() || config.app_password.empty())
        return fail("OUTBOUND_CONFIG_INVALID", "sending replies needs the app id and app password");
    const bool https = config.token_url.rfind("https://", 0) == 0;
    const bool loopback = config.token_url.rfind("http://127.0.0.1:", 0) == 0 ||
                          config.token_url.rfind("http://127.0.0.1/", 0) == 0;
    if (!https && !loopback)
        return fail("OUTBOUND_CONFIG_INVALID", "the OAuth token URL must be https (or http://127.0.0.1 for tests)");
    auto p = std::make_shared<impl>();
    p->config = std::move(config);
    p->worker = std::thread([p] { p->run(); });
    return std::unique_ptr<outbound_sender>(new outbound_sender(std::move(p)));
}

outbound_sink outbound_sender::sink() {
    return [p = impl_](outbound_job job) { p->enqueue(std::move(job)); };
}

void outbound_sender::drain_and_stop(std::chrono::milliseconds max_wait) {
    {
        std::unique_lock<std::mutex> lock(impl_->mutex);
        if (!impl_->worker.joinable()) return;
        impl_->idle.wait_for(lock, max_wait, [&] { return impl_->queue.empty() && !impl_->busy; });
        if (!impl_->queue.empty()) {
            std::size_t activities = 0;
            for (const auto& job : impl_->queue) activities += job.activities.size();
            impl_->count("dropped", activities);
            impl_->log({{"event", "outbound"}, {"code", "OUTBOUND_DROPPED"}, {"jobs", impl_->queue.size()},
                        {"detail", "still queued at shutdown"}});
            impl_->queue.clear();
        }
        impl_->stopping = true;
        impl_->wake.notify_all();
    }
    impl_->worker.join();  // at most the job in progress, bounded by its HTTP timeouts
}

}  // namespace handoffkit::host
