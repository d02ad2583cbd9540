#include "audio/noise_floor.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "support/test_audio.hpp"

namespace confab::audio {
namespace {

using test::frame_at_dbfs;

TEST(FrameLevel, IsTheRmsInDecibelsBelowFullScale) {
    EXPECT_NEAR(frame_level_dbfs(frame_at_dbfs(-45)), -45, 0.1);
    EXPECT_NEAR(frame_level_dbfs(frame_at_dbfs(-6)), -6, 0.1);
    EXPECT_EQ(frame_level_dbfs(std::vector<std::int16_t>(320, 0)), -120);
    EXPECT_EQ(frame_level_dbfs({}), -120);
}

TEST(NoiseFloor, IsTheLowerEdgeOfAOneDecibelBin) {
    NoiseFloor::Params params;
    params.min_frames = 1;
    NoiseFloor floor(params);
    floor.add(-45.7);
    EXPECT_EQ(*floor.floor_dbfs(), -46) << "rounded down: the gate errs towards hearing speech";
}

TEST(NoiseFloor, IsUnknownUntilEnoughAudibleFramesWereHeard) {
    NoiseFloor floor;  // min_frames 50
    for (int i = 0; i < 49; ++i) floor.add(-45);
    EXPECT_FALSE(floor.floor_dbfs());
    floor.add(-45);
    ASSERT_TRUE(floor.floor_dbfs());
    EXPECT_EQ(*floor.floor_dbfs(), -45);
}

TEST(NoiseFloor, IsTheQuietestTenthOfTheWindowSoSpeechDoesNotRaiseIt) {
    NoiseFloor floor;
    // 5 s of fluent speech: 30 quiet frames (closures, breaths) among 220 loud ones.
    for (int i = 0; i < 250; ++i) floor.add(i % 8 == 0 && i < 240 ? -50 : -20);
    EXPECT_EQ(*floor.floor_dbfs(), -50);
    // With fewer quiet frames than a tenth, the floor is speech: the
    // percentile is a choice with that limit, and this pins it.
    NoiseFloor mostly_loud;
    for (int i = 0; i < 250; ++i) mostly_loud.add(i < 20 ? -50 : -20);
    EXPECT_EQ(*mostly_loud.floor_dbfs(), -20);
}

TEST(NoiseFloor, DigitalSilenceIsNotCountedSoTheFloorOutlastsIt) {
    NoiseFloor floor;
    for (int i = 0; i < 100; ++i) floor.add(-120);
    EXPECT_FALSE(floor.floor_dbfs()) << "zeros say nothing about the room";
    for (int i = 0; i < 60; ++i) floor.add(-45);
    for (int i = 0; i < 1000; ++i) floor.add(-120);  // a client's zeros between turns
    ASSERT_TRUE(floor.floor_dbfs());
    EXPECT_EQ(*floor.floor_dbfs(), -45);
}

TEST(NoiseFloor, ForgetsFramesOlderThanTheWindow) {
    NoiseFloor floor;  // window 250 frames
    for (int i = 0; i < 250; ++i) floor.add(-60);
    for (int i = 0; i < 224; ++i) floor.add(-40);
    EXPECT_EQ(*floor.floor_dbfs(), -60) << "26 old frames, over a tenth, are still in the window";
    floor.add(-40);
    EXPECT_EQ(*floor.floor_dbfs(), -40) << "25 are not";
    floor.reset();
    EXPECT_FALSE(floor.floor_dbfs());
}

TEST(NoiseFloor, LevelsAboveFullScaleRangeLandInTheTopBin) {
    NoiseFloor::Params params;
    params.min_frames = 1;
    NoiseFloor floor(params);
    floor.add(3.0);  // a clipped square wave can read above 0 dBFS
    EXPECT_EQ(*floor.floor_dbfs(), 0);
}

}  // namespace
}  // namespace confab::audio
