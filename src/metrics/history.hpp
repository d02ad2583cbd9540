// The last few minutes of the server's vital signs, for the dashboard: a
// ring of samples taken every couple of seconds, each with the gauges of the
// moment (sessions, engine pools, CPU, memory) and the latency percentiles of
// every stage over the trailing window (computed from the histograms' bucket
// counts then and a window ago, as Prometheus's histogram_quantile does).
//
// Owned by the Server, which calls sample() from a timer; to_json() is
// called by HTTP handlers on any thread. One mutex guards the ring.
#pragma once
#include <boost/json/object.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "metrics/metrics.hpp"

namespace confab::metrics {

class History {
public:
    struct Pool {
        double workers = 0, busy = 0, queue = 0;
    };
    // What only the server knows; read at each sample.
    struct Gauges {
        double sessions = 0, sessions_max = 0;
        Pool stt, tts;
    };
    struct Options {
        std::chrono::milliseconds interval{2000};
        std::chrono::seconds window{60};  // percentiles are over this trailing window
        std::size_t capacity = 180;       // 6 minutes at 2 s
    };

    History(Metrics& metrics, std::function<Gauges()> gauges, Options options);

    // Takes one sample now.
    void sample();
    // {"interval_ms", "window_s", "stages": [...], "points": [...]}, oldest point first.
    boost::json::object to_json() const;
    std::chrono::milliseconds interval() const { return options_.interval; }

private:
    struct Point {
        std::chrono::steady_clock::time_point at;
        double unix_ms = 0;
        Gauges gauges;
        double cpu_seconds = 0;
        std::optional<double> cpu_percent;  // over the interval before this point
        double rss_bytes = 0;
        double threads = 0;
        std::uint64_t turns = 0;
        std::vector<Histogram::Snapshot> stages;  // cumulative, per Stage
        struct Quantiles {
            std::uint64_t n = 0;
            std::optional<double> p50, p95, p99;
        };
        std::vector<Quantiles> latency;  // per Stage, over the window ending here
    };

    Metrics& metrics_;
    const std::function<Gauges()> gauges_;
    const Options options_;
    mutable std::mutex mutex_;
    std::deque<Point> points_;
};

}  // namespace confab::metrics
