#include "metrics/histogram.hpp"

#include <gtest/gtest.h>

#include <array>
#include <thread>
#include <vector>

namespace confab::metrics {
namespace {

TEST(Histogram, LatencyBucketsSpanTenMillisecondsToTenSeconds) {
    const auto b = Histogram::latency_buckets();
    ASSERT_FALSE(b.empty());
    EXPECT_LE(b.front(), 0.01);
    EXPECT_DOUBLE_EQ(b.back(), 10.0);
    for (std::size_t i = 1; i < b.size(); ++i) EXPECT_LT(b[i - 1], b[i]);
}

TEST(Histogram, CountEqualsInfBucketUnderConcurrentObservers) {
    Histogram h(Histogram::latency_buckets());
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&h, t] {
            for (int i = 0; i < 10000; ++i) h.observe(0.001 * (i % 50) + t);
        });
    }
    for (auto& t : threads) t.join();
    const auto s = h.snapshot();
    EXPECT_EQ(s.count(), 40000u);
    for (std::size_t i = 1; i < s.cumulative.size(); ++i)
        EXPECT_LE(s.cumulative[i - 1], s.cumulative[i]);
}

TEST(Histogram, QuantileBetweenSnapshotsInterpolatesInsideTheBucket) {
    constexpr std::array<double, 3> bounds{0.1, 0.2, 0.4};
    Histogram h(bounds);
    for (int i = 0; i < 10; ++i) h.observe(0.05);  // before the window
    const auto before = h.snapshot();
    for (int i = 0; i < 4; ++i) h.observe(0.15);
    const auto after = h.snapshot();
    // Only the window's four observations, all in (0.1, 0.2]: the median
    // sits halfway through that bucket, as histogram_quantile puts it.
    const auto p50 = quantile_between(before, after, 0.5);
    ASSERT_TRUE(p50.has_value());
    EXPECT_DOUBLE_EQ(*p50, 0.15);
    EXPECT_FALSE(quantile_between(after, after, 0.5).has_value());
    // Over everything, the median is in the first bucket.
    EXPECT_LE(*quantile_between(Histogram::Snapshot{}, after, 0.5), 0.1);
}

TEST(Histogram, QuantileInTheInfBucketIsTheHighestBound) {
    constexpr std::array<double, 2> bounds{0.1, 0.2};
    Histogram h(bounds);
    h.observe(5.0);
    EXPECT_DOUBLE_EQ(*quantile_between(Histogram::Snapshot{}, h.snapshot(), 0.99), 0.2);
}

}  // namespace
}  // namespace confab::metrics
