#include "session/input_audio_buffer.hpp"

namespace confab::session {

bool InputAudioBuffer::append(std::span<const std::int16_t> samples) {
    if (samples_.size() + samples.size() > max_samples_) return false;
    samples_.insert(samples_.end(), samples.begin(), samples.end());
    return true;
}

std::vector<std::int16_t> InputAudioBuffer::take() {
    std::vector<std::int16_t> out;
    out.swap(samples_);
    return out;
}

void InputAudioBuffer::keep_tail(int keep_ms) {
    const auto keep = static_cast<std::size_t>(keep_ms) * kSampleRate / 1000;
    if (samples_.size() > keep)
        samples_.erase(samples_.begin(), samples_.end() - static_cast<std::ptrdiff_t>(keep));
}

}  // namespace confab::session
