// Request metrics for GET /metrics, in the Prometheus text exposition format (version 0.0.4).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace handoffkit::host {

class metrics {
public:
    /// Upper bounds of the latency histogram, in seconds (+Inf is implicit).
    static constexpr std::array<double, 12> bounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                   0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

    void started() { in_flight_.fetch_add(1); }
    void finished(const std::string& route, int status, double seconds);
    /// Counts follow-up activities by outcome ("sent", "failed", "dropped").
    void outbound(const std::string& outcome, std::uint64_t activities = 1);
    /// Counts a request forwarded to the app by what came back: the app's status ("200", "404",
    /// …) or the host's refusal (FORWARD_TIMEOUT, FORWARD_FAILED, FORWARD_ANSWER_TOO_LARGE).
    void forwarded(const std::string& outcome);
    /// Counts a handoff delivery to the app by outcome ("delivered", "retry", "store_unavailable").
    void delivery(const std::string& outcome);

    void connection_opened() { open_connections_.fetch_add(1); }
    void connection_closed() { open_connections_.fetch_sub(1); }
    std::int64_t open_connections() const { return open_connections_.load(); }
    /// A connection closed at once because max_connections were open.
    void connection_refused() { refused_connections_.fetch_add(1); }
    /// An accept that failed (EMFILE, ENFILE, ENOBUFS, …): retried after a back-off.
    void accept_failed() { accept_errors_.fetch_add(1); }

    std::string render() const;

private:
    mutable std::mutex mutex_;
    std::atomic<std::int64_t> in_flight_{0};
    std::atomic<std::int64_t> open_connections_{0};
    std::atomic<std::uint64_t> refused_connections_{0};
    std::atomic<std::uint64_t> accept_errors_{0};
    std::map<std::pair<std::string, int>, std::uint64_t> requests_;
    std::map<std::string, std::array<std::uint64_t, bounds.size() + 1>> buckets_;  // per route, not cumulative
    std::map<std::string, double> sums_;
    std::map<std::string, std::uint64_t> outbound_;
    std::map<std::string, std::uint64_t> forwarded_;
    std::map<std::string, std::uint64_t> deliveries_;
};

}  // namespace handoffkit::host
