#include "metrics/histogram.hpp"

#include <algorithm>
#include <array>

namespace confab::metrics {

namespace {
// 10 ms .. 10 s is where every stage of a voice turn lives; the 5 ms bucket
// separates "instant" (a cancel, a cached reply) from merely fast.
constexpr std::array<double, 19> kLatency{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4,
                                          0.5,   0.75, 1.0,   1.5,  2.0,   3.0, 5.0,  7.5, 10.0};
}  // namespace

std::span<const double> Histogram::latency_buckets() {
    return kLatency;
}

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds.begin(), bounds.end()),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds.size() + 1)) {
    for (std::size_t i = 0; i <= bounds_.size(); ++i)
        buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double value) {
    // Prometheus buckets are "less than or equal": a value on a bound counts in it.
    const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
    const auto index = static_cast<std::size_t>(it - bounds_.begin());
    buckets_[index].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
    Snapshot s;
    s.bounds = bounds_;
    s.cumulative.resize(bounds_.size() + 1);
    std::uint64_t running = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
        running += buckets_[i].load(std::memory_order_relaxed);
        s.cumulative[i] = running;
    }
    s.sum = sum_.load(std::memory_order_relaxed);
    return s;
}

std::optional<double> quantile_between(const Histogram::Snapshot& before,
                                       const Histogram::Snapshot& after, double q) {
    const std::size_t n = after.cumulative.size();
    if (n == 0) return std::nullopt;
    auto at = [&](std::size_t i) {
        const std::uint64_t b = i < before.cumulative.size() ? before.cumulative[i] : 0;
        return static_cast<double>(after.cumulative[i] - std::min(b, after.cumulative[i]));
    };
    const double total = at(n - 1);
    if (total <= 0) return std::nullopt;
    const double rank = q * total;
    for (std::size_t i = 0; i < n; ++i) {
        if (at(i) < rank) continue;
        // In the +Inf bucket the best answer is the highest finite bound.
        if (i == n - 1) return after.bounds.empty() ? 0.0 : after.bounds.back();
        const double lower = i == 0 ? 0.0 : after.bounds[i - 1];
        const double below = i == 0 ? 0.0 : at(i - 1);
        const double in_bucket = at(i) - below;
        if (in_bucket <= 0) return after.bounds[i];
        return lower + (after.bounds[i] - lower) * (rank - below) / in_bucket;
    }
    return after.bounds.back();
}

}  // namespace confab::metrics
