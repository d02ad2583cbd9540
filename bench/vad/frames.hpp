// The frames of confab-vad-eval: every detector sees the same 20 ms frames
// of 16 kHz audio, one after the other, and gives one decision per frame
// (available at the frame's end).
#pragma once
#include <cstddef>

namespace confab::bench::vad {

constexpr int kRate = 16000;
constexpr int kFrame = 320;  // 20 ms
constexpr double kFrameS = 0.02;

inline double frame_start(std::size_t f) {
    return static_cast<double>(f) * kFrameS;
}

}  // namespace confab::bench::vad
