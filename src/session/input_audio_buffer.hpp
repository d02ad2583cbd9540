// The client's uncommitted input audio (PCM16 mono 24 kHz), bounded in length.
//
// While server VAD streams every turn to the recognizer, the recognizer's
// stream is the one copy of a turn's audio: the buffer then keeps only how
// long it is (Keeps::duration), which is all the bound, the committed item's
// length and the errors need. Otherwise (manual turns) it keeps the samples
// the commit transcribes.
// Owned by one RealtimeSession; used only on its strand.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace confab::session {

class InputAudioBuffer {
public:
    static constexpr int kSampleRate = 24000;
    enum class Keeps { samples, duration };

    explicit InputAudioBuffer(int max_ms)
        : max_samples_(static_cast<std::size_t>(max_ms) * kSampleRate / 1000) {}

    // Changing what is kept empties the buffer: audio kept as a length
    // cannot become samples again.
    void keep(Keeps what);
    Keeps keeps() const { return keeps_; }

    // Refuses (returns false, keeping nothing of it) a chunk that would
    // overflow the bound: the caller reports it, nothing is silently lost.
    bool append(std::span<const std::int16_t> samples);
    // The samples (none when keeping only the duration); the buffer is empty after.
    std::vector<std::int16_t> take();
    void clear();
    // Keeps only the last `keep_ms` (prefix padding before detected speech).
    void keep_tail(int keep_ms);

    std::size_t size() const { return length_; }  // in samples, kept or only counted
    int duration_ms() const { return static_cast<int>(length_ * 1000 / kSampleRate); }
    int max_ms() const { return static_cast<int>(max_samples_ * 1000 / kSampleRate); }
    bool empty() const { return length_ == 0; }
    const std::vector<std::int16_t>& samples() const { return samples_; }
    std::size_t held_bytes() const { return samples_.size() * sizeof(std::int16_t); }

private:
    std::size_t max_samples_;
    Keeps keeps_ = Keeps::samples;
    std::size_t length_ = 0;
    std::vector<std::int16_t> samples_;
};

}  // namespace confab::session
