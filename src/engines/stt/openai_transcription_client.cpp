#include "engines/stt/openai_transcription_client.hpp"

#include <array>
#include <boost/asio/this_coro.hpp>

#include "audio/pcm.hpp"
#include "engines/llm/sse_parser.hpp"
#include "engines/remote/remote_backend.hpp"
#include "engines/remote/remote_call.hpp"
#include "engines/stt/multipart_form.hpp"
#include "engines/stt/transcript_decoder.hpp"
#include "util/cancellation_as_error.hpp"
#include "util/errors.hpp"

// g++ 12 false positive on Asio coroutine frames (see openai_chat_model.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace confab::engines {
namespace asio = boost::asio;

namespace {

// A JSON transcript larger than this is not one.
constexpr std::size_t kMaxJsonBody = 1024 * 1024;

LlmBackend::Options pool_options(const OpenAiTranscriptionClient::Options& options) {
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

}  // namespace

OpenAiTranscriptionClient::OpenAiTranscriptionClient(Options options)
    : options_(std::move(options)) {
    backend_ = std::make_unique<RemoteBackend>(
        RemoteBackend::Settings{"stt", options_.base_url, "/audio/transcriptions", options_.ca_file,
                                pool_options(options_)});
    config_error_ = backend_->config_error();
}

OpenAiTranscriptionClient::~OpenAiTranscriptionClient() = default;

std::string OpenAiTranscriptionClient::name() const {
    return "openai-stt:" + options_.base_url + " " + options_.model;
}

LlmPoolStats OpenAiTranscriptionClient::pool_stats() const {
    return backend_->stats();
}

asio::awaitable<TranscriptionOutcome> OpenAiTranscriptionClient::transcribe(
    std::string session_key, std::vector<std::int16_t> pcm, int sample_rate, std::string prompt,
    PartialSink on_partial) {
    TranscriptionOutcome outcome =
        co_await cancellation_as_error(run(std::move(session_key), std::move(pcm), sample_rate,
                                           std::move(prompt), std::move(on_partial)));
    if (LlmBackend* pool = backend_->pool()) pool->record_outcome(outcome.error);
    co_return outcome;
}

asio::awaitable<TranscriptionOutcome> OpenAiTranscriptionClient::run(std::string session_key,
                                                                     std::vector<std::int16_t> pcm,
                                                                     int sample_rate,
                                                                     std::string prompt,
                                                                     PartialSink on_partial) {
    TranscriptionOutcome outcome;
    const auto fail = [&outcome](RemoteFailure failure) {
        outcome.error = failure.error;
        outcome.message = std::move(failure.message);
        outcome.text.clear();
        return outcome;
    };
    if (!config_error_.empty()) co_return fail({errc::invalid_argument, config_error_});
    if (sample_rate <= 0) {
        co_return fail({errc::invalid_argument,
                        "sample rate " + std::to_string(sample_rate) + " is not a rate"});
    }
    const asio::cancellation_state state = co_await asio::this_coro::cancellation_state;

    MultipartForm form;
    const std::vector<std::byte> wav = audio::wav_bytes(pcm, sample_rate);
    pcm.clear();
    pcm.shrink_to_fit();  // the WAV is the one copy from here on
    form.add_file("file", "audio.wav", "audio/wav",
                  std::string(reinterpret_cast<const char*>(wav.data()), wav.size()));
    form.add_field("model", options_.model);
    if (!options_.language.empty()) form.add_field("language", options_.language);
    if (!prompt.empty()) form.add_field("prompt", std::move(prompt));
    form.add_field("response_format", "json");
    if (options_.stream) form.add_field("stream", "true");
    form.seal();

    HttpRequest request;
    request.target = backend_->target();
    request.headers = {{"Content-Type", form.content_type()},
                       {"Accept", options_.stream ? "text/event-stream" : "application/json"},
                       {"User-Agent", "confab"}};
    if (!options_.api_key.empty())
        request.headers.emplace_back("Authorization", "Bearer " + options_.api_key);
    request.body = form.body();

    RemoteCall call(*backend_, {options_.connect_timeout_ms, options_.first_byte_timeout_ms,
                                options_.total_timeout_ms});
    RemoteFailure opened = co_await call.open(std::move(session_key), request);
    if (opened.error) co_return fail(std::move(opened));
    const std::string peer = call.peer();
    const auto bad = [&](const TranscriptDecoder& decoder, std::error_code error) {
        return RemoteFailure{error, decoder.message() + " (stt backend " + peer + ")"};
    };

    TranscriptDecoder decoder;
    std::array<char, 4096> buffer{};
    const bool streamed = call.head().content_type.find("event-stream") != std::string::npos;
    if (!streamed) {
        std::string body;
        while (!call.done()) {
            const RemoteCall::Read read = co_await call.read_some(buffer);
            body.append(buffer.data(), read.bytes);
            if (read.failure.error) co_return fail(read.failure);
            if (body.size() > kMaxJsonBody) {
                co_return fail({errc::bad_response,
                                "the transcript of the stt backend " + peer + " exceeds 1 MiB"});
            }
        }
        call.finish();
        if (const auto ec = decoder.decode_json(body)) co_return fail(bad(decoder, ec));
        outcome.text = decoder.text();
        co_return outcome;
    }

    SseParser sse;
    std::error_code stream_error;
    const auto on_event = [&](const SseEvent& event) {
        if (stream_error || decoder.done() || cancelled(state)) return;
        stream_error = decoder.decode_event(event, on_partial);
    };
    while (!decoder.done() && !call.done()) {
        const RemoteCall::Read read = co_await call.read_some(buffer);
        if (read.bytes > 0 && sse.feed({buffer.data(), read.bytes}, on_event)) {
            co_return fail({errc::bad_response, "the event stream of the stt backend " + peer +
                                                    " exceeds the line or event size limit"});
        }
        if (cancelled(state)) co_return fail(RemoteCall::cancelled());
        if (stream_error) co_return fail(bad(decoder, stream_error));
        if (read.failure.error) co_return fail(read.failure);
    }
    if (!decoder.done()) {
        co_return fail({errc::bad_response, "the stream of the stt backend " + peer +
                                                " ended without transcript.text.done"});
    }
    co_await call.drain();
    if (cancelled(state)) co_return fail(RemoteCall::cancelled());
    outcome.text = decoder.text();
    co_return outcome;
}

}  // namespace confab::engines
