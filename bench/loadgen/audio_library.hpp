// The recordings simulated users speak, ready to send: resampled to the
// protocol's 24 kHz and cut into 20 ms frames, each already serialised as an
// input_audio_buffer.append event, so that a hundred users cost the load
// generator almost nothing per frame.
//
// Loaded once at start-up (blocking file I/O), then shared read-only by every
// simulated user.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <system_error>
#include <vector>

namespace confab::bench {

// How confab-bench finds the end of speech in a recording (also used by
// confab-vad-eval, so both measure from the same point): a frame's level in
// dBFS, and the level above which a frame is voiced.
double frame_dbfs(std::span<const std::int16_t> frame);
double voiced_threshold(std::vector<double> levels);

struct Utterance {
    std::string name;                 // file name, for reports
    std::vector<std::string> frames;  // serialised append events, 20 ms each
    std::size_t first_voiced = 0;     // index of the first frame above the silence threshold
    std::size_t last_voiced = 0;      // index of the last such frame: the end of speech
};

class AudioLibrary {
public:
    static constexpr int kRate = 24000;
    static constexpr std::size_t kFrameSamples = kRate / 50;  // 20 ms

    AudioLibrary();

    // Reads a WAV file (any rate, mono or stereo) and adds it as an utterance.
    std::error_code add_file(const std::filesystem::path& path);
    // Adds 24 kHz mono PCM16 as an utterance (whole 20 ms frames; the rest is dropped).
    std::error_code add_samples(std::string name, std::vector<std::int16_t> pcm24k);
    // Adds every *.wav of a folder, in name order; returns how many were added.
    std::size_t add_folder(const std::filesystem::path& dir);

    const std::vector<Utterance>& utterances() const { return utterances_; }
    const std::string& silence_frame() const { return silence_frame_; }

private:
    std::vector<Utterance> utterances_;
    std::string silence_frame_;  // 20 ms of digital silence
};

}  // namespace confab::bench
