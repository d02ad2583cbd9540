// Runs the real `confab` binary on an ephemeral port for integration tests.
// The constructor starts it and waits until it listens; the destructor stops
// it (SIGKILL if it is still running). Logs go to a file the test can read.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace confab::test {

// Server flags for tests that upload recordings faster than real time (a
// burst of 20 ms appends): they lift the per-session rate limits and the
// inbound audio lead bound, which real-time clients never reach.
inline std::vector<std::string> with_fast_upload(std::vector<std::string> args) {
    for (const char* flag : {"--input-audio-lead-ms", "600000", "--max-events-per-second", "100000",
                             "--max-audio-seconds-per-minute", "6000"})
        args.emplace_back(flag);
    return args;
}

class ServerProcess {
public:
    explicit ServerProcess(std::vector<std::string> args, std::vector<std::string> env = {});
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    unsigned short port() const { return port_; }
    pid_t pid() const { return pid_; }
    // Sends `signo`; returns the exit status (or -1 on timeout, -2 if killed by a signal).
    int signal_and_wait(int signo, std::chrono::milliseconds timeout);
    bool running();
    std::string log() const;  // everything the server wrote to stderr/stdout
    // Threads of the live process (from /proc/PID/task).
    int thread_count() const;

private:
    pid_t pid_ = -1;
    unsigned short port_ = 0;
    std::string dir_;
    std::string log_path_;
};

}  // namespace confab::test
