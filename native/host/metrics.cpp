#include "metrics.hpp"

#include <sstream>

namespace handoffkit::host {

void metrics::finished(const std::string& route, int status, double seconds) {
    in_flight_.fetch_sub(1);
    std::lock_guard<std::mutex> lock(mutex_);
    ++requests_[{route, status}];
    auto& b = buckets_[route];
    std::size_t i = 0;
    while (i < bounds.size() && seconds > bounds[i]) ++i;
    ++b[i];
    sums_[route] += seconds;
}

void metrics::outbound(const std::string& outcome, std::uint64_t activities) {
    std::lock_guard<std::mutex> lock(mutex_);
    outbound_[outcome] += activities;
}

void metrics::forwarded(const std::string& outcome) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++forwarded_[outcome];
}

void metrics::delivery(const std::string& outcome) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++deliveries_[outcome];
}

std::string metrics::render() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::ostringstream out;
    out << "# HELP handoffkit_http_requests_total HTTP requests answered, by route and status.\n"
        << "# TYPE handoffkit_http_requests_total counter\n";
    for (const auto& [key, n] : requests_)
        out << "handoffkit_http_requests_total{route=\"" << key.first << "\",status=\"" << key.second << "\"} " << n
            << '\n';
    out << "# HELP handoffkit_http_request_duration_seconds Time from request read to response written.\n"
        << "# TYPE handoffkit_http_request_duration_seconds histogram\n";
    for (const auto& [route, b] : buckets_) {
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < bounds.size(); ++i) {
            cumulative += b[i];
            out << "handoffkit_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"" << bounds[i]
                << "\"} " << cumulative << '\n';
        }
        cumulative += b[bounds.size()];
        out << "handoffkit_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} "
            << cumulative << '\n'
            << "handoffkit_http_request_duration_seconds_sum{route=\"" << route << "\"} " << sums_.at(route) << '\n'
            << "handoffkit_http_request_duration_seconds_count{route=\"" << route << "\"} " << cumulative << '\n';
    }
    out << "# HELP handoffkit_http_requests_in_flight Requests being handled now.\n"
        << "# TYPE handoffkit_http_requests_in_flight gauge\n"
        << "handoffkit_http_requests_in_flight " << in_flight_.load() << '\n';
    out << "# HELP handoffkit_connections_open Client connections open now.\n"
        << "# TYPE handoffkit_connections_open gauge\n"
        << "handoffkit_connections_open " << open_connections_.load() << '\n'
        << "# HELP handoffkit_connections_refused_total Connections closed at once: max_connections were open.\n"
        << "# TYPE handoffkit_connections_refused_total counter\n"
        << "handoffkit_connections_refused_total " << refused_connections_.load() << '\n'
        << "# HELP handoffkit_accept_errors_total Accepts that failed (e.g. EMFILE) and were retried.\n"
        << "# TYPE handoffkit_accept_errors_total counter\n"
        << "handoffkit_accept_errors_total " << accept_errors_.load() << '\n';
    out << "# HELP handoffkit_outbound_activities_total Follow-up activities, by outcome.\n"
        << "# TYPE handoffkit_outbound_activities_total counter\n";
    for (const auto& [outcome, n] : outbound_)
        out << "handoffkit_outbound_activities_total{outcome=\"" << outcome << "\"} " << n << '\n';
    out << "# HELP handoffkit_forwarded_requests_total Requests forwarded to the app, by its status or the host's refusal.\n"
        << "# TYPE handoffkit_forwarded_requests_total counter\n";
    for (const auto& [outcome, n] : forwarded_)
        out << "handoffkit_forwarded_requests_total{outcome=\"" << outcome << "\"} " << n << '\n';
    out << "# HELP handoffkit_handoff_deliveries_total Handoffs delivered to the app, by outcome.\n"
        << "# TYPE handoffkit_handoff_deliveries_total counter\n";
    for (const auto& [outcome, n] : deliveries_)
        out << "handoffkit_handoff_deliveries_total{outcome=\"" << outcome << "\"} " << n << '\n';
    return out.str();
}

}  // namespace handoffkit::host
