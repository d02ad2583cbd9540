// One remote text-to-speech backend speaking OpenAI's
// POST {base_url}/audio/speech (OpenAI, speaches, Kokoro-FastAPI, LocalAI,
// ...): a JSON body {model, input, voice, response_format, speed}; the audio
// comes back as `pcm` (24 kHz s16le mono) or `wav` (16-bit mono, the rate in
// its header). The body is read as it arrives, chunked or sized, and each
// piece handed to the caller's sink at once; it is never buffered whole.
//
// Connections and load: an engines::LlmBackend (a keep-alive pool and a fair,
// bounded request limiter; see llm_backend.hpp) per client.
//
// Errors (each message names the backend's host:port; see remote_call.hpp):
// backend_unreachable (refused, unreachable, connect timeout), backend_error
// (HTTP non-2xx, with the error body's message), timeout (first byte, total),
// bad_response (empty body, unusable WAV header, a JSON or text answer with a
// 2xx status, a body cut midway: audio_started says whether any audio got
// through), backend_saturated (no request slot), cancelled (a terminal
// cancellation of the awaiting coroutine: the socket is closed at once),
// invalid_argument (config_error()).
//
// Ownership: one instance per backend, shared by every session; after
// construction it holds only immutable settings and the thread-safe pool.
// Threads: synthesize() runs on the awaiting coroutine's strand (network I/O
// only; the sink is called there) and may run concurrently on several strands.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <system_error>

#include "engines/llm/llm_pool_stats.hpp"

namespace confab::engines {

class RemoteBackend;

struct SpeechOutcome {
    std::error_code error;
    std::string message;
    bool audio_started = false;  // some audio reached the sink
};

class OpenAiSpeechClient {
public:
    struct Options {
        std::string base_url, model, api_key, response_format = "pcm";  // "pcm" | "wav"
        int connect_timeout_ms = 2000, first_byte_timeout_ms = 5000, total_timeout_ms = 30000;
        int max_concurrent_requests = 16;
        std::string ca_file;  // PEM bundle to trust instead of the system CAs
        // Beyond the brief's fields: the request limiter's queue and the
        // keep-alive pool, as LlmConfig has them (same defaults).
        int max_queued_requests = 256;  // more wait; beyond: backend_saturated
        int queue_timeout_ms = 5000;    // longest wait for a slot; then backend_saturated
        int max_idle_connections = 16;
        int idle_timeout_ms = 30000;
    };
    // Receives each piece of audio as it arrives, with its rate (24000 for
    // pcm; the WAV header's for wav).
    using AudioSink = std::function<void(std::span<const std::int16_t> pcm, int sample_rate)>;

    explicit OpenAiSpeechClient(Options options);
    ~OpenAiSpeechClient();
    OpenAiSpeechClient(const OpenAiSpeechClient&) = delete;
    OpenAiSpeechClient& operator=(const OpenAiSpeechClient&) = delete;

    // "openai-tts:<base_url> <model>"
    std::string name() const;
    // Why the options cannot be used (bad base_url or response_format,
    // unreadable CA file), or empty; synthesize() then fails at once with
    // errc::invalid_argument.
    const std::string& config_error() const { return config_error_; }
    // The backend's connection pool and request counters (thread-safe).
    LlmPoolStats pool_stats() const;

    // Speaks `text` with `voice` at `speed`; `session_key` is the queue the
    // request waits in for a slot (fair across sessions).
    boost::asio::awaitable<SpeechOutcome> synthesize(std::string session_key, std::string text,
                                                     std::string voice, double speed,
                                                     AudioSink on_audio);

private:
    boost::asio::awaitable<SpeechOutcome> run(std::string session_key, std::string text,
                                              std::string voice, double speed, AudioSink on_audio);

    const Options options_;
    std::string config_error_;
    std::unique_ptr<RemoteBackend> backend_;
};

}  // namespace confab::engines
