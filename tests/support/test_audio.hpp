// Helpers shared by the engine and audio tests: load the shared recordings,
// make synthetic signals, measure them, feed a recognizer in chunks.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "audio/pcm.hpp"
#include "engines/stt/speech_recognizer.hpp"
#include "test_paths.hpp"

namespace confab::test {

// One of /work/shared/audio/*.wav; fails the test if it cannot be read.
inline audio::WavAudio load_shared_wav(const std::string& name) {
    audio::WavAudio wav;
    // A path, not string concatenation: g++ 12 -O2 reports a false
    // -Warray-bounds on `std::string(...) + "..." + name` (GCC bug 105329).
    const auto path = std::filesystem::path(kSharedDir) / "audio" / name;
    const auto ec = audio::read_wav(path, wav);
    EXPECT_FALSE(ec) << path.string() << ": " << ec.message();
    return wav;
}

inline std::vector<std::int16_t> sine(int rate, double hz, double seconds, double amplitude) {
    std::vector<std::int16_t> out(static_cast<std::size_t>(rate * seconds));
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i] = static_cast<std::int16_t>(
            std::lround(amplitude * std::sin(2 * M_PI * hz * static_cast<double>(i) / rate)));
    }
    return out;
}

// One 20 ms frame at 16 kHz whose RMS level is `dbfs`: a square wave, so
// every sample has the same magnitude and the level is exact.
inline std::vector<std::int16_t> frame_at_dbfs(double dbfs) {
    const auto amplitude =
        static_cast<std::int16_t>(std::lround(32768.0 * std::pow(10.0, dbfs / 20)));
    std::vector<std::int16_t> frame(320);
    for (std::size_t i = 0; i < frame.size(); ++i) {
        frame[i] = static_cast<std::int16_t>(i % 2 ? -amplitude : amplitude);
    }
    return frame;
}

// Uniform white noise from a fixed seed, so every run sees the same signal.
inline std::vector<std::int16_t> white_noise(std::size_t n, int peak, unsigned seed) {
    std::mt19937 gen(seed);
    std::vector<std::int16_t> out(n);
    for (auto& s : out) {
        const auto u = static_cast<double>(gen()) / static_cast<double>(std::mt19937::max());
        s = static_cast<std::int16_t>(std::lround((2 * u - 1) * peak));
    }
    return out;
}

inline double rms(std::span<const std::int16_t> pcm) {
    if (pcm.empty()) return 0;
    double sum = 0;
    for (const auto s : pcm) sum += static_cast<double>(s) * s;
    return std::sqrt(sum / static_cast<double>(pcm.size()));
}

// Frequency of a steady tone from its rising zero crossings.
inline double tone_frequency(std::span<const std::int16_t> pcm, int rate) {
    std::size_t first = 0;
    std::size_t last = 0;
    int crossings = 0;
    for (std::size_t i = 1; i < pcm.size(); ++i) {
        if (pcm[i - 1] < 0 && pcm[i] >= 0) {
            if (crossings == 0) first = i;
            last = i;
            ++crossings;
        }
    }
    if (crossings < 2) return 0;
    return (crossings - 1) * static_cast<double>(rate) / static_cast<double>(last - first);
}

// Feeds `pcm` in chunks of `chunk_ms` as a client would; returns the first error.
inline std::error_code feed_in_chunks(engines::SpeechRecognizer& stt,
                                      std::span<const std::int16_t> pcm, int chunk_ms = 20) {
    const auto chunk = static_cast<std::size_t>(stt.sample_rate() * chunk_ms / 1000);
    for (std::size_t i = 0; i < pcm.size(); i += chunk) {
        if (auto ec = stt.feed(pcm.subspan(i, std::min(chunk, pcm.size() - i)))) return ec;
    }
    return {};
}

}  // namespace confab::test
