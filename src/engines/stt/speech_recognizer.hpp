// Streaming speech-to-text, one utterance at a time.
//
// Ownership and threads: a SpeechRecognizer is one decoder with its own state.
// It is NOT thread-safe; exactly one worker thread uses it at a time (the STT
// pool hands it out). Every call may block for tens to hundreds of ms, so it is
// never called on an I/O thread.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <system_error>

namespace confab::engines {

class SpeechRecognizer {
public:
    virtual ~SpeechRecognizer() = default;

    // The only rate feed() accepts; callers resample to it.
    virtual int sample_rate() const = 0;

    // Begins a new utterance. Any utterance in progress is abandoned.
    virtual std::error_code start_utterance() = 0;

    // Feeds mono PCM16 at sample_rate(). Chunks of any length are accepted.
    virtual std::error_code feed(std::span<const std::int16_t> pcm) = 0;

    // The current best hypothesis of the utterance in progress ("" if none).
    virtual std::string partial() = 0;

    // Ends the utterance and returns its final hypothesis in `out`.
    virtual std::error_code finish(std::string& out) = 0;

    // Abandons the utterance in progress, if any; the decoder stays usable.
    virtual void cancel() = 0;
};

// Creates decoders that share whatever the engine allows to be shared.
// Thread-safe: create() may be called from any thread.
class SpeechRecognizerFactory {
public:
    virtual ~SpeechRecognizerFactory() = default;
    virtual std::unique_ptr<SpeechRecognizer> create() = 0;
    virtual std::string name() const = 0;
};

}  // namespace confab::engines
