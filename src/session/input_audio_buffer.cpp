#include "session/input_audio_buffer.hpp"

namespace confab::session {

void InputAudioBuffer::keep(Keeps what) {
    if (what == keeps_) return;
    keeps_ = what;
    clear();
    samples_.shrink_to_fit();
}

bool InputAudioBuffer::append(std::span<const std::int16_t> samples) {
    if (length_ + samples.size() > max_samples_) return false;
    if (keeps_ == Keeps::samples) samples_.insert(samples_.end(), samples.begin(), samples.end());
    length_ += samples.size();
    return true;
}

std::vector<std::int16_t> InputAudioBuffer::take() {
    std::vector<std::int16_t> out;
    out.swap(samples_);
    length_ = 0;
    return out;
}

void InputAudioBuffer::clear() {
    samples_.clear();
    length_ = 0;
}

void InputAudioBuffer::keep_tail(int keep_ms) {
    const auto keep = static_cast<std::size_t>(keep_ms) * kSampleRate / 1000;
    if (length_ <= keep) return;
    if (keeps_ == Keeps::samples)
        samples_.erase(samples_.begin(), samples_.end() - static_cast<std::ptrdiff_t>(keep));
    length_ = keep;
}

}  // namespace confab::session
