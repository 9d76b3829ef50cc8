// A redis-server of the test's own on 127.0.0.1 (replay stores, host tests): started at a free
// port, without persistence unless given a data directory, stopped with SIGKILL by stop() or the
// destructor; restart() brings it back on the same port. Optionally with TLS on a second port
// (certificates from test_pki: a CA, a server and a client certificate made with the openssl
// command) and with AUTH (requirepass and ACL users).
#pragma once

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace handoffkit::test {

inline int free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    return ntohs(addr.sin_port);
}

/// A throwaway PKI in a temporary folder, made once per process with the openssl command: a CA;
/// a server certificate signed by it for the address 127.0.0.1 only (so the name localhost, which
/// reaches the same server, does not match it); a client certificate signed by it; and a second
/// CA that signed none of these (the "wrong CA"). EC P-256 keys: fast.
struct test_pki {
    std::string dir, ca, server_cert, server_key, client_cert, client_key, other_ca;
    bool made = false;

    static const test_pki& get() {
        static const test_pki pki;
        return pki;
    }

private:
    test_pki() {
        dir = (std::filesystem::temp_directory_path() / ("hk-pki-" + std::to_string(::getpid()))).string();
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        const auto file = [&](const std::string& name) { return dir + "/" + name; };
        ca = file("ca.crt"), server_cert = file("server.crt"), server_key = file("server.key");
        client_cert = file("client.crt"), client_key = file("client.key"), other_ca = file("other-ca.crt");
        std::ofstream(file("server.ext")) << "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n";
        std::ofstream(file("client.ext")) << "extendedKeyUsage=clientAuth\n";
        const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
        const std::string quiet = " >/dev/null 2>&1";
        const auto make_ca = [&](const std::string& name, const std::string& cn) {
            return "openssl req -x509" + ec + "-keyout " + file(name + ".key") + " -out " + file(name + ".crt") +
                   " -subj /CN=" + cn + " -days 2 -addext basicConstraints=critical,CA:TRUE"
                   " -addext keyUsage=critical,keyCertSign,cRLSign" + quiet;
        };
        const auto make_signed = [&](const std::string& name, const std::string& cn) {
            return "openssl req" + ec + "-keyout " + file(name + ".key") + " -out " + file(name + ".csr") + " -subj /CN=" + cn +
                   quiet + " && openssl x509 -req -in " + file(name + ".csr") + " -CA " + ca + " -CAkey " + file("ca.key") +
                   " -CAcreateserial -days 2 -extfile " + file(name + ".ext") + " -out " + file(name + ".crt") + quiet;
        };
        made = std::system(make_ca("ca", "handoffkit-test-ca").c_str()) == 0 &&
               std::system(make_ca("other-ca", "handoffkit-other-ca").c_str()) == 0 &&
               std::system(make_signed("server", "127.0.0.1").c_str()) == 0 &&
               std::system(make_signed("client", "handoffkit-test-client").c_str()) == 0;
    }
    ~test_pki() { std::filesystem::remove_all(dir); }
};

/// redis-server on 127.0.0.1 at a free port; stopped (SIGKILL) by stop() or the destructor.
/// started() is false when it could not be brought up. With `data_dir`, every write is appended
/// and fsynced before the reply (appendfsync always), so what it answered survives SIGKILL.
class redis_server {
public:
    struct config {
        std::string data_dir;
        bool tls = false;                ///< also listen with TLS on tls_port() (test_pki's server certificate)
        bool require_client_cert = false;
        std::string password;            ///< requirepass (the default user's password)
        std::vector<std::string> users;  ///< ACL rules, one user each: "hk on >secret ~* &* +@all"
    };

    explicit redis_server(std::string data_dir = "") : redis_server(config{std::move(data_dir)}) {}
    explicit redis_server(config c) : config_(std::move(c)) {
        for (int attempt = 0; attempt < 3 && !ready_; ++attempt) {
            if (config_.tls) tls_port_ = free_port();
            start(free_port());
        }
    }
    int tls_port() const { return tls_port_; }
    /// Stops it (SIGKILL) and starts it again on the same port; true when it answers again.
    bool restart() {
        stop();
        ready_ = false;
        start(port_);
        return ready_;
    }
    ~redis_server() { stop(); }
    bool started() const { return ready_; }
    int port() const { return port_; }
    void stop() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        pid_ = -1;
    }

private:
    void start(int port) {
        port_ = port;
        if (config_.tls) test_pki::get();  // made here, not in the child (whose files would differ)
        std::fflush(nullptr);  // or the child would flush our buffered output a second time
        pid_ = fork();
        if (pid_ == 0) {
            const std::string p = std::to_string(port);
            const int devnull = open("/dev/null", O_WRONLY);
            dup2(devnull, STDOUT_FILENO);
            std::vector<std::string> args{"redis-server", "--port", p, "--bind", "127.0.0.1", "--save", "",
                                          "--daemonize", "no", "--protected-mode", "yes"};
            const std::string& data_dir = config_.data_dir;
            for (const std::string& a : data_dir.empty() ? std::vector<std::string>{"--appendonly", "no"}
                                                         : std::vector<std::string>{"--appendonly", "yes", "--appendfsync",
                                                                                    "always", "--dir", data_dir})
                args.push_back(a);
            if (config_.tls) {
                const test_pki& pki = test_pki::get();  // the parent's, made before the fork
                for (const std::string& a : {std::string("--tls-port"), std::to_string(tls_port_), std::string("--tls-cert-file"),
                                             pki.server_cert, std::string("--tls-key-file"), pki.server_key,
                                             std::string("--tls-ca-cert-file"), pki.ca, std::string("--tls-auth-clients"),
                                             std::string(config_.require_client_cert ? "yes" : "no")})
                    args.push_back(a);
            }
            if (!config_.password.empty()) args.insert(args.end(), {"--requirepass", config_.password});
            for (const auto& user : config_.users) {  // a config line: --user NAME RULE...
                args.push_back("--user");
                std::size_t from = 0;
                for (std::size_t to; (to = user.find(' ', from)) != std::string::npos; from = to + 1) args.push_back(user.substr(from, to - from));
                args.push_back(user.substr(from));
            }
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            execvp("redis-server", argv.data());
            _exit(127);
        }
        // Poll until it answers PING (or has exited); bounded so a broken install fails the test.
        for (int i = 0; i < 200 && !ready_; ++i) {
            if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
                pid_ = -1;
                return;
            }
            timeval tv{0, 200'000};
            if (redisContext* c = redisConnectWithTimeout("127.0.0.1", port, tv)) {
                if (!c->err) {
                    // Up when it answers: PONG, or NOAUTH when it wants a password.
                    auto* reply = static_cast<redisReply*>(redisCommand(c, "PING"));
                    ready_ = reply && (reply->type == REDIS_REPLY_STATUS || reply->type == REDIS_REPLY_ERROR);
                    if (reply) freeReplyObject(reply);
                }
                redisFree(c);
            }
            if (!ready_) std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
        if (!ready_) stop();
    }

    config config_;
    pid_t pid_ = -1;
    int port_ = 0;
    int tls_port_ = 0;
    bool ready_ = false;
};

}  // namespace handoffkit::test
