// Frame-level voice activity: is this short frame speech?
//
// Not thread-safe; one per session stream. Cheap (microseconds per frame), so
// it may run on the session's strand.
#pragma once
#include <cstdint>
#include <span>

namespace confab::engines {

class VoiceActivityDetector {
public:
    virtual ~VoiceActivityDetector() = default;
    virtual int sample_rate() const = 0;
    // Samples per frame that is_speech() expects.
    virtual int frame_samples() const = 0;
    virtual bool is_speech(std::span<const std::int16_t> frame) = 0;
    virtual void reset() = 0;
    // How long the detector keeps saying "speech" after speech has ended
    // (its built-in hangover), so a turn detector can count it as silence.
    virtual int hangover_ms() const { return 0; }
};

}  // namespace confab::engines
