#include "fakes/fake_speech_responder.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>
#include <memory>

#include "fakes/fake_speech_wire.hpp"

// g++ 12 false positive on Asio coroutine frames (see src/engines/llm/openai_chat_model.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace confab::test {
namespace asio = boost::asio;
namespace json = boost::json;
using asio::ip::tcp;
using Mode = FakeSpeechScript::Mode;
using namespace fake_speech_wire;

namespace {

constexpr int kPcmRate = 24000;  // OpenAI's `pcm`: 24 kHz s16le mono

// Where a response's audio comes from: flite through a pipe, or slices of
// the looped canned tone (no CPU beyond a copy).
struct AudioSource {
    std::shared_ptr<FakeAudioPipe> pipe;  // flite; null for canned
    const std::vector<std::int16_t>* tone = nullptr;
    std::size_t canned_left = 0;
    std::size_t canned_at = 0;
    std::size_t canned_chunk = 960;

    // A client that left (or a cut) stops flite at its next chunk.
    ~AudioSource() {
        if (pipe) pipe->cancel();
    }

    asio::awaitable<bool> next(std::vector<std::int16_t>& out) {
        if (pipe) co_return co_await pipe->next(out);
        if (canned_left == 0) co_return false;
        out.clear();
        const std::size_t n = std::min(canned_chunk, canned_left);
        for (std::size_t i = 0; i < n; ++i) out.push_back((*tone)[(canned_at + i) % tone->size()]);
        canned_at += n;
        canned_left -= n;
        co_return true;
    }
};

asio::awaitable<void> sleep_until(asio::steady_timer& timer, asio::steady_timer::time_point when) {
    if (when <= asio::steady_timer::clock_type::now()) co_return;
    timer.expires_at(when);
    co_await timer.async_wait(asio::use_awaitable);
}

}  // namespace

std::vector<std::int16_t> FakeSpeechResponder::fake_tone() {
    return canned_tone(kPcmRate);
}

asio::awaitable<bool> FakeSpeechResponder::respond(tcp::socket& socket, std::size_t index,
                                                   FakeSpeechScript script, FakeSpeechCall call) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    if (script.first_byte_delay.count() > 0) {
        timer.expires_after(script.first_byte_delay);
        co_await timer.async_wait(asio::use_awaitable);
    }
    FakeHttpBodyWriter writer(socket, ledger_, index, true, std::nullopt);
    if (!call.invalid.empty()) co_return co_await error(writer, 400, call.invalid);
    if (script.mode == Mode::hang) {
        // Ended only by the client leaving (the disconnect watch cancels
        // this wait) or by the server's destruction.
        timer.expires_at(asio::steady_timer::time_point::max());
        co_await timer.async_wait(asio::use_awaitable);
    }
    if (script.error_status != 0) {
        co_return co_await error(writer, script.error_status, script.error_message);
    }
    if (call.route == FakeSpeechRoute::speech)
        co_return co_await speech(socket, index, script, call);
    co_return co_await transcription(socket, index, script, std::move(call));
}

asio::awaitable<bool> FakeSpeechResponder::error(FakeHttpBodyWriter& writer, int status,
                                                 const std::string& message) {
    const std::string body = error_json(message, status);
    co_await writer.head(status, "application/json", body.size());
    co_await writer.body(body);
    co_await writer.end();
    co_return true;
}

asio::awaitable<bool> FakeSpeechResponder::speech(tcp::socket& socket, std::size_t index,
                                                  const FakeSpeechScript& script,
                                                  const FakeSpeechCall& call) {
    const bool wav = call.response_format == "wav";
    const bool canned = script.mode == Mode::canned;
    // pcm is 24 kHz by definition; a WAV says its rate (flite's own).
    const int rate = canned || !wav ? kPcmRate : engines_.voice_rate(call.voice);
    const std::string content_type = wav ? "audio/wav" : "audio/pcm";
    FakeHttpBodyWriter writer(socket, ledger_, index, script.chunked, script.cut_after_bytes);
    if (script.mode == Mode::malformed) {
        std::string body;
        if (wav) {
            body = wav_header(rate, 0xFFFFFFFFu, 2, 8) + std::string(512, '\x7f');
            co_await writer.head(200, content_type, body.size());
        } else {
            body = "{\"audio\": [1, 2,";
            co_await writer.head(200, "application/json", body.size());
        }
        co_await writer.body(body);
        co_await writer.end();
        co_return true;
    }
    if (script.mode == Mode::empty_body) {
        co_await writer.head(200, content_type, 0);
        co_await writer.end();
        co_return true;
    }

    AudioSource source;
    if (canned) {
        source.tone = &tone_;
        source.canned_left =
            static_cast<std::size_t>(canned_seconds(call.input, call.speed) * kPcmRate);
        source.canned_chunk =
            static_cast<std::size_t>(std::max(1, script.canned_chunk_ms) * kPcmRate / 1000);
    } else {
        const auto executor = co_await asio::this_coro::executor;
        source.pipe = engines_.speak(call.input, call.voice, call.speed, rate, executor);
    }
    // A sized body is made whole first: its length goes in the head.
    std::vector<std::vector<std::int16_t>> made;
    std::string header = wav ? wav_header(rate) : std::string();
    if (!script.chunked) {
        std::vector<std::int16_t> chunk;
        std::size_t samples = 0;
        while (co_await source.next(chunk)) {
            samples += chunk.size();
            made.push_back(std::move(chunk));
        }
        if (wav) header = wav_header(rate, static_cast<std::uint32_t>(samples * 2));
        co_await writer.head(200, content_type, header.size() + samples * 2);
    } else {
        co_await writer.head(200, content_type);
    }
    if (!header.empty()) {
        const bool more = co_await writer.body(header);
        if (!more) co_return false;
    }

    asio::steady_timer pace(co_await asio::this_coro::executor);
    const auto start = asio::steady_timer::clock_type::now();
    std::size_t sent = 0;
    std::size_t next_made = 0;
    std::vector<std::int16_t> chunk;
    for (;;) {
        if (!script.chunked) {
            if (next_made == made.size()) break;
            chunk = std::move(made[next_made++]);
        } else if (!co_await source.next(chunk)) {
            break;
        }
        if (script.realtime_factor > 0) {
            // Audio leaves no faster than `realtime_factor` times real time.
            const auto due =
                start +
                std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(
                    static_cast<double>(sent) / (rate * script.realtime_factor)));
            co_await sleep_until(pace, due);
        }
        const std::string bytes = le_bytes(chunk);
        if (!co_await writer.body(bytes)) co_return false;
        sent += chunk.size();
        ledger_.update(index, [&](FakeSpeechRequest& request) {
            request.audio_samples = sent;
            request.audio_sample_rate = rate;
        });
    }
    co_await writer.end();
    co_return true;
}

asio::awaitable<bool> FakeSpeechResponder::transcription(tcp::socket& socket, std::size_t index,
                                                         const FakeSpeechScript& script,
                                                         FakeSpeechCall call) {
    FakeHttpBodyWriter writer(socket, ledger_, index, script.chunked, script.cut_after_bytes);
    // Only `normal` costs a decode; the faults answer around the canned text.
    std::string text = script.canned_text;
    if (script.mode == Mode::normal) {
        const FakeSpeechEngines::Transcribed result =
            co_await engines_.transcribe(std::move(call.wav));
        if (!result.error.empty()) co_return co_await error(writer, 500, result.error);
        text = result.text;
    }
    ledger_.update(index, [&](FakeSpeechRequest& request) { request.transcript = text; });
    const std::string content_type = call.stream ? "text/event-stream" : "application/json";
    std::vector<std::string> pieces;
    if (script.mode == Mode::empty_body) {
        // nothing
    } else if (script.mode == Mode::malformed) {
        if (call.stream) {
            pieces = {sse({{"type", "transcript.text.delta"}, {"delta", text}}),
                      "data: {\"type\": \"transcript.text.delta\", \"delta\": \n\n"};
        } else {
            pieces = {"{\"text\": \"" + text.substr(0, text.size() / 2)};
        }
    } else if (call.stream) {
        pieces = transcript_events(text);
    } else {
        pieces = {json::serialize(json::object{{"text", text}})};
    }
    if (!script.chunked || pieces.empty()) {
        std::size_t total = 0;
        for (const std::string& piece : pieces) total += piece.size();
        co_await writer.head(200, content_type, total);
    } else {
        co_await writer.head(200, content_type);
    }
    for (const std::string& piece : pieces) {
        if (!co_await writer.body(piece)) co_return false;
    }
    co_await writer.end();
    co_return true;
}

}  // namespace confab::test
