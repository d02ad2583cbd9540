#include "support/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "test_paths.hpp"

namespace confab::test {
namespace fs = std::filesystem;

ServerProcess::ServerProcess(std::vector<std::string> args, std::vector<std::string> env) {
    char tmpl[] = "/tmp/confab-test-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    log_path_ = dir_ + "/server.log";
    const std::string port_file = dir_ + "/port";

    std::vector<std::string> argv{kConfabBinary, "--host",     "127.0.0.1",
                                  "--port",      "0",          "--port-file",
                                  port_file,     "--web-root", std::string(kSourceDir) + "/web"};
    argv.insert(argv.end(), args.begin(), args.end());

    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        const int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1);
        dup2(fd, 2);
        // The test's own sockets (a fake backend's listening socket, say)
        // must not live on in the server: Asio does not open them
        // close-on-exec, and an inherited listener kept a "killed" fake
        // backend's port accepting connections that nobody answered.
        close_range(3, ~0U, 0);
        for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
        std::vector<char*> cargv;
        for (auto& a : argv) cargv.push_back(a.data());
        cargv.push_back(nullptr);
        execv(cargv[0], cargv.data());
        _exit(127);
    }
    // Wait (bounded) for the port file: the server writes it once it listens.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        std::ifstream in(port_file);
        int port = 0;
        if (in >> port && port > 0) {
            port_ = static_cast<unsigned short>(port);
            return;
        }
        if (!running()) throw std::runtime_error("confab exited at start:\n" + log());
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("confab did not start listening:\n" + log());
}

ServerProcess::~ServerProcess() {
    if (pid_ > 0 && running()) {
        // Stopped the way an operator stops it, so that its exit is checked
        // too: a clean shutdown exits 0, and in a sanitizer build
        // LeakSanitizer's report at exit turns that into 23.
        const int code = signal_and_wait(SIGTERM, std::chrono::seconds(15));
        if (code != 0)
            ADD_FAILURE() << "confab did not exit cleanly on SIGTERM (" << code << "):\n" << log();
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

bool ServerProcess::running() {
    if (pid_ <= 0) return false;
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
        pid_ = -1;
        return false;
    }
    return true;
}

int ServerProcess::signal_and_wait(int signo, std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return -1;
    kill(pid_, signo);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        const pid_t r = waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            pid_ = -1;
            if (WIFEXITED(status)) return WEXITSTATUS(status);
            return -2;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
}

std::string ServerProcess::log() const {
    std::ifstream in(log_path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

int ServerProcess::thread_count() const {
    int n = 0;
    std::error_code ec;
    for (auto it = fs::directory_iterator("/proc/" + std::to_string(pid_) + "/task", ec);
         !ec && it != fs::directory_iterator(); ++it)
        ++n;
    return n;
}

}  // namespace confab::test
