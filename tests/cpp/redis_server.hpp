// A redis-server of the test's own on 127.0.0.1 (replay stores, host tests): started at a free
// port, without persistence unless given a data directory, stopped with SIGKILL by stop() or the
// destructor; restart() brings it back on the same port.
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

/// redis-server on 127.0.0.1 at a free port; stopped (SIGKILL) by stop() or the destructor.
/// started() is false when it could not be brought up. With `data_dir`, every write is appended
/// and fsynced before the reply (appendfsync always), so what it answered survives SIGKILL.
class redis_server {
public:
    explicit redis_server(std::string data_dir = "") : data_dir_(std::move(data_dir)) {
        for (int attempt = 0; attempt < 3 && !ready_; ++attempt) start(free_port());
    }
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
        std::fflush(nullptr);  // or the child would flush our buffered output a second time
        pid_ = fork();
        if (pid_ == 0) {
            const std::string p = std::to_string(port);
            const int devnull = open("/dev/null", O_WRONLY);
            dup2(devnull, STDOUT_FILENO);
            std::vector<std::string> args{"redis-server", "--port", p, "--bind", "127.0.0.1", "--save", "",
                                          "--daemonize", "no", "--protected-mode", "yes"};
            for (const std::string& a : data_dir_.empty() ? std::vector<std::string>{"--appendonly", "no"}
                                                          : std::vector<std::string>{"--appendonly", "yes", "--appendfsync",
                                                                                     "always", "--dir", data_dir_})
                args.push_back(a);
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
                    auto* reply = static_cast<redisReply*>(redisCommand(c, "PING"));
                    ready_ = reply && reply->type == REDIS_REPLY_STATUS;
                    if (reply) freeReplyObject(reply);
                }
                redisFree(c);
            }
            if (!ready_) std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
        if (!ready_) stop();
    }

    std::string data_dir_;
    pid_t pid_ = -1;
    int port_ = 0;
    bool ready_ = false;
};

}  // namespace handoffkit::test
