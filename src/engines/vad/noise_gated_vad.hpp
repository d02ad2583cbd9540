// A voice activity detector that also asks the frame to stand out from the
// room: speech = the wrapped detector says speech AND the frame's level is
// more than `margin_db` above the learned noise floor (audio/noise_floor.hpp).
//
// Why: WebRTC's VAD (mode 2) calls a steady background of -45..-40 dBFS
// speech: the LibriVox readings' hiss and the low hum after the last word of
// 0930 kept turns "speaking" for up to 400 ms after the voice ended (see
// bench/results/vad.md, "end of turn"). Every such millisecond is added to
// the time before the reply. The level test ends those turns when the voice
// ends, and costs one RMS per frame.
//
// The level test keeps a hangover as long as the wrapped detector's, so the
// turn detector, which counts the hangover as silence, still measures the
// pause from the real end of speech. Until the floor is known (the first
// second of audible sound) the wrapped detector decides alone. The wrapped
// detector sees every frame, so its own adaptation is unchanged.
// Ownership and threads: as the wrapped detector (one per stream, one strand).
#pragma once
#include <memory>

#include "audio/noise_floor.hpp"
#include "engines/vad/voice_activity_detector.hpp"

namespace confab::engines {

class NoiseGatedVad final : public VoiceActivityDetector {
public:
    NoiseGatedVad(std::unique_ptr<VoiceActivityDetector> inner, double margin_db,
                  audio::NoiseFloor::Params floor = {});

    int sample_rate() const override { return inner_->sample_rate(); }
    int frame_samples() const override { return inner_->frame_samples(); }
    int hangover_ms() const override { return inner_->hangover_ms(); }
    bool is_speech(std::span<const std::int16_t> frame) override;
    // Resets the wrapped detector and the hangover; the noise floor is the
    // room's, not the stream's, and is kept.
    void reset() override;

    std::optional<double> floor_dbfs() const { return floor_.floor_dbfs(); }

private:
    std::unique_ptr<VoiceActivityDetector> inner_;
    double margin_db_;
    audio::NoiseFloor floor_;
    int hangover_frames_;
    int held_frames_ = 0;  // frames left in which a quiet frame still counts as loud
};

}  // namespace confab::engines
