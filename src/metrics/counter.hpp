// The two scalar instruments: a monotonically increasing Counter and a Gauge
// that goes up and down. Each is one atomic, so any thread may update it
// without a lock; hot paths hold a reference to the instrument (labels are
// resolved once, by whoever keeps the reference) and pay one relaxed atomic
// add per update.
#pragma once
#include <atomic>
#include <cstdint>

namespace confab::metrics {

class Counter {
public:
    void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

class Gauge {
public:
    void set(double v) { value_.store(v, std::memory_order_relaxed); }
    void inc(double n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
    void dec(double n = 1) { value_.fetch_sub(n, std::memory_order_relaxed); }
    double value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<double> value_{0};
};

}  // namespace confab::metrics
