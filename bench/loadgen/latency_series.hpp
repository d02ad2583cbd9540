// A series of latency samples (milliseconds) with nearest-rank percentiles.
//
// Plain value type; the load generator keeps its series on its one I/O
// thread, so nothing here is synchronised.
#pragma once
#include <cstddef>
#include <vector>

namespace confab::bench {

class LatencySeries {
public:
    void add(double ms) { samples_.push_back(ms); }
    std::size_t count() const { return samples_.size(); }
    bool empty() const { return samples_.empty(); }

    // Nearest-rank percentile, p in [0, 100]; 0 for an empty series.
    double percentile(double p) const;
    double mean() const;
    double max() const;

private:
    std::vector<double> samples_;
};

}  // namespace confab::bench
