// A histogram with fixed upper bounds, as Prometheus exposes them.
//
// observe() is lock-free: one relaxed atomic add on the bucket the value
// falls in, one on the sum. Buckets are stored per interval (not
// cumulative) and summed when read, so the count written out always equals
// the +Inf bucket even while other threads observe.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace confab::metrics {

class Histogram {
public:
    // What a reader sees: cumulative counts per bound, then +Inf (== count).
    struct Snapshot {
        std::vector<double> bounds;
        std::vector<std::uint64_t> cumulative;  // size bounds+1; last is +Inf
        double sum = 0;
        std::uint64_t count() const { return cumulative.empty() ? 0 : cumulative.back(); }
    };

    // `bounds` must be sorted ascending and finite; +Inf is implicit.
    explicit Histogram(std::span<const double> bounds);

    void observe(double value);
    Snapshot snapshot() const;
    const std::vector<double>& bounds() const { return bounds_; }

    // Buckets for latencies from a few ms to 10 s (seconds).
    static std::span<const double> latency_buckets();

private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds+1 intervals
    std::atomic<double> sum_{0};
};

// The q-quantile (0..1) of the observations between two snapshots of one
// histogram, interpolated linearly inside the bucket as Prometheus's
// histogram_quantile() does. nullopt when nothing was observed.
std::optional<double> quantile_between(const Histogram::Snapshot& before,
                                       const Histogram::Snapshot& after, double q);

}  // namespace confab::metrics
