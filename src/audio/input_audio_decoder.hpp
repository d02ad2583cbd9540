// Turns the bytes of input_audio_buffer.append, in the session's input
// format, into the 24 kHz PCM16 the server works in: PCM16 is read as it is;
// G.711 is expanded to 8 kHz PCM16, then resampled to 24 kHz by one stateful
// Resampler, so that chunk boundaries do not click.
//
// Ownership and threads: one per session, owned by it and used on its strand.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "audio/audio_format.hpp"
#include "audio/resampler.hpp"

namespace confab::audio {

class InputAudioDecoder {
public:
    static constexpr int kOutputRate = 24000;

    explicit InputAudioDecoder(AudioFormat format = AudioFormat::pcm16_24k);

    AudioFormat format() const { return format_; }
    // Switches to `format`, first appending to `tail` what the resampler held
    // back of the old format's audio, so that audio already appended is
    // delivered whole. No-op when the format is the same.
    void set_format(AudioFormat format, std::vector<std::int16_t>& tail);

    // Whether `bytes` is a whole number of samples (PCM16 needs an even count).
    bool whole_samples(std::size_t bytes) const;
    // How long `bytes` of the format play, in ms (rate limits charge this).
    int duration_ms(std::size_t bytes) const;

    // Appends the 24 kHz samples that `bytes` make available. For G.711 the
    // resampler holds back the latest audio until more arrives or flush():
    // soxr works in blocks, so with 20 ms appends 43 ms on average, at most
    // ~75 ms (against ~21 ms for the 24 -> 16 kHz step every input takes).
    // `bytes` must be whole samples.
    void decode(std::span<const std::byte> bytes, std::vector<std::int16_t>& out);
    // The stream ends here (a commit): appends what is held back.
    void flush(std::vector<std::int16_t>& out);
    // Drops what is held back (the audio was cleared or refused).
    void reset();

private:
    AudioFormat format_;
    std::optional<Resampler> upsampler_;  // 8 kHz -> 24 kHz, for G.711 only
    std::vector<std::int16_t> narrow_;    // 8 kHz scratch, reused between chunks
};

}  // namespace confab::audio
