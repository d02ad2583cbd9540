// Turns one response's 24 kHz PCM16 into the bytes of its
// response.output_audio.delta events, in the session's output format:
// PCM16 little-endian as it is; G.711 after resampling to 8 kHz with one
// stateful Resampler, so that delta boundaries do not click.
//
// Ownership and threads: one per response, owned by it and used on the
// session's strand.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "audio/audio_format.hpp"
#include "audio/resampler.hpp"

namespace confab::audio {

class OutputAudioEncoder {
public:
    static constexpr int kInputRate = 24000;

    explicit OutputAudioEncoder(AudioFormat format = AudioFormat::pcm16_24k);

    AudioFormat format() const { return format_; }
    // Appends the wire bytes of `pcm` (24 kHz). For G.711 the resampler holds
    // back the latest audio until more arrives (soxr works in blocks: up to
    // ~75 ms); `end` says the stream ends here (a piece of speech is
    // complete) and appends that too.
    void encode(std::span<const std::int16_t> pcm, bool end, std::vector<std::byte>& out);

private:
    AudioFormat format_;
    std::optional<Resampler> downsampler_;  // 24 kHz -> 8 kHz, for G.711 only
    std::vector<std::int16_t> narrow_;      // 8 kHz scratch, reused between deltas
};

}  // namespace confab::audio
