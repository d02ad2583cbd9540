// One remote speech-to-text backend speaking OpenAI's
// POST {base_url}/audio/transcriptions (OpenAI, whisper.cpp's whisper-server,
// speaches, vLLM, LocalAI, Groq, ...): multipart/form-data with `file` (the
// utterance as a 16-bit mono WAV, "audio.wav"), `model`, `language` and
// `prompt` when set, `response_format=json`, and `stream=true` when
// Options::stream is set. The answer is {"text": ...}, or with stream=true
// Server-Sent Events (transcript.text.delta / transcript.text.done) whose
// text so far goes to the caller's partial sink as it arrives. A backend
// that ignores stream=true and answers JSON is read as JSON.
//
// Errors as OpenAiSpeechClient's (remote_call.hpp): backend_unreachable,
// backend_error (HTTP non-2xx, or an error object in the answer), timeout
// (first byte, total), bad_response (empty body, malformed JSON, no `text`,
// a stream cut midway or ended without transcript.text.done),
// backend_saturated, cancelled (terminal cancellation: the socket is closed
// at once), invalid_argument (config_error(), a sample rate <= 0).
//
// Ownership: one instance per backend, shared by every session.
// Threads: transcribe() runs on the awaiting coroutine's strand (network I/O
// only; the partial sink is called there), concurrently on several strands.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "engines/llm/llm_pool_stats.hpp"

namespace confab::engines {

class RemoteBackend;

struct TranscriptionOutcome {
    std::error_code error;
    std::string message;
    std::string text;  // the final transcript when error is empty
};

class OpenAiTranscriptionClient {
public:
    struct Options {
        std::string base_url, model, api_key;
        bool stream = false;
        std::string language;  // ISO-639-1, e.g. "en"; empty: not sent
        int connect_timeout_ms = 2000, first_byte_timeout_ms = 10000, total_timeout_ms = 30000;
        int max_concurrent_requests = 16;
        std::string ca_file;  // PEM bundle to trust instead of the system CAs
        // Beyond the brief's fields: the request limiter's queue and the
        // keep-alive pool, as LlmConfig has them (same defaults).
        int max_queued_requests = 256;
        int queue_timeout_ms = 5000;
        int max_idle_connections = 16;
        int idle_timeout_ms = 30000;
    };
    using PartialSink = std::function<void(const std::string& text_so_far)>;

    explicit OpenAiTranscriptionClient(Options options);
    ~OpenAiTranscriptionClient();
    OpenAiTranscriptionClient(const OpenAiTranscriptionClient&) = delete;
    OpenAiTranscriptionClient& operator=(const OpenAiTranscriptionClient&) = delete;

    // "openai-stt:<base_url> <model>"
    std::string name() const;
    // Why the options cannot be used, or empty; transcribe() then fails at
    // once with errc::invalid_argument.
    const std::string& config_error() const { return config_error_; }
    LlmPoolStats pool_stats() const;

    // Transcribes mono PCM16 at `sample_rate` (sent at that rate); `prompt`
    // (may be empty) guides the recognizer; `on_partial` may be empty.
    boost::asio::awaitable<TranscriptionOutcome> transcribe(std::string session_key,
                                                            std::vector<std::int16_t> pcm,
                                                            int sample_rate, std::string prompt,
                                                            PartialSink on_partial);

private:
    boost::asio::awaitable<TranscriptionOutcome> run(std::string session_key,
                                                     std::vector<std::int16_t> pcm, int sample_rate,
                                                     std::string prompt, PartialSink on_partial);

    const Options options_;
    std::string config_error_;
    std::unique_ptr<RemoteBackend> backend_;
};

}  // namespace confab::engines
