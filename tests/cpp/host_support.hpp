// Helpers for the host suites: an in-process host on an ephemeral port, a raw HTTP/1.1 client
// with bounded waits, and a redeemer scripted per token (tests only).
#pragma once

#include <cerrno>
#include <arpa/inet.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "handoffkit/json_api_token.hpp"
#include "handoffkit/native/system.hpp"
#include "host.hpp"
#include "cli.hpp"
#include "store_drivers.hpp"
#include "test_stores.hpp"
#include "vectors.hpp"

namespace handoffkit::test {

/// A connected TCP socket to 127.0.0.1:port whose reads give up after 5 s (no test hangs).
class raw_connection {
public:
    explicit raw_connection(std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        timeval tv{5, 0};
        setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
            throw std::runtime_error("cannot connect to the host");
    }
    ~raw_connection() { ::close(fd_); }
    raw_connection(const raw_connection&) = delete;

    void send(const std::string& bytes) {
        std::size_t off = 0;
        while (off < bytes.size()) {
            const auto n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
            if (n <= 0) return;
            off += static_cast<std::size_t>(n);
        }
    }

    struct response {
        int status = 0;  ///< 0: the connection closed (or timed out) before a response
        std::map<std::string, std::string> headers;  ///< lower-case names
        std::string body;
    };

    /// Reads one response (Content-Length framed).
    response read_response() {
        response r;
        std::size_t header_end;
        while ((header_end = pending_.find("\r\n\r\n")) == std::string::npos)
            if (!fill()) return r;
        std::string head = pending_.substr(0, header_end);
        pending_.erase(0, header_end + 4);
        std::size_t line_end = head.find("\r\n");
        const std::string status_line = head.substr(0, line_end);
        r.status = std::stoi(status_line.substr(9, 3));
        while (line_end != std::string::npos) {
            const std::size_t start = line_end + 2;
            line_end = head.find("\r\n", start);
            std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
            const auto colon = line.find(':');
            if (colon == std::string::npos) continue;
            std::string name = line.substr(0, colon);
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            std::string value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
            r.headers[name] = value;
        }
        const std::size_t length = r.headers.count("content-length") ? std::stoul(r.headers["content-length"]) : 0;
        while (pending_.size() < length)
            if (!fill()) return r;
        r.body = pending_.substr(0, length);
        pending_.erase(0, length);
        return r;
    }

    /// True when the peer closed the connection within the 5 s read timeout: read gives 0, or a
    /// reset (a peer that closes while our input is still unread in its buffer sends RST, as the
    /// host does to a slow client that was still sending when its header timeout ran out).
    bool closed_by_peer() {
        char c;
        const auto n = ::recv(fd_, &c, 1, 0);
        return n == 0 || (n < 0 && errno == ECONNRESET);
    }

    /// True when the peer closed the connection within `ms` (poll, then a read that gives 0 or a
    /// reset); false when it is still open then (nothing arrived).
    bool closed_within(int ms) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, ms) <= 0) return false;
        return closed_by_peer();
    }

private:
    bool fill() {
        char buf[8192];
        const auto n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) return false;
        pending_.append(buf, static_cast<std::size_t>(n));
        return true;
    }

    int fd_ = -1;
    std::string pending_;
};

inline std::string http_request(const std::string& method, const std::string& target, const std::string& body = "",
                                const std::vector<std::string>& headers = {}) {
    std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& h : headers) r += h + "\r\n";
    if (!body.empty() || method == "POST") r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    return r + "\r\n" + body;
}

/// One request on a fresh connection.
inline raw_connection::response call(std::uint16_t port, const std::string& method, const std::string& target,
                                     const std::string& body = "", const std::vector<std::string>& headers = {}) {
    raw_connection c(port);
    c.send(http_request(method, target, body, headers));
    return c.read_response();
}

/// The seed's handoff/action payload with another continuation token (and optional changes).
inline nlohmann::json seed_activity(const std::string& continuation = "test-continuation-token") {
    auto a = load_vectors("invoke.json")["seedActivity"];
    a["value"]["continuation"] = continuation;
    return a;
}

// The seed activity's bot (recipient.id without 28:) and user (from.aadObjectId), and test keys.
inline const std::string test_bot_id = "00000000-0000-0000-0000-000000000000";
inline const std::string test_user = "00000000-0000-0000-0000-000000000000";
inline const std::string test_keys = R"({"keys":[{"kty":"oct","kid":"k1","k":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}]})";
inline const std::string other_test_keys = R"({"keys":[{"kty":"oct","kid":"k1","k":"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI"}]})";

/// A token issued through the JSON API (now and random filled in unless given).
inline std::string issue_test_token(nlohmann::json request, const std::string& with = test_keys) {
    static std::atomic<int> n{0};
    if (!request.contains("botId")) request["botId"] = "28:" + test_bot_id;
    if (!request.contains("now")) request["now"] = handoffkit::native::unix_now();
    if (!request.contains("random")) {
        char hex[33];
        std::snprintf(hex, sizeof hex, "%08x%08x%016x", ::getpid(), n++, static_cast<unsigned>(std::rand()));
        request["random"] = hex;
    }
    const nlohmann::json out = nlohmann::json::parse(handoffkit::json_api::issue_token(request.dump(), with));
    if (out["ok"] != true) throw std::runtime_error("cannot issue a test token: " + out.dump());
    return out["value"]["token"];
}

/// The in-process host of the suites: no inbound auth, the seed's bot, real tokens of test_keys
/// marked in a counting memory store (shared by every host thread: its calls are serialized).
struct test_store final : token::replay_guard {
    counting_store counted;
    std::mutex mutex;
    int calls() {
        std::lock_guard<std::mutex> lock(mutex);
        return counted.calls;
    }
    result<token::mark_answer> mark(const token::mark_request& r, std::int64_t now) override {
        std::lock_guard<std::mutex> lock(mutex);
        return counted.mark(r, now);
    }
    result<token::done> save_context(std::string_view j, std::string_view c, std::int64_t k, std::int64_t n) override {
        std::lock_guard<std::mutex> lock(mutex);
        return counted.save_context(j, c, k, n);
    }
    result<std::optional<std::string>> load_context(std::string_view j, std::int64_t n) override {
        std::lock_guard<std::mutex> lock(mutex);
        return counted.load_context(j, n);
    }
};

inline host::host_config test_host_config(std::shared_ptr<token::replay_guard> store) {
    host::host_config c;
    c.insecure_no_auth = true;
    c.handoff.bot_id = test_bot_id;
    c.handoff.keys = std::make_shared<const token::key_set>(*token::key_set::parse(test_keys));
    c.drive = host::inline_driver(std::move(store));
    return c;
}

/// A host on 127.0.0.1:<ephemeral> served by a thread; stopped (gracefully) and joined on destruction.
class running_host {
public:
    explicit running_host(host::host_config config) {
        config.address = "127.0.0.1";
        config.port = 0;
        if (!config.log) config.log = [this](const std::string& line) {
            std::lock_guard<std::mutex> lock(mutex_);
            log_.push_back(line);
        };
        auto created = host::server::create(std::move(config));
        if (!created) throw std::runtime_error(std::string(created.err().code.name()) + ": " + created.err().message);
        server_ = std::move(created).value();
        thread_ = std::thread([this] { server_->run(); });
    }
    ~running_host() { stop(); }

    std::uint16_t port() const { return server_->port(); }
    void stop() {
        if (!thread_.joinable()) return;
        server_->stop();
        thread_.join();
    }
    std::vector<std::string> log() {
        std::lock_guard<std::mutex> lock(mutex_);
        return log_;
    }

private:
    std::unique_ptr<host::server> server_;
    std::thread thread_;
    std::mutex mutex_;
    std::vector<std::string> log_;
};

// `handoffkit serve` as a child process; its stderr (the JSON log) goes to a file we poll.
struct serve_process {
    pid_t pid = -1;
    std::string log_path;
    /// `env`: variables set in the host's environment only (secrets that must not go on argv);
    /// `open_files` > 0: the child's RLIMIT_NOFILE, set before exec (`ulimit -n`).
    explicit serve_process(const std::vector<std::string>& args, const std::string& password = "",
                           const std::vector<std::pair<std::string, std::string>>& env = {}, rlim_t open_files = 0) {
        static int started = 0;  // several at once (two hosts on one store) need their own logs
        log_path = (std::filesystem::temp_directory_path() /
                    ("hk-serve-" + std::to_string(::getpid()) + "-" + std::to_string(started++) + ".log")).string();
        pid = fork();
        if (pid == 0) {
            const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            dup2(fd, 2);
            if (!password.empty()) ::setenv("HANDOFFKIT_APP_PASSWORD", password.c_str(), 1);
            else ::unsetenv("HANDOFFKIT_APP_PASSWORD");
            for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
            if (open_files > 0) {
                const rlimit limit{open_files, open_files};
                ::setrlimit(RLIMIT_NOFILE, &limit);
            }
            std::vector<char*> argv{const_cast<char*>(HANDOFFKIT_CLI), const_cast<char*>("serve")};
            for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            execv(HANDOFFKIT_CLI, argv.data());
            _exit(127);
        }
    }
    ~serve_process() {
        if (pid > 0 && waitpid(pid, nullptr, WNOHANG) == 0) {
            kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
        }
        std::remove(log_path.c_str());
    }
    std::string log() const {
        std::ifstream in(log_path);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    /// The port from the "listening" line (polled for at most 10 s), or 0.
    std::uint16_t port() const {
        for (int i = 0; i < 1000; ++i) {
            const std::string text = log();
            const std::string needle = "\"event\":\"listening\",\"port\":";
            const auto at = text.find(needle);
            if (at != std::string::npos) return static_cast<std::uint16_t>(std::stoi(text.substr(at + needle.size())));
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return 0;
    }
    /// Exit status after at most 10 s, or -1.
    int wait_exit() {
        for (int i = 0; i < 1000; ++i) {
            int status = 0;
            if (waitpid(pid, &status, WNOHANG) == pid) {
                pid = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return -1;
    }
};

}  // namespace handoffkit::test
