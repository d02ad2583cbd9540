// SpeechRecognizer on one pocketsphinx (5prealpha) decoder.
//
// Ownership and threads: made by PocketsphinxFactory and owned by whoever
// holds the unique_ptr (one session's STT stage, or a pool worker); one thread
// at a time, never an I/O thread (one 20 ms feed occasionally takes 45-300 ms).
// The decoder keeps its cepstral-mean statistics across utterances on purpose:
// a decoder that stays with one session adapts to that speaker.
#pragma once
#include <memory>

#include "engines/stt/speech_recognizer.hpp"

struct ps_decoder_s;

namespace confab::engines {

class PocketsphinxRecognizer final : public SpeechRecognizer {
public:
    struct DecoderDeleter {
        void operator()(ps_decoder_s* decoder) const noexcept;
    };
    using DecoderPtr = std::unique_ptr<ps_decoder_s, DecoderDeleter>;

    // Takes an initialised decoder; reads its sample rate from its config.
    explicit PocketsphinxRecognizer(DecoderPtr decoder);
    ~PocketsphinxRecognizer() override;

    int sample_rate() const override { return sample_rate_; }
    std::error_code start_utterance() override;
    // errc::invalid_argument outside an utterance, errc::engine_failed if the
    // decoder rejects the audio.
    std::error_code feed(std::span<const std::int16_t> pcm) override;
    std::string partial() override;
    std::error_code finish(std::string& out) override;
    void cancel() override;

    // pocketsphinx's own voice-activity state for the audio fed so far. Only
    // meaningful with -remove_silence yes; the VAD benchmark compares it.
    bool in_speech() const;

private:
    DecoderPtr decoder_;
    int sample_rate_;
    bool in_utterance_ = false;
};

}  // namespace confab::engines
