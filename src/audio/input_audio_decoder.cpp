#include "audio/input_audio_decoder.hpp"

#include "audio/g711.hpp"
#include "audio/pcm.hpp"

namespace confab::audio {

InputAudioDecoder::InputAudioDecoder(AudioFormat format) : format_(AudioFormat::pcm16_24k) {
    std::vector<std::int16_t> none;
    set_format(format, none);
}

void InputAudioDecoder::set_format(AudioFormat format, std::vector<std::int16_t>& tail) {
    if (format == format_) return;
    flush(tail);
    format_ = format;
    // PCM16 arrives at the server's own rate: no resampler, no delay.
    if (format_ == AudioFormat::pcm16_24k) {
        upsampler_.reset();
    } else if (!upsampler_) {
        upsampler_.emplace(wire_rate(format_), kOutputRate);
    }
}

bool InputAudioDecoder::whole_samples(std::size_t bytes) const {
    return bytes % static_cast<std::size_t>(wire_sample_bytes(format_)) == 0;
}

int InputAudioDecoder::duration_ms(std::size_t bytes) const {
    const auto samples = bytes / static_cast<std::size_t>(wire_sample_bytes(format_));
    return static_cast<int>(samples * 1000 / static_cast<std::size_t>(wire_rate(format_)));
}

void InputAudioDecoder::decode(std::span<const std::byte> bytes, std::vector<std::int16_t>& out) {
    if (format_ == AudioFormat::pcm16_24k) {
        // PCM16 on the wire is little-endian whatever the host is.
        append_samples_from_le_bytes(bytes, out);
        return;
    }
    narrow_.clear();
    g711::decode(format_ == AudioFormat::pcmu ? g711::Law::mu : g711::Law::a, bytes, narrow_);
    upsampler_->process(narrow_, out);
}

void InputAudioDecoder::flush(std::vector<std::int16_t>& out) {
    if (upsampler_) upsampler_->flush(out);
}

void InputAudioDecoder::reset() {
    if (upsampler_) upsampler_->reset();
}

}  // namespace confab::audio
