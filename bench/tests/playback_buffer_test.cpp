#include "loadgen/playback_buffer.hpp"

#include <gtest/gtest.h>

namespace confab::bench {
namespace {
using namespace std::chrono_literals;
using Ms = PlaybackBuffer::Duration;
const auto t0 = PlaybackBuffer::Clock::time_point{} + 1h;

TEST(PlaybackBuffer, PlaysAfterThePrebufferWithoutUnderrunsWhenDeltasArriveInTime) {
    PlaybackBuffer buffer(Ms(100));
    EXPECT_FALSE(buffer.on_audio(t0, Ms(100)));
    EXPECT_FALSE(buffer.on_audio(t0 + 150ms, Ms(100)));  // due at 200 ms
    EXPECT_FALSE(buffer.on_audio(t0 + 300ms, Ms(100)));  // due at 300 ms: just in time
    EXPECT_EQ(buffer.end(), t0 + 400ms);
    EXPECT_EQ(buffer.played(t0 + 50ms), Ms(0));
    EXPECT_EQ(buffer.played(t0 + 250ms), Ms(150));
    EXPECT_EQ(buffer.played(t0 + 1s), Ms(300));
}

TEST(PlaybackBuffer, ALateDeltaIsAnUnderrunAndPlaybackResumesWhenItArrives) {
    PlaybackBuffer buffer(Ms(100));
    buffer.on_audio(t0, Ms(100));  // plays 100..200 ms
    const auto late = buffer.on_audio(t0 + 260ms, Ms(100));
    ASSERT_TRUE(late);
    EXPECT_DOUBLE_EQ(late->count(), 60);
    EXPECT_EQ(buffer.end(), t0 + 360ms);
    EXPECT_FALSE(buffer.on_audio(t0 + 300ms, Ms(100)));  // due at 360 ms
    EXPECT_EQ(buffer.played(t0 + 310ms), Ms(150));
}

TEST(PlaybackBuffer, StopFreezesWhatWasHeard) {
    PlaybackBuffer buffer(Ms(100));
    buffer.on_audio(t0, Ms(500));
    buffer.stop(t0 + 300ms);
    EXPECT_EQ(buffer.played(t0 + 1s), Ms(200));
    EXPECT_FALSE(buffer.on_audio(t0 + 1s, Ms(100)));
    EXPECT_EQ(buffer.received(), Ms(500));
}

}  // namespace
}  // namespace confab::bench
