// A real redis-server (Debian's) on a loopback port of its own, for the
// store's tests: started by the constructor and stopped (SIGKILL) by the
// destructor, without persistence. The tests kill it, pause it (SIGSTOP, a
// server that hangs) and start it again on the same port, as an outage would.
#pragma once
#include <sys/types.h>

#include <string>

namespace confab::test {

class RedisProcess {
public:
    RedisProcess();  // on a free port
    ~RedisProcess();
    RedisProcess(const RedisProcess&) = delete;
    RedisProcess& operator=(const RedisProcess&) = delete;

    int port() const { return port_; }
    // Starts it on port() and waits until it accepts connections.
    void start();
    // SIGKILL, and waits for the process to be gone.
    void kill();
    void pause();   // SIGSTOP: connections stay open, nothing is answered
    void resume();  // SIGCONT
    bool running() const { return pid_ > 0; }

private:
    int port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace confab::test
