#include "audio/output_audio_encoder.hpp"

#include "audio/g711.hpp"
#include "audio/pcm.hpp"

namespace confab::audio {

OutputAudioEncoder::OutputAudioEncoder(AudioFormat format) : format_(format) {
    if (format_ != AudioFormat::pcm16_24k) downsampler_.emplace(kInputRate, wire_rate(format_));
}

void OutputAudioEncoder::encode(std::span<const std::int16_t> pcm, bool end,
                                std::vector<std::byte>& out) {
    if (format_ == AudioFormat::pcm16_24k) {
        append_le_bytes_from_samples(pcm, out);  // PCM16 little-endian on the wire
        return;
    }
    // soxr filters out what 8 kHz cannot carry (above 4 kHz) before decimating.
    narrow_.clear();
    downsampler_->process(pcm, narrow_);
    if (end) downsampler_->flush(narrow_);
    g711::encode(format_ == AudioFormat::pcmu ? g711::Law::mu : g711::Law::a, narrow_, out);
}

}  // namespace confab::audio
