#include "engines/vad/noise_gated_vad.hpp"

namespace confab::engines {

NoiseGatedVad::NoiseGatedVad(std::unique_ptr<VoiceActivityDetector> inner, double margin_db,
                             audio::NoiseFloor::Params floor)
    : inner_(std::move(inner)), margin_db_(margin_db), floor_(floor) {
    const int frame_ms = inner_->frame_samples() * 1000 / inner_->sample_rate();
    hangover_frames_ = frame_ms > 0 ? inner_->hangover_ms() / frame_ms : 0;
}

bool NoiseGatedVad::is_speech(std::span<const std::int16_t> frame) {
    const bool voice = inner_->is_speech(frame);
    const double level = audio::frame_level_dbfs(frame);
    const auto floor = floor_.floor_dbfs();
    // The floor is read before this frame joins it, so a frame is judged
    // against the room as it was, not against itself.
    floor_.add(level);
    bool loud = !floor || level > *floor + margin_db_;
    if (loud) {
        held_frames_ = hangover_frames_;
    } else if (held_frames_ > 0) {
        --held_frames_;
        loud = true;
    }
    return voice && loud;
}

void NoiseGatedVad::reset() {
    inner_->reset();
    held_frames_ = 0;
}

}  // namespace confab::engines
