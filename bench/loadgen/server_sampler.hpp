// Samples a server process's CPU time and resident memory once a second from
// /proc/PID/stat and /proc/PID/status, and how busy the whole machine is
// (/proc/stat): other processes on these shared cores skew latencies.
//
// Owned by main; its coroutine runs on the load generator's I/O thread and
// writes into BenchResults. The /proc reads are tiny and do not block.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <optional>

#include "loadgen/bench_results.hpp"
#include "loadgen/simulated_user.hpp"

namespace confab::bench {

class ServerSampler {
public:
    ServerSampler(int pid, BenchResults& results, const RunWindow& window);

    // Samples until the run window ends (or the process is gone).
    boost::asio::awaitable<void> run();

    // utime + stime of the process in seconds, or nullopt if it is gone.
    static std::optional<double> cpu_seconds(int pid);
    // VmRSS in MB, or nullopt.
    static std::optional<double> rss_mb(int pid);
    // Busy and total jiffies of all CPUs together, from /proc/stat.
    struct MachineTicks {
        double busy = 0;
        double total = 0;
    };
    static std::optional<MachineTicks> machine_ticks();

private:
    int pid_;
    BenchResults& results_;
    const RunWindow& window_;
};

}  // namespace confab::bench
