#include "engines/tts/openai_speech_client.hpp"

#include <array>
#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>
#include <vector>

#include "engines/remote/remote_backend.hpp"
#include "engines/remote/remote_call.hpp"
#include "engines/tts/speech_body_decoder.hpp"
#include "util/cancellation_as_error.hpp"
#include "util/errors.hpp"

// g++ 12 false positive on Asio coroutine frames (see openai_chat_model.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace confab::engines {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

LlmBackend::Options pool_options(const OpenAiSpeechClient::Options& options) {
    LlmBackend::Options pool;
    pool.limits.max_in_flight =
        static_cast<std::size_t>(std::max(1, options.max_concurrent_requests));
    pool.limits.max_waiting = static_cast<std::size_t>(std::max(0, options.max_queued_requests));
    pool.limits.queue_timeout = std::chrono::milliseconds(std::max(0, options.queue_timeout_ms));
    pool.idle.max_idle = static_cast<std::size_t>(std::max(0, options.max_idle_connections));
    pool.idle.idle_timeout = std::chrono::milliseconds(std::max(0, options.idle_timeout_ms));
    return pool;
}

bool cancelled(const asio::cancellation_state& state) {
    return state.cancelled() != asio::cancellation_type::none;
}

// A 2xx answer that is JSON or text is an error in disguise, not audio.
bool looks_like_text(const std::string& content_type) {
    return content_type.starts_with("application/json") || content_type.starts_with("text/");
}

}  // namespace

OpenAiSpeechClient::OpenAiSpeechClient(Options options) : options_(std::move(options)) {
    backend_ = std::make_unique<RemoteBackend>(RemoteBackend::Settings{
        "tts", options_.base_url, "/audio/speech", options_.ca_file, pool_options(options_)});
    config_error_ = backend_->config_error();
    if (config_error_.empty() && options_.response_format != "pcm" &&
        options_.response_format != "wav") {
        config_error_ = "tts response_format '" + options_.response_format +
                        "' is not supported: use pcm or wav";
    }
}

OpenAiSpeechClient::~OpenAiSpeechClient() = default;

std::string OpenAiSpeechClient::name() const {
    return "openai-tts:" + options_.base_url + " " + options_.model;
}

LlmPoolStats OpenAiSpeechClient::pool_stats() const {
    return backend_->stats();
}

asio::awaitable<SpeechOutcome> OpenAiSpeechClient::synthesize(std::string session_key,
                                                              std::string text, std::string voice,
                                                              double speed, AudioSink on_audio) {
    SpeechOutcome outcome = co_await cancellation_as_error(
        run(std::move(session_key), std::move(text), std::move(voice), speed, std::move(on_audio)));
    if (LlmBackend* pool = backend_->pool()) pool->record_outcome(outcome.error);
    co_return outcome;
}

asio::awaitable<SpeechOutcome> OpenAiSpeechClient::run(std::string session_key, std::string text,
                                                       std::string voice, double speed,
                                                       AudioSink on_audio) {
    SpeechOutcome outcome;
    const auto fail = [&outcome](RemoteFailure failure) {
        outcome.error = failure.error;
        outcome.message = std::move(failure.message);
        return outcome;
    };
    if (!config_error_.empty()) co_return fail({errc::invalid_argument, config_error_});
    if (!on_audio) on_audio = [](std::span<const std::int16_t>, int) {};
    const asio::cancellation_state state = co_await asio::this_coro::cancellation_state;

    HttpRequest request;
    request.target = backend_->target();
    const bool wav = options_.response_format == "wav";
    request.headers = {{"Content-Type", "application/json"},
                       {"Accept", wav ? "audio/wav" : "audio/pcm"},
                       {"User-Agent", "confab"}};
    if (!options_.api_key.empty())
        request.headers.emplace_back("Authorization", "Bearer " + options_.api_key);
    json::object body{{"model", options_.model},
                      {"input", text},
                      {"voice", voice},
                      {"response_format", options_.response_format},
                      {"speed", speed}};
    request.body = json::serialize(body);

    RemoteCall call(*backend_, {options_.connect_timeout_ms, options_.first_byte_timeout_ms,
                                options_.total_timeout_ms});
    RemoteFailure opened = co_await call.open(std::move(session_key), request);
    if (opened.error) co_return fail(std::move(opened));
    const std::string& content_type = call.head().content_type;
    if (looks_like_text(content_type)) {
        co_return fail({errc::bad_response, "expected audio from the tts backend " + call.peer() +
                                                ", got " + content_type});
    }

    SpeechBodyDecoder decoder(wav ? SpeechBodyDecoder::Format::wav
                                  : SpeechBodyDecoder::Format::pcm);
    std::array<char, 8192> buffer{};
    std::vector<std::int16_t> samples;
    while (!call.done()) {
        const RemoteCall::Read read = co_await call.read_some(buffer);
        if (read.bytes > 0) {
            samples.clear();
            if (decoder.feed({buffer.data(), read.bytes}, samples)) {
                co_return fail(
                    {errc::bad_response, decoder.message() + " (tts backend " + call.peer() + ")"});
            }
            if (!samples.empty()) {
                outcome.audio_started = true;
                on_audio(samples, decoder.sample_rate());
                // The sink may have cancelled us (a barge-in decided there).
                if (cancelled(state)) co_return fail(RemoteCall::cancelled());
            }
        }
        if (read.failure.error) co_return fail(read.failure);
    }
    if (decoder.finish()) {
        co_return fail(
            {errc::bad_response, decoder.message() + " (tts backend " + call.peer() + ")"});
    }
    call.finish();
    if (!outcome.audio_started) {
        co_return fail(
            {errc::bad_response, "the tts backend " + call.peer() + " answered with no audio"});
    }
    co_return outcome;
}

}  // namespace confab::engines
