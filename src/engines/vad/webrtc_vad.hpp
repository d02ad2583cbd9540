// VoiceActivityDetector on the classic WebRTC C VAD (GMM on six sub-bands).
//
// Ownership and threads: one per audio stream, owned by the session (or turn
// detector) and called from that session's strand only. ~2-3 us per 20 ms
// frame (engines.md), so it may run there.
#pragma once
#include <memory>

#include "engines/vad/voice_activity_detector.hpp"

struct WebRtcVadInst;

namespace confab::engines {

class WebRtcVad final : public VoiceActivityDetector {
public:
    // sample_rate: 8000, 16000, 32000 or 48000; frame_ms: 10, 20 or 30;
    // mode: 0 (least aggressive: misses no speech) .. 3 (rejects most noise).
    // Throws std::invalid_argument otherwise: these come from validated
    // config, so a bad value is a programming error.
    WebRtcVad(int sample_rate, int frame_ms, int mode);

    int sample_rate() const override { return sample_rate_; }
    int frame_samples() const override { return frame_samples_; }
    int mode() const { return mode_; }
    // WebRTC's VAD smooths its decision with an "overhang" after long speech
    // (vad_core.c, kOverHangMax2*): 7 frames in modes 0-1 and 5 in modes 2-3
    // for 20 ms frames (14/7/... for 10/20/30 ms). That is pure delay at the
    // end of every turn.
    int hangover_ms() const override;

    // `frame` must hold exactly frame_samples() samples; any other length is a
    // caller bug and is reported as "not speech" rather than read out of bounds.
    bool is_speech(std::span<const std::int16_t> frame) override;

    // Forgets the adapted noise model, e.g. between unrelated streams.
    void reset() override;

private:
    struct Deleter {
        void operator()(WebRtcVadInst* vad) const noexcept;
    };

    int sample_rate_;
    int frame_samples_;
    int mode_;
    std::unique_ptr<WebRtcVadInst, Deleter> vad_;
};

}  // namespace confab::engines
