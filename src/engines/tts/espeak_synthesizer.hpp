// SpeechSynthesizer on espeak-ng 1.51 (22050 Hz, robotic but tiny and fast).
//
// Ownership and threads: one per process, owned by the TTS engine pool;
// synthesize() may be called from any worker thread. espeak-ng keeps all its
// state in globals and is NOT re-entrant (two threads crash or corrupt each
// other), so every call into it holds one process-wide mutex: syntheses run
// one at a time. That is affordable because espeak-ng needs ~1 ms of CPU per
// audio second; a slow sink, though, holds the lock for everyone.
#pragma once
#include "engines/tts/speech_synthesizer.hpp"

namespace confab::engines {

class EspeakSynthesizer final : public SpeechSynthesizer {
public:
    // Initialises espeak-ng on first construction in the process.
    EspeakSynthesizer();

    // 22050 once initialised; 0 if espeak-ng could not start.
    int sample_rate(const SynthesisOptions& options) const override;
    // "en-us" (the default), "en", "en-gb-scotland", "en-gb-x-rp", "en-029".
    std::vector<std::string> voices() const override;
    std::string name() const override { return "espeak-ng"; }

    // Streams ~50 ms chunks to `sink`. speed scales 175 words per minute,
    // clamped to espeak's 80..450. Errors: errc::engine_unavailable (no
    // espeak-ng data), errc::invalid_argument (unknown voice, speed outside
    // 0.25..4), errc::cancelled (the sink returned false),
    // errc::engine_failed. An exception thrown by the sink is rethrown here.
    std::error_code synthesize(std::string_view text, const SynthesisOptions& options,
                               const AudioSink& sink) override;
};

}  // namespace confab::engines
