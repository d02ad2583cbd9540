// SpeechSynthesizer on flite 2.2 with its four US English voices.
//
// Ownership and threads: one per process, owned by the TTS engine pool.
// synthesize() may run concurrently on any number of worker threads: the
// voices are registered once and shared read-only, and everything a call
// changes (streaming callback, speed) lives in that call's own utterance.
#pragma once
#include "engines/tts/speech_synthesizer.hpp"

namespace confab::engines {

class FliteSynthesizer final : public SpeechSynthesizer {
public:
    // Registers the voices on first construction in the process (~1 ms).
    FliteSynthesizer();

    // 16000 for all four voices today, but read from the voice; 0 for a voice
    // not in voices().
    int sample_rate(const SynthesisOptions& options) const override;
    // "slt" (the default), "kal16", "rms", "awb".
    std::vector<std::string> voices() const override;
    std::string name() const override { return "flite"; }

    // Streams ~20 ms chunks to `sink` as flite makes them. Errors:
    // errc::invalid_argument (unknown voice, speed outside 0.25..4),
    // errc::cancelled (the sink returned false), errc::engine_failed.
    // An exception thrown by the sink stops synthesis and is rethrown here.
    std::error_code synthesize(std::string_view text, const SynthesisOptions& options,
                               const AudioSink& sink) override;
};

}  // namespace confab::engines
