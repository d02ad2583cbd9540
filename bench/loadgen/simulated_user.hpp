// One simulated user: a WebSocket client of confab's Realtime endpoint with a
// reader coroutine and a sender coroutine paced by a 20 ms frame clock.
//
// Owned by main, which keeps it alive until run() has completed. Runs on the
// load generator's single io_context thread, like every other user; the
// sender is the socket's only writer.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "loadgen/audio_library.hpp"
#include "loadgen/bench_results.hpp"
#include "loadgen/user_turns.hpp"

namespace confab::bench {

// Where to connect, parsed once from --url.
struct ServerEndpoint {
    boost::asio::ip::tcp::endpoint address;
    std::string host;    // for the Host header
    std::string target;  // e.g. /v1/realtime
};

// When the run ends; shared by every user and moved earlier on SIGINT.
struct RunWindow {
    std::chrono::steady_clock::time_point end;
};

// How a user's session ends. The default talks until the run window ends;
// the soak gives each session one turn and sometimes hangs up mid-reply.
struct SessionPlan {
    enum class Hangup {
        after_turns,      // close normally once max_turns have settled
        mid_reply_close,  // close normally `hangup_after` into the first reply's playback
        mid_reply_drop,   // the same, but shut the TCP socket without a close frame
    };
    int max_turns = 0;  // 0: no limit
    Hangup hangup = Hangup::after_turns;
    std::chrono::duration<double, std::milli> hangup_after{0};
};

class SimulatedUser {
public:
    SimulatedUser(boost::asio::any_io_executor executor, const ServerEndpoint& server,
                  const AudioLibrary& audio, BenchResults& results, UserTurns::Settings settings,
                  const RunWindow& window, SessionPlan plan = {});
    ~SimulatedUser();
    SimulatedUser(const SimulatedUser&) = delete;
    SimulatedUser& operator=(const SimulatedUser&) = delete;

    // Connects at `start`, talks until the run window ends (or the plan says
    // to hang up), then closes.
    boost::asio::awaitable<void> run(std::chrono::steady_clock::time_point start);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace confab::bench
