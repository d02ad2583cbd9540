// The soak: many short sessions against one server, to find what a session
// leaves behind. Each session connects, speaks one recording, hears the reply
// and disconnects; a share hang up mid-reply, half of those without a close
// frame (a killed tab). The server's RSS, thread count and open fds are
// snapshotted after a warm-up (so decoders loaded on first use are in the
// baseline) and again after the last session, each time after an idle
// settle, and must end within a tolerance of the baseline.
//
// Owned by main; its coroutines run on the load generator's one I/O thread
// with the sessions, and write into the shared BenchResults.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <functional>
#include <optional>
#include <string>

#include "loadgen/bench_options.hpp"
#include "loadgen/process_snapshot.hpp"
#include "loadgen/simulated_user.hpp"

namespace confab::bench {

class SoakRunner {
public:
    // `settings(i)`: the turn settings of session i (seeded per session).
    using SettingsFor = std::function<UserTurns::Settings(int index)>;

    SoakRunner(boost::asio::any_io_executor executor, const BenchOptions& options,
               const ServerEndpoint& server, const AudioLibrary& audio, BenchResults& results,
               const RunWindow& window, SettingsFor settings);

    // Warm-up, baseline snapshot, the soak's sessions, final snapshot.
    boost::asio::awaitable<void> run();

    boost::json::object json() const;
    std::string table() const;

private:
    // Sessions [first, first + count), options.concurrency at a time.
    boost::asio::awaitable<void> run_sessions(int first, int count);
    boost::asio::awaitable<void> one_session(int index);
    boost::asio::awaitable<std::optional<ProcessSnapshot>> settle_and_snapshot();
    boost::asio::awaitable<void> sample_peaks();
    SessionPlan plan_for(int index) const;

    boost::asio::any_io_executor executor_;
    const BenchOptions& options_;
    const ServerEndpoint& server_;
    const AudioLibrary& audio_;
    BenchResults& results_;
    const RunWindow& window_;
    SettingsFor settings_;

    int started_ = 0;
    int planned_hangups_ = 0;
    bool finished_ = false;
    std::optional<ProcessSnapshot> baseline_;
    std::optional<ProcessSnapshot> end_;
    ProcessSnapshot peak_;
};

}  // namespace confab::bench
