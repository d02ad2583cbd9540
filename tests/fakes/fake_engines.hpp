// Fake engines implementing the real interfaces, for pipeline tests:
// deterministic, scriptable, and observable.
#pragma once
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engines/llm/language_model.hpp"
#include "engines/stt/speech_recognizer.hpp"
#include "engines/tts/speech_synthesizer.hpp"
#include "engines/vad/voice_activity_detector.hpp"
#include "util/errors.hpp"

namespace confab::test {

// Speech is any 20 ms frame whose mean absolute amplitude exceeds 300.
class FakeVad final : public engines::VoiceActivityDetector {
public:
    int sample_rate() const override { return 16000; }
    int frame_samples() const override { return 320; }
    bool is_speech(std::span<const std::int16_t> frame) override;
    void reset() override {}
};

// Recognises each utterance as the next scripted transcript (or "hello world"),
// revealing it word by word in partials as audio arrives (one word per 200 ms).
class FakeRecognizerFactory final : public engines::SpeechRecognizerFactory {
public:
    std::unique_ptr<engines::SpeechRecognizer> create() override;
    std::string name() const override { return "fake-stt"; }
    void script(std::string transcript);
    std::string next_transcript();
    std::atomic<int> utterances_started{0};
    std::atomic<int> utterances_cancelled{0};
    // Simulated decoding time of finish() (on the worker thread).
    std::atomic<int> finish_delay_ms{0};
    std::atomic<int> decoders_created{0};
    // Simulated decoding time of each feed(); how many feeds run at once now
    // and at most (how the STT pool shares the cores).
    std::atomic<int> feed_delay_ms{0};
    std::atomic<int> feeding_now{0};
    std::atomic<int> max_concurrent_feeds{0};
    // Calls of feed() over all utterances (how finely audio was handed over).
    std::atomic<int> feed_calls{0};
    // Samples the last finished utterance was fed (16 kHz).
    std::atomic<std::size_t> last_utterance_samples{0};

private:
    std::mutex mutex_;
    std::deque<std::string> scripts_;
};

// Produces 60 ms of 16 kHz tone per character, in 20 ms chunks.
class FakeSynthesizer final : public engines::SpeechSynthesizer {
public:
    int sample_rate(const engines::SynthesisOptions&) const override { return 16000; }
    std::vector<std::string> voices() const override { return {"slt", "kal16"}; }
    std::string name() const override { return "fake-tts"; }
    std::error_code synthesize(std::string_view text, const engines::SynthesisOptions& options,
                               const AudioSink& sink) override;
    std::vector<std::string> texts() const;
    std::atomic<int> cancelled{0};
    std::chrono::microseconds per_chunk_delay{0};

private:
    mutable std::mutex mutex_;
    std::vector<std::string> texts_;
};

// Streams scripted deltas with delays on asio timers; honours cancellation.
class FakeLanguageModel final : public engines::LanguageModel {
public:
    struct Script {
        std::vector<std::string> deltas{"Sure, ", "here is ", "my answer. ",
                                        "It has two sentences."};
        std::chrono::milliseconds first_delay{5};
        std::chrono::milliseconds between{2};
        std::optional<std::string> fail_with;  // error message: the stream fails after the deltas
        errc fail_code = errc::backend_error;  // ...with this error
        // Tool-call deltas, streamed after the first `calls_after` text deltas
        // (all of them by default); the outcome then lists the calls whole.
        std::vector<engines::ToolCallDelta> tool_calls;
        std::size_t calls_after = SIZE_MAX;
    };

    std::string name() const override { return "fake-llm"; }
    boost::asio::awaitable<engines::ChatOutcome> stream(engines::ChatRequest request,
                                                        StreamSinks sinks) override;
    using LanguageModel::stream;

    void script(Script s);
    std::vector<engines::ChatRequest> requests() const;
    int cancellations() const { return cancellations_.load(); }
    std::optional<std::chrono::steady_clock::time_point> last_cancel_time() const;

private:
    mutable std::mutex mutex_;
    std::deque<Script> scripts_;
    std::vector<engines::ChatRequest> requests_;
    std::atomic<int> cancellations_{0};
    std::optional<std::chrono::steady_clock::time_point> last_cancel_;
};

}  // namespace confab::test
