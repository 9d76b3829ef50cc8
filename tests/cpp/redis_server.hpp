// A redis-server of the test's own on 127.0.0.1 (replay stores, host tests): started at a free
// port, no persistence, stopped with SIGKILL by stop() or the destructor.
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

/// redis-server on 127.0.0.1 at a free port, no persistence; stopped (SIGKILL) by stop() or
/// the destructor. started() is false when it could not be brought up.
class redis_server {
public:
    redis_server() {
        for (int attempt = 0; attempt < 3 && !ready_; ++attempt) start(free_port());
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
            execlp("redis-server", "redis-server", "--port", p.c_str(), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes", static_cast<char*>(nullptr));
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

    pid_t pid_ = -1;
    int port_ = 0;
    bool ready_ = false;
};

}  // namespace handoffkit::test
