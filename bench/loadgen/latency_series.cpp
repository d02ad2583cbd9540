#include "loadgen/latency_series.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace confab::bench {

double LatencySeries::percentile(double p) const {
    if (samples_.empty()) return 0;
    std::vector<double> sorted = samples_;
    std::sort(sorted.begin(), sorted.end());
    // Nearest rank: the smallest sample with at least p% of samples at or below it.
    const double rank = std::ceil(p / 100.0 * static_cast<double>(sorted.size()));
    const auto index =
        static_cast<std::size_t>(std::clamp(rank, 1.0, static_cast<double>(sorted.size()))) - 1;
    return sorted[index];
}

double LatencySeries::mean() const {
    if (samples_.empty()) return 0;
    return std::accumulate(samples_.begin(), samples_.end(), 0.0) /
           static_cast<double>(samples_.size());
}

double LatencySeries::max() const {
    if (samples_.empty()) return 0;
    return *std::max_element(samples_.begin(), samples_.end());
}

}  // namespace confab::bench
