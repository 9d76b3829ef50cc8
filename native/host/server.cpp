// The HTTP server: one io_context per thread, each connection living on one of them (so its
// handlers never run concurrently and need no strand), Beast parsers with explicit limits and
// deadlines, routes handled synchronously (the redeemer is fast: a store lookup). Threads sharing
// one io_context woke each other through its scheduler's lock for every completion: under load
// that was a tenth of the host's CPU in futex calls and context switches.
#include <openssl/crypto.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "handoffkit/json.hpp"
#include "host.hpp"
#include "metrics.hpp"
#include "static_files.hpp"

namespace handoffkit::host {
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using nlohmann::json;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr std::size_t header_limit = 16 * 1024;
constexpr std::size_t drain_limit = 1024 * 1024;

std::string utc_now_iso() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
    return out;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string error_json(code c, const std::string& message) {
    return dump(json{{"error", {{"code", c}, {"message", message}}}});
}

// Appends `s` as a JSON string: printable ASCII without quotes or backslashes as is (the common
// case on the per-request log line), anything else escaped by nlohmann (invalid UTF-8 replaced).
void append_json_string(std::string& out, std::string_view s) {
    const bool plain = std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    });
    if (!plain) {
        out += dump(json(std::string(s)));
        return;
    }
    out += '"';
    out += s;
    out += '"';
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// RFC 9112 §6.3: a request with a Transfer-Encoding whose final coding is not chunked has no
// reliable length, and one with both Transfer-Encoding and Content-Length may be framed one way
// here and another way by a proxy in front (request smuggling). Beast frames the first by
// Content-Length (or reads the body as the next request) and accepts the second when the
// Transfer-Encoding comes first. We accept exactly one Transfer-Encoding field whose value is
// `chunked`, and no Content-Length beside it; anything else is answered 400 and closed.
std::optional<std::string> framing_problem(const http::request_header<>& h) {
    std::size_t encodings = 0, lengths = 0;
    std::string_view encoding;
    for (const auto& field : h) {
        if (field.name() == http::field::transfer_encoding) ++encodings, encoding = field.value();
        if (field.name() == http::field::content_length) ++lengths;
    }
    if (encodings == 0) return std::nullopt;
    if (lengths > 0) return "Transfer-Encoding and Content-Length together";
    if (encodings > 1 || !iequals(trim_ows(encoding), "chunked")) return "a Transfer-Encoding other than chunked";
    return std::nullopt;
}

// A request Beast could not parse (bad framing, bad field, bad chunk, …) is answered 400; a peer
// that went away or a read that failed for another reason is not.
bool is_malformed_request(const beast::error_code& ec) {
    static const auto& http_errors = make_error_code(http::error::bad_method).category();
    return ec.category() == http_errors && ec != http::error::end_of_stream && ec != http::error::partial_message &&
           ec != http::error::need_more && ec != http::error::need_buffer;
}

// Accept back-off after a failure (EMFILE until a descriptor frees up): short at first, so a
// brief exhaustion costs little, at most a second, so a long one costs no CPU.
constexpr std::chrono::milliseconds first_accept_backoff{10};
constexpr std::chrono::milliseconds max_accept_backoff{1000};
// A request whose signing key is being fetched asks again this often, within auth_key_wait.
constexpr std::chrono::milliseconds auth_retry_interval{50};

}  // namespace

std::size_t default_max_connections() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 16384;
    const auto files = static_cast<std::size_t>(limit.rlim_cur);
    const std::size_t reserve = std::max<std::size_t>(32, files / 4);
    return files > reserve ? std::min<std::size_t>(files - reserve, 16384) : 1;
}

void log_to_stderr(const std::string& line) {
    static std::mutex m;
    const std::string text = line + '\n';
    std::lock_guard<std::mutex> lock(m);
    // One write per line (stderr is unbuffered: `<<` would write the line and its newline apart).
    std::fwrite(text.data(), 1, text.size(), stderr);
}

class session;

struct server::impl {
    explicit impl(host_config c) : config(std::move(c)), contexts(make_contexts(config.threads)),
                                   acceptor(*contexts.front()) {
        // A context without connections yet must not return from run(): held until stopping.
        for (auto& context : contexts) keep_running.push_back(net::make_work_guard(*context));
    }

    // Each context is run by exactly one thread (the hint lets Asio skip cross-thread signalling).
    static std::vector<std::unique_ptr<net::io_context>> make_contexts(int threads) {
        std::vector<std::unique_ptr<net::io_context>> out;
        for (int i = 0; i < threads; ++i) out.push_back(std::make_unique<net::io_context>(1));
        return out;
    }

    void log(const json& line) { log(dump(line)); }
    void log(const std::string& line) {
        if (config.log) config.log(line);
        else log_to_stderr(line);
    }
    std::int64_t now() const {
        if (config.now) return config.now();
        return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    }
    void accept();
    void accept_failed(const beast::error_code& ec);
    void refuse_connection(tcp::socket socket);
    void begin_stop();

    host_config config;
    std::vector<std::unique_ptr<net::io_context>> contexts;  // the acceptor's is the first
    std::size_t next_context = 0;                             // round robin, used on the acceptor's thread
    std::vector<net::executor_work_guard<net::io_context::executor_type>> keep_running;
    tcp::acceptor acceptor;
    net::steady_timer accept_timer{acceptor.get_executor()};  // the acceptor's thread only, as are:
    std::chrono::milliseconds accept_backoff = first_accept_backoff;
    bool at_capacity = false;  // logged once each time the cap is reached
    std::vector<store_driver> drivers;  // one per context: where its redemptions are marked
    std::vector<std::unique_ptr<forwarder>> forwarders;  // one per context when config.forward is set
    std::uint16_t port = 0;
    metrics stats;
    std::atomic<bool> stopping{false};
    std::mutex sessions_mutex;
    std::map<session*, std::weak_ptr<session>> sessions;
    std::set<std::string> drop_reasons_logged;  // under sessions_mutex
};

// What a route answers: the response plus what the log line and metrics need, and the follow-ups
// to tell the user afterwards with the activity they answer (rendered to JSON only when sent).
struct answer {
    http::response<http::string_body> res;
    std::string route;
    std::optional<handoffkit::code> code;  // for the log line; none when the route names none
    std::vector<invoke::followup> followups;
    invoke::activity source;
    // The serviceUrl may receive them (service_url::check's `send`); false: they are counted as
    // dropped without being rendered (no credentials and a serviceUrl that is not loopback).
    bool followups_go = true;
    // The route writes this answer itself (a handoff/action: once its token is redeemed, maybe
    // later, by an asynchronous redeemer); the caller must not write it.
    bool written_by_route = false;
};

// The pipeline's outcome as the HTTP answer, and what to tell the user after it.
void set_outcome(answer& a, handoff::outcome o) {
    a.code = o.code;
    a.res.result(static_cast<http::status>(o.status));
    if (!o.body.empty()) a.res.set(http::field::content_type, "application/json");
    a.res.body() = std::move(o.body);
    a.followups_go = o.followups_go;
    if (o.followups.empty()) return;
    a.followups = std::move(o.followups);
    a.source = std::move(o.activity);
}

// A request refused before the pipeline (authentication).
void set_refusal(answer& a, int status, code code, const std::string& message) {
    a.code = code;
    a.res.result(static_cast<http::status>(status));
    a.res.set(http::field::content_type, "application/json");
    a.res.body() = error_json(code, message);
}

outbound_job followup_job(const answer& a) {
    outbound_job job{a.source.service_url, a.source.conversation_id, {}};
    for (const auto& f : a.followups) job.activities.push_back(invoke::followup_json(f, a.source));
    return job;
}

class session : public std::enable_shared_from_this<session> {
public:
    session(tcp::socket socket, server::impl& host, std::size_t context)
        : stream_(std::move(socket)), host_(host), context_(context), auth_timer_(stream_.get_executor()) {
        host_.stats.connection_opened();
        boost::system::error_code ec;
        auto ep = stream_.socket().remote_endpoint(ec);
        if (!ec) remote_ = ep.address().to_string();
    }

    void start() {
        {
            std::lock_guard<std::mutex> lock(host_.sessions_mutex);
            host_.sessions[this] = weak_from_this();
        }
        net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->wait_for_request(); });
    }

    ~session() {
        host_.stats.connection_closed();
        std::lock_guard<std::mutex> lock(host_.sessions_mutex);
        host_.sessions.erase(this);
    }

    /// Called on stop(): an idle connection is closed now, a busy one after its answer.
    void close_if_idle() {
        net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
            if (self->idle_) self->stream_.socket().close();
        });
    }

private:
    // Idle phase: a keep-alive connection waits idle_timeout for the first byte of a request.
    void wait_for_request() {
        idle_ = true;
        if (host_.stopping) return close();
        if (buffer_.size() > 0) return read_header();
        stream_.expires_after(host_.config.idle_timeout);
        stream_.async_read_some(buffer_.prepare(4096),
                                [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                    if (ec) return self->close();
                                    self->buffer_.commit(n);
                                    self->read_header();
                                });
    }

    // Header phase: the whole header must arrive within header_timeout (slowloris-safe).
    void read_header() {
        idle_ = false;
        started_ = clock_type::now();
        host_.stats.started();
        parser_.emplace();
        parser_->header_limit(header_limit);
        parser_->body_limit(host_.config.body_limit);
        stream_.expires_after(host_.config.header_timeout);
        http::async_read_header(stream_, buffer_, *parser_,
                                [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
    }

    void on_header(beast::error_code ec) {
        if (ec == beast::error::timeout) return abandon(408, native::host_code::header_timeout);
        if (ec == http::error::header_limit) return refuse(431, native::host_code::headers_too_large, "request headers too large");
        // Beast checks Content-Length against the body limit as soon as the header is parsed.
        if (ec == http::error::body_limit)
            return refuse(413, native::host_code::body_too_large, "request body exceeds " + std::to_string(host_.config.body_limit) + " bytes");
        if (is_malformed_request(ec)) return refuse(400, native::host_code::bad_request, "the request is not valid HTTP/1.1: " + ec.message());
        if (ec) return abandon(400, native::host_code::bad_request);
        if (auto problem = framing_problem(parser_->get().base()))
            return refuse(400, native::host_code::bad_framing, "the request's length is ambiguous: " + *problem);
        stream_.expires_after(host_.config.body_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
    }

    void on_body(beast::error_code ec) {
        if (ec == http::error::body_limit)
            return refuse(413, native::host_code::body_too_large, "request body exceeds " + std::to_string(host_.config.body_limit) + " bytes");
        if (ec == beast::error::timeout) return abandon(408, native::host_code::body_timeout);
        if (is_malformed_request(ec)) return refuse(400, native::host_code::bad_request, "the request body is not valid HTTP/1.1: " + ec.message());
        if (ec) return abandon(400, native::host_code::bad_request);
        // stop() closes an idle connection; a request whose bytes had already been read (its
        // completion queued behind the close) still arrives here, its answer undeliverable. It
        // must change nothing (a token redeemed now would be spent with no one told): it is only
        // counted and logged.
        if (!stream_.socket().is_open()) return abandon(503, native::host_code::stopping);
        request_ = parser_->release();
        answer a = route(request_);
        if (!a.written_by_route) write(std::move(a), request_.keep_alive());
    }

    answer route(const http::request<http::string_body>& req);
    answer messages(const http::request<http::string_body>& req);
    void retry_authentication(clock_type::time_point give_up);
    answer authenticated(const http::request<http::string_body>& req, const auth_result& auth);
    void decided(answer a, handoff::outcome o);
    void forward(answer a);

    // An error answered on a connection that is then closed (the rest of the request is unread).
    void refuse(int status, native::host_code code, const std::string& message) {
        answer a;
        a.route = "other";
        a.code = code;
        a.res.result(static_cast<http::status>(status));
        a.res.set(http::field::content_type, "application/json");
        a.res.body() = error_json(code, message);
        request_ = {};
        if (parser_ && parser_->is_header_done()) request_.base() = parser_->get().base();
        drain_ = true;
        write(std::move(a), false);
    }

    // A request that cannot be answered (timed out or unparsable): counted, logged, closed.
    void abandon(int status, native::host_code code) {
        finish_log("other", status, std::string(name(code)), "", "");
        close();
    }

    void write(answer a, bool keep_alive) {
        keep_alive = keep_alive && !host_.stopping;
        answer_ = std::make_shared<answer>(std::move(a));
        auto& res = answer_->res;
        res.version(11);
        res.set(http::field::server, "handoffkit");
        res.keep_alive(keep_alive);
        res.prepare_payload();
        stream_.expires_after(host_.config.body_timeout);
        http::async_write(stream_, res, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            self->on_written(ec);
        });
    }

    void on_written(beast::error_code ec) {
        auto& a = *answer_;
        const std::string method(request_.method_string());
        const std::string target(request_.target().substr(0, request_.target().find('?')));
        finish_log(a.route, a.res.result_int(), a.code ? std::string(a.code->name()) : std::string(), method, a.route == "other" ? "" : target);
        // Follow-ups leave only after the answer is on the wire: sending never delays it.
        if (!ec && !a.followups.empty()) {
            if (host_.config.send && a.followups_go) host_.config.send(followup_job(a));
            else drop_followups(a.followups.size(), a.followups_go ? "the host has no sender" : "without app credentials follow-ups go only to loopback");
        }
        const bool keep = !ec && a.res.keep_alive();
        answer_.reset();
        if (!keep) return drain_ ? drain_then_close() : close();
        wait_for_request();
    }

    // Counted every time, logged the first time for each reason (the host said at start where
    // follow-ups go; a line per request would double the log of a local run).
    void drop_followups(std::size_t n, const char* why) {
        host_.stats.outbound("dropped", n);
        std::lock_guard<std::mutex> lock(host_.sessions_mutex);
        if (host_.drop_reasons_logged.insert(why).second)
            host_.log(json{{"time", utc_now_iso()}, {"event", "outbound"}, {"code", native::outbound_code::outbound_dropped}, {"detail", why},
                           {"activities", n}, {"note", "counted in /metrics from now on, not logged again"}});
    }

    void finish_log(const std::string& route, int status, const std::string& code, const std::string& method,
                    const std::string& path) {
        const double seconds = std::chrono::duration<double>(clock_type::now() - started_).count();
        host_.stats.finished(route, status, seconds);
        host_.log(request_log_line(route, status, seconds, code, method, path));
    }

    // Written for every request, so built as text rather than through a JSON DOM (a tenth of
    // the host's time per redemption went to it); the same object, text fields JSON-escaped.
    std::string request_log_line(const std::string& route, int status, double seconds, const std::string& code,
                                 const std::string& method, const std::string& path) const {
        char ms[32];
        std::snprintf(ms, sizeof ms, "%.3f", seconds * 1e3);
        std::string line = "{\"time\":\"" + utc_now_iso() + "\",\"event\":\"request\",\"route\":";
        line.reserve(256);
        append_json_string(line, route);
        line += ",\"status\":" + std::to_string(status) + ",\"ms\":" + ms + ",\"remote\":";
        append_json_string(line, remote_);
        for (const auto& [key, value] : {std::pair{"method", &method}, {"path", &path}, {"code", &code}}) {
            if (value->empty()) continue;
            line += ",\"";
            line += key;
            line += "\":";
            append_json_string(line, *value);
        }
        line += '}';
        return line;
    }

    // After refusing a request whose body was not read, the unread bytes would make close() send a
    // TCP reset that can destroy our answer before the client reads it: stop sending, discard
    // what still arrives for a short, bounded while, then close.
    void drain_then_close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        drained_budget_ = drain_limit;
        stream_.expires_after(std::chrono::seconds(1));
        drain_some();
    }
    void drain_some() {
        stream_.async_read_some(net::buffer(drain_buffer_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
            if (ec || n >= self->drained_budget_) return self->close();
            self->drained_budget_ -= n;
            self->drain_some();
        });
    }

    void close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream_.socket().close(ec);
    }

    beast::tcp_stream stream_;
    server::impl& host_;
    std::size_t context_;  // index of the io_context this connection lives on
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::request<http::string_body> request_;
    std::shared_ptr<answer> answer_;
    std::string remote_;
    bool idle_ = true;
    bool drain_ = false;
    std::size_t drained_budget_ = 0;
    std::array<char, 4096> drain_buffer_{};
    clock_type::time_point started_ = clock_type::now();
    net::steady_timer auth_timer_;  // a request whose signing key is being fetched waits on it
};

// Compares a presented secret with the expected one in time independent of where they differ.
static bool same_secret(std::string_view presented, const std::string& expected) {
    return presented.size() == expected.size() && CRYPTO_memcmp(presented.data(), expected.data(), expected.size()) == 0;
}

answer session::route(const http::request<http::string_body>& req) {
    const std::string target(req.target());
    const std::string path = target.substr(0, target.find('?'));
    answer a;
    a.res.version(11);
    auto text = [&](int status, const std::string& type, std::string body) {
        a.res.result(static_cast<http::status>(status));
        a.res.set(http::field::content_type, type);
        a.res.body() = std::move(body);
    };
    auto method_not_allowed = [&](const char* allow) {
        a.code = native::host_code::method_not_allowed;
        text(405, "application/json", error_json(*a.code, "method not allowed"));
        a.res.set(http::field::allow, allow);
    };
    const bool get = req.method() == http::verb::get || req.method() == http::verb::head;
    if (path == "/api/messages") {
        a.route = path;
        if (req.method() != http::verb::post) return method_not_allowed("POST"), a;
        return messages(req);
    }
    if (auto sidecar = host_.config.sidecar.find(path); sidecar != host_.config.sidecar.end() && !host_.config.api_key.empty()) {
        a.route = path;
        if (req.method() != http::verb::post) return method_not_allowed("POST"), a;
        if (!same_secret(req[http::field::authorization], "Bearer " + host_.config.api_key)) {
            a.code = native::host_code::api_key_invalid;
            text(401, "application/json", error_json(*a.code, "this endpoint needs Authorization: Bearer <api key>"));
            a.res.set(http::field::www_authenticate, "Bearer");
            return a;
        }
        auto reply = sidecar->second(req.body());
        a.code = reply.code;
        text(reply.status, "application/json", std::move(reply.body));
        return a;
    }
    if (path == "/healthz") {
        a.route = path;
        if (!get) return method_not_allowed("GET, HEAD"), a;
        if (host_.stopping) text(503, "application/json", R"({"status":"stopping"})");
        else text(200, "application/json", R"({"status":"ok"})");
        return a;
    }
    if (path == "/metrics") {
        a.route = path;
        if (!get) return method_not_allowed("GET, HEAD"), a;
        text(200, "text/plain; version=0.0.4; charset=utf-8", host_.stats.render());
        return a;
    }
    a.route = "static";
    if (!get) return method_not_allowed("GET, HEAD"), a;
    if (auto file = load_static(host_.config.web_root, target)) {
        text(200, file->content_type, std::move(file->body));
        a.res.set("X-Content-Type-Options", "nosniff");
    } else {
        a.code = native::host_code::not_found;
        text(404, "application/json", error_json(*a.code, "not found"));
    }
    return a;
}

answer session::messages(const http::request<http::string_body>& req) {
    if (host_.config.insecure_no_auth) return authenticated(req, auth_result{});
    auth_result auth = host_.config.authenticate(std::string(req[http::field::authorization]));
    if (!auth.ok && auth.retry_later) {
        retry_authentication(clock_type::now() + host_.config.auth_key_wait);
        answer waiting;
        waiting.written_by_route = true;
        return waiting;
    }
    return authenticated(req, auth);
}

// The signing key is being fetched: ask again shortly, on a timer, so this thread keeps serving
// its other connections; after auth_key_wait the last verdict stands.
void session::retry_authentication(clock_type::time_point give_up) {
    auth_timer_.expires_after(auth_retry_interval);
    auth_timer_.async_wait([self = shared_from_this(), give_up](beast::error_code) {
        auto auth = self->host_.config.authenticate(std::string(self->request_[http::field::authorization]));
        if (!auth.ok && auth.retry_later && clock_type::now() < give_up) return self->retry_authentication(give_up);
        auth.retry_later = false;
        answer a = self->authenticated(self->request_, auth);
        if (!a.written_by_route) self->write(std::move(a), self->request_.keep_alive());
    });
}

// What follows the Authorization check (`auth` is ok, or the refusal to answer): the core's
// handoff pipeline, told what the check established; a valid token's store steps run on this
// connection's driver, which calls back on this thread once they are done.
answer session::authenticated(const http::request<http::string_body>& req, const auth_result& auth) {
    answer a;
    a.route = "/api/messages";
    handoff::inbound in;
    if (!host_.config.insecure_no_auth) {
        if (!auth.ok) {
            set_refusal(a, 401, auth.code.value_or(native::auth_code::auth_malformed), "the request is not authenticated");
            a.res.set(http::field::www_authenticate, "Bearer");
            return a;
        }
        in.authenticated = true;
        if (!auth.service_url.empty()) in.service_url = auth.service_url;
        in.endorsements = auth.endorsements;
    }
    auto x = std::make_shared<handoff::exchange>(req.body(), host_.config.handoff, in, host_.now());
    if (x->finished()) {
        handoff::outcome o = x->take_outcome();
        if (o.for_the_app && !host_.forwarders.empty()) {
            forward(std::move(a));
            answer written;
            written.written_by_route = true;
            return written;
        }
        return set_outcome(a, std::move(o)), a;
    }
    answer written;
    written.written_by_route = true;
    host_.drivers[context_](x->redemption(), [self = shared_from_this(), a = std::move(a), x]() mutable {
        self->decided(std::move(a), x->take_outcome());
    });
    return written;
}

// The answer to a handoff/action once its token is redeemed (or refused), then its follow-ups.
void session::decided(answer a, handoff::outcome o) {
    const bool fresh = o.redeemed && !o.retry;
    set_outcome(a, std::move(o));
    if (fresh && host_.config.redeemed) host_.config.redeemed();
    write(std::move(a), request_.keep_alive());
}

// Any other activity goes to the app, and the app's answer is the host's.
void session::forward(answer a) {
    host_.forwarders[context_]->forward(
        std::move(request_.body()), std::string(request_[http::field::authorization]),
        std::string(request_[http::field::content_type]),
        [self = shared_from_this(), a = std::move(a)](forwarded f) mutable {
            self->host_.stats.forwarded(f.code ? std::string(f.code->name()) : std::to_string(f.status));
            a.code = f.code.value_or(native::host_code::forwarded);
            a.res.result(static_cast<http::status>(f.status));
            if (!f.content_type.empty()) a.res.set(http::field::content_type, f.content_type);
            a.res.body() = std::move(f.body);
            self->write(std::move(a), self->request_.keep_alive());
        });
}

void server::impl::accept() {
    const std::size_t index = next_context++ % contexts.size();
    acceptor.async_accept(*contexts[index], [this, index](beast::error_code ec, tcp::socket socket) {
        if (stopping) return;  // the acceptor was closed by stop()
        if (ec) return accept_failed(ec);
        accept_backoff = first_accept_backoff;
        if (static_cast<std::size_t>(stats.open_connections()) >= config.max_connections) refuse_connection(std::move(socket));
        else {
            at_capacity = false;
            std::make_shared<session>(std::move(socket), *this, index)->start();
        }
        accept();
    });
}

// One failed accept must not end accepting for the life of the process (it once did: EMFILE at
// the descriptor limit, and /healthz never answered again). Log, count, wait, try again.
void server::impl::accept_failed(const beast::error_code& ec) {
    stats.accept_failed();
    log(json{{"time", utc_now_iso()}, {"event", "accept_failed"}, {"error", ec.message()},
             {"retryMs", accept_backoff.count()}});
    accept_timer.expires_after(accept_backoff);
    accept_backoff = std::min(accept_backoff * 2, max_accept_backoff);
    accept_timer.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec && !stopping) accept();
    });
}

// Beyond max_connections a new connection is closed at once: each open one holds a descriptor,
// and the host must keep some for its store, its outbound calls and the next accept.
void server::impl::refuse_connection(tcp::socket socket) {
    stats.connection_refused();
    beast::error_code ec;
    socket.close(ec);
    if (at_capacity) return;
    at_capacity = true;  // logged once per episode, not once per connection of a flood
    log(json{{"time", utc_now_iso()}, {"event", "connection_limit"}, {"maxConnections", config.max_connections}});
}

void server::impl::begin_stop() {
    if (stopping.exchange(true)) return;
    beast::error_code ec;
    acceptor.close(ec);
    accept_timer.cancel();
    std::vector<std::shared_ptr<session>> open;
    {
        std::lock_guard<std::mutex> lock(sessions_mutex);
        for (auto& [_, weak] : sessions)
            if (auto s = weak.lock()) open.push_back(s);
    }
    for (auto& s : open) s->close_if_idle();
    for (auto& guard : keep_running) guard.reset();  // each context ends with its last connection
    log(json{{"time", utc_now_iso()}, {"event", "stopping"}, {"openConnections", open.size()}});
}

server::server(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
server::~server() = default;

result<std::unique_ptr<server>> server::create(host_config config) {
    if (!config.drive) return fail(native::host_code::config_invalid, "the host needs a store driver");
    if (auto e = handoff::check_config(config.handoff)) return fail(native::host_code::config_invalid, e->message);
    if (!config.insecure_no_auth && !config.authenticate)
        return fail(native::host_code::config_invalid, "the host needs an authenticator (or insecure_no_auth for local development)");
    if (config.threads < 1) config.threads = 1;
    if (config.max_connections == 0) config.max_connections = default_max_connections();
    auto p = std::make_unique<impl>(std::move(config));
    beast::error_code ec;
    const auto address = net::ip::make_address(p->config.address, ec);
    if (ec) return fail(native::host_code::listen_failed, "not an IP address: " + p->config.address);
    const tcp::endpoint endpoint(address, p->config.port);
    p->acceptor.open(endpoint.protocol(), ec);
    if (!ec) p->acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) p->acceptor.bind(endpoint, ec);
    if (!ec) p->acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return fail(native::host_code::listen_failed, "cannot listen on " + p->config.address + ":" +
                                             std::to_string(p->config.port) + ": " + ec.message());
    p->port = p->acceptor.local_endpoint().port();
    for (auto& context : p->contexts) p->drivers.push_back(p->config.drive(*context));
    if (p->config.forward) {
        std::shared_ptr<net::ssl::context> tls;
        if (p->config.forward->target.origin.tls) {
            auto made = tls_client_context(p->config.forward->ca_file);
            if (!made) return made.err();
            tls = *made;
        }
        for (auto& context : p->contexts) p->forwarders.push_back(std::make_unique<forwarder>(*context, p->config.forward, tls));
    }
    p->accept();
    return std::unique_ptr<server>(new server(std::move(p)));
}

std::uint16_t server::port() const { return impl_->port; }

void server::run() {
    std::vector<std::thread> extra;
    for (std::size_t i = 1; i < impl_->contexts.size(); ++i)
        extra.emplace_back([context = impl_->contexts[i].get()] { context->run(); });
    impl_->contexts.front()->run();
    for (auto& t : extra) t.join();
}

void server::count_outbound(const std::string& outcome) { impl_->stats.outbound(outcome); }
void server::count_delivery(const std::string& outcome) { impl_->stats.delivery(outcome); }

void server::stop() {
    // On the acceptor's thread: closing it must not race an accept completing.
    net::post(impl_->acceptor.get_executor(), [p = impl_.get()] { p->begin_stop(); });
}

}  // namespace handoffkit::host
