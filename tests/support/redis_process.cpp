#include "support/redis_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace confab::test {
namespace {

// A port nothing listens on now: bound with port 0, read back, closed.
int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("no free port");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool accepts(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

RedisProcess::RedisProcess() : port_(free_port()) {
    start();
}

RedisProcess::~RedisProcess() {
    if (pid_ > 0) {
        ::kill(pid_, SIGCONT);
        kill();
    }
}

void RedisProcess::start() {
    if (pid_ > 0) throw std::runtime_error("redis-server is already running");
    const std::string port = std::to_string(port_);
    std::vector<std::string> args{
        "redis-server", "--port", port,          "--bind", "127.0.0.1",  "--save", "",
        "--appendonly", "no",     "--daemonize", "no",     "--loglevel", "warning"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        close_range(3, ~0U, 0);  // the test's sockets are not the server's
        // Its start-up banner is noise in the test's output.
        if (const int null = ::open("/dev/null", O_WRONLY); null >= 0) ::dup2(null, STDOUT_FILENO);
        execvp(argv[0], argv.data());
        _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!accepts(port_)) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error(
                "redis-server exited at start (is it installed? scripts/setup)");
        }
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error("redis-server did not listen within 10 s");
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

void RedisProcess::kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

void RedisProcess::pause() {
    if (pid_ > 0) ::kill(pid_, SIGSTOP);
}

void RedisProcess::resume() {
    if (pid_ > 0) ::kill(pid_, SIGCONT);
}

}  // namespace confab::test
