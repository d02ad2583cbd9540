// The client's uncommitted input audio (PCM16 mono 24 kHz), bounded in length.
// Owned by one RealtimeSession; used only on its strand.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace confab::session {

class InputAudioBuffer {
public:
    static constexpr int kSampleRate = 24000;

    explicit InputAudioBuffer(int max_ms)
        : max_samples_(static_cast<std::size_t>(max_ms) * kSampleRate / 1000) {}

    // Refuses (returns false, keeping nothing of it) a chunk that would
    // overflow the bound: the caller reports it, nothing is silently lost.
    bool append(std::span<const std::int16_t> samples);
    std::vector<std::int16_t> take();
    void clear() { samples_.clear(); }
    // Keeps only the last `keep_ms` (prefix padding before detected speech).
    void keep_tail(int keep_ms);

    std::size_t size() const { return samples_.size(); }
    int duration_ms() const { return static_cast<int>(samples_.size() * 1000 / kSampleRate); }
    int max_ms() const { return static_cast<int>(max_samples_ * 1000 / kSampleRate); }
    bool empty() const { return samples_.empty(); }
    const std::vector<std::int16_t>& samples() const { return samples_; }

private:
    std::size_t max_samples_;
    std::vector<std::int16_t> samples_;
};

}  // namespace confab::session
