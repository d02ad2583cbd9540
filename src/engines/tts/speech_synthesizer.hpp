// Streamed text-to-speech.
//
// Threads: synthesize() blocks for the whole synthesis and is called on a TTS
// worker thread, never an I/O thread. Implementations say whether concurrent
// calls are safe; those whose library is not re-entrant serialise internally.
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace confab::engines {

struct SynthesisOptions {
    std::string voice;   // an entry of voices(); "" means the engine's default
    double speed = 1.0;  // 0.25..4.0, 1 = natural rate
};

class SpeechSynthesizer {
public:
    // Receives each chunk of audio as soon as the engine produces it.
    // Return false to stop synthesis (that is how cancellation reaches inside).
    using AudioSink = std::function<bool(std::span<const std::int16_t> pcm)>;

    virtual ~SpeechSynthesizer() = default;

    // Rate of the PCM16 mono audio handed to the sink.
    virtual int sample_rate(const SynthesisOptions& options) const = 0;

    virtual std::vector<std::string> voices() const = 0;
    virtual std::string name() const = 0;

    // Returns errc::cancelled when the sink stopped it, another code on failure.
    virtual std::error_code synthesize(std::string_view text, const SynthesisOptions& options,
                                       const AudioSink& sink) = 0;
};

}  // namespace confab::engines
