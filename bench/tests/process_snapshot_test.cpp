// The soak verdict: RSS, threads and fds must each end within the tolerance
// of the baseline; and a snapshot of a live process reads sensible numbers.
#include "loadgen/process_snapshot.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>

namespace confab::bench {
namespace {

const SnapshotDelta& delta(const SoakVerdict& v, const std::string& name) {
    for (const auto& d : v.deltas)
        if (d.name == name) return d;
    throw std::runtime_error("no delta " + name);
}

TEST(SoakVerdict, WithinToleranceEitherWayPasses) {
    const ProcessSnapshot start{600, 20, 40};
    const ProcessSnapshot end{630, 19, 42};  // +5%, -5%, +5%
    const auto v = compare_snapshots(start, end, 5);
    EXPECT_TRUE(v.pass);
    EXPECT_DOUBLE_EQ(delta(v, "rss_mb").percent, 5.0);
    EXPECT_DOUBLE_EQ(delta(v, "threads").percent, -5.0);
    EXPECT_DOUBLE_EQ(delta(v, "fds").percent, 5.0);
}

TEST(SoakVerdict, AnyQuantityBeyondToleranceFails) {
    const ProcessSnapshot start{600, 20, 40};
    auto v = compare_snapshots(start, {600, 20, 43}, 5);  // one leaked fd too many: +7.5%
    EXPECT_FALSE(v.pass);
    EXPECT_FALSE(delta(v, "fds").pass);
    EXPECT_TRUE(delta(v, "rss_mb").pass);

    v = compare_snapshots(start, {660.1, 20, 40}, 5);  // RSS +10%
    EXPECT_FALSE(v.pass);
    EXPECT_NEAR(delta(v, "rss_mb").percent, 10.0167, 1e-3);
}

TEST(SoakVerdict, GrowthFromZeroFailsAndZeroToZeroPasses) {
    auto v = compare_snapshots({100, 10, 0}, {100, 10, 3}, 5);
    EXPECT_FALSE(v.pass);
    EXPECT_TRUE(std::isinf(delta(v, "fds").percent));
    v = compare_snapshots({100, 10, 0}, {100, 10, 0}, 5);
    EXPECT_TRUE(v.pass);
}

TEST(ProcessSnapshot, ReadsThisProcess) {
    const auto s = ProcessSnapshot::take(static_cast<int>(getpid()));
    ASSERT_TRUE(s.has_value());
    EXPECT_GT(s->rss_mb, 0);
    EXPECT_GE(s->threads, 1);
    EXPECT_GE(s->fds, 3);  // stdin, stdout, stderr
}

TEST(ProcessSnapshot, GoneProcessIsNullopt) {
    EXPECT_FALSE(ProcessSnapshot::take(-1).has_value());
}

}  // namespace
}  // namespace confab::bench
