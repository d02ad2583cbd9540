// Streaming sample-rate conversion of mono PCM16 (libsoxr).
//
// Ownership and threads: one Resampler per audio stream (e.g. a session's
// microphone input, or one reply's TTS output), owned by that stream and used
// by one thread at a time. Cheap (~0.2 ms CPU per audio second), so it may run
// on a session strand.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

struct soxr;

namespace confab::audio {

class Resampler {
public:
    // Both rates come from the stream's real format, never from an assumption.
    // Throws std::invalid_argument for a rate <= 0: callers validate rates
    // that reach them from clients before constructing one.
    Resampler(int in_rate, int out_rate);
    ~Resampler();
    Resampler(Resampler&&) noexcept;
    Resampler& operator=(Resampler&&) noexcept;

    int in_rate() const { return in_rate_; }
    int out_rate() const { return out_rate_; }

    // Appends the output that `in` makes available. The filter holds back
    // ~20 ms of signal until more input (or flush()) arrives.
    void process(std::span<const std::int16_t> in, std::vector<std::int16_t>& out);

    // Appends the held-back tail and readies the resampler for a new stream.
    void flush(std::vector<std::int16_t>& out);

    // Drops held-back audio (e.g. on barge-in) and readies for a new stream.
    void reset();

private:
    struct SoxrDeleter {
        void operator()(soxr* handle) const noexcept;
    };

    void drain(const std::int16_t* in, std::size_t in_len, std::vector<std::int16_t>& out);

    int in_rate_;
    int out_rate_;
    std::unique_ptr<soxr, SoxrDeleter> soxr_;  // null when the rates are equal
};

}  // namespace confab::audio
