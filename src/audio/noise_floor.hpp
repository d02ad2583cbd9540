// The background level of a microphone signal, learned from its recent frames.
//
// The floor is a low percentile of the levels of the last `window_frames`
// audible frames: low enough that speech never raises it (even fluent speech
// has closures and breaths in its quietest tenth), high enough that one
// dropout does not sink it. Frames quieter than `audible_dbfs` (digital
// silence: a muted or not-yet-started microphone, a client's padding) carry
// nothing about the room and are not counted, so the floor learned in one turn
// survives the zeros a client sends between turns.
//
// Levels go into a histogram of 1 dB bins, so adding a frame and reading the
// floor cost a few hundred operations whatever the window. Not thread-safe;
// one per audio stream.
#pragma once
#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>

namespace confab::audio {

// RMS level of a frame in dBFS (full-scale sine = -3 dB); -120 for silence.
double frame_level_dbfs(std::span<const std::int16_t> frame);

class NoiseFloor {
public:
    struct Params {
        int window_frames = 250;  // 5 s of 20 ms frames
        int min_frames = 50;      // no floor until this many audible frames were seen
        double percentile = 0.10;
        double audible_dbfs = -85;  // quieter frames are not counted
    };

    NoiseFloor();
    explicit NoiseFloor(Params params);

    void add(double level_dbfs);
    // The floor in dBFS, or nothing while fewer than min_frames were heard.
    std::optional<double> floor_dbfs() const;
    void reset();

private:
    static constexpr int kBins = 86;  // [-85, 0] dBFS in 1 dB steps; louder clips to the top bin
    int bin_of(double level_dbfs) const;

    Params params_;
    std::deque<std::uint8_t> window_;  // bins of the frames in the window, oldest first
    std::array<int, kBins> counts_{};
};

}  // namespace confab::audio
