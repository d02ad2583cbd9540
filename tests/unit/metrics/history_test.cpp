#include "metrics/history.hpp"

#include <gtest/gtest.h>

namespace confab::metrics {
namespace {

TEST(History, SamplesGaugesAndWindowedPercentiles) {
    Metrics m;
    int calls = 0;
    History h(
        m,
        [&] {
            ++calls;
            History::Gauges g;
            g.sessions = 3;
            g.sessions_max = 32;
            g.stt = {6, 2, 1};
            return g;
        },
        History::Options{});
    h.sample();
    for (int i = 0; i < 4; ++i) m.observe(Stage::speech_stopped_to_first_audio, 0.3);
    h.sample();
    EXPECT_EQ(calls, 2);
    const auto j = h.to_json();
    const auto& points = j.at("points").as_array();
    ASSERT_EQ(points.size(), 2u);
    const auto& last = points.back().as_object();
    EXPECT_EQ(last.at("sessions").as_double(), 3);
    EXPECT_EQ(last.at("stt").at("busy").as_double(), 2);
    EXPECT_TRUE(last.at("cpu_percent").is_double());  // a second point has an interval
    EXPECT_TRUE(points.front().at("cpu_percent").is_null());
    const auto& e2a = last.at("latency_s").at("speech_stopped_to_first_audio").as_object();
    EXPECT_EQ(e2a.at("n").as_uint64(), 4u);
    // All four in the (0.2, 0.3] bucket: interpolation reaches its top at p99.
    EXPECT_GT(e2a.at("p50").as_double(), 0.2);
    EXPECT_LE(e2a.at("p99").as_double(), 0.3);
    EXPECT_TRUE(last.at("latency_s").at("barge_in_stop").at("p50").is_null());
    EXPECT_EQ(j.at("stages").as_array().size(), kStageCount);
}

TEST(History, KeepsAtMostItsCapacity) {
    Metrics m;
    History::Options o;
    o.capacity = 3;
    History h(
        m, [] { return History::Gauges{}; }, o);
    for (int i = 0; i < 5; ++i) h.sample();
    EXPECT_EQ(h.to_json().at("points").as_array().size(), 3u);
}

}  // namespace
}  // namespace confab::metrics
