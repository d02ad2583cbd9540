// OpenAiTranscriptionClient against FakeSpeechServer, which transcribes with
// the real pocketsphinx: the same words as the embedded recognizer, streamed
// partials, every scripted fault and cancellation.
#include "engines/stt/openai_transcription_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "audio/resampler.hpp"
#include "fakes/fake_speech_server.hpp"
#include "support/run_coroutine.hpp"
#include "support/test_audio.hpp"
#include "unit/engines/remote/speech_test_helpers.hpp"
#include "util/errors.hpp"
#include "util/speech_corpus.hpp"
#include "util/wer.hpp"

namespace confab::engines {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::FakeSpeechRoute;
using test::FakeSpeechScript;
using test::FakeSpeechServer;
using Mode = FakeSpeechScript::Mode;

OpenAiTranscriptionClient::Options options_for(const std::string& url, bool stream = false) {
    OpenAiTranscriptionClient::Options options;
    options.base_url = url;
    options.model = "whisper-1";
    options.api_key = "sk-test";
    options.language = "en";
    options.stream = stream;
    return options;
}

struct Heard {
    TranscriptionOutcome outcome;
    std::vector<std::string> partials;
};

Heard transcribe(OpenAiTranscriptionClient& client, std::vector<std::int16_t> pcm, int rate,
                 std::string prompt = {}) {
    asio::io_context io;
    Heard heard;
    heard.outcome = test::run_coroutine(
        io, client.transcribe("session-1", std::move(pcm), rate, std::move(prompt),
                              [&](const std::string& text) { heard.partials.push_back(text); }));
    return heard;
}

// A second of a tone: enough audio for the fault tests, which never decode it.
std::vector<std::int16_t> some_audio() {
    return test::sine(16000, 440, 1.0, 3000);
}

std::string reference_of(const std::string& file) {
    for (const auto& recording : transcribed_recordings(test::kSharedDir, "")) {
        if (recording.name == file) return recording.transcript;
    }
    return {};
}

bool mentions(const std::string& message, const std::string& part) {
    return message.find(part) != std::string::npos;
}

TEST(OpenAiTranscriptionClient, HearsWhatTheEmbeddedRecognizerHears) {
    FakeSpeechServer server;
    OpenAiTranscriptionClient client(options_for(server.url()));
    const audio::WavAudio wav = test::load_shared_wav("expression.wav");
    ASSERT_EQ(wav.sample_rate, 16000);

    const Heard heard = transcribe(client, wav.samples, wav.sample_rate, "numbers and percentages");
    ASSERT_FALSE(heard.outcome.error) << heard.outcome.message;
    // The fixture runs the embedded engine: a fresh decoder, the same audio,
    // the same words.
    const std::string embedded = remote_test::recognise(wav.samples, wav.sample_rate);
    EXPECT_EQ(heard.outcome.text, embedded);
    EXPECT_TRUE(heard.partials.empty());  // JSON: no partials
    const std::string reference = reference_of("expression.wav");
    ASSERT_FALSE(reference.empty());
    const double wer = word_error_rate(reference, heard.outcome.text);
    std::cout << "[ measure  ] remote stt expression.wav: \"" << heard.outcome.text << "\" WER "
              << wer << " (embedded: " << word_error_rate(reference, embedded) << ")\n";
    EXPECT_LE(wer, 0.35);  // pocketsphinx measured 21% on this file

    // What the server was sent.
    const auto served = server.request(0);
    EXPECT_EQ(served.target, "/v1/audio/transcriptions");
    EXPECT_EQ(served.header("Authorization"), "Bearer sk-test");
    EXPECT_EQ(served.file_name, "audio.wav");
    EXPECT_EQ(served.file_content_type, "audio/wav");
    EXPECT_EQ(served.file_sample_rate, 16000);
    EXPECT_EQ(served.file_samples, wav.samples.size());
    const std::map<std::string, std::string> fields{{"model", "whisper-1"},
                                                    {"language", "en"},
                                                    {"prompt", "numbers and percentages"},
                                                    {"response_format", "json"}};
    EXPECT_EQ(served.fields, fields);  // no `stream`
}

TEST(OpenAiTranscriptionClient, StreamGivesPartialsThenTheFinal) {
    FakeSpeechServer server;
    OpenAiTranscriptionClient client(options_for(server.url(), true));
    // Sent at 24 kHz, as a session's audio is: the server resamples it.
    const audio::WavAudio wav = test::load_shared_wav("platforms.wav");
    audio::Resampler resampler(wav.sample_rate, 24000);
    std::vector<std::int16_t> pcm;
    resampler.process(wav.samples, pcm);
    resampler.flush(pcm);

    const Heard heard = transcribe(client, pcm, 24000);
    ASSERT_FALSE(heard.outcome.error) << heard.outcome.message;
    const auto served = server.request(0);
    EXPECT_EQ(served.file_sample_rate, 24000);
    EXPECT_EQ(served.fields.at("stream"), "true");
    EXPECT_EQ(heard.outcome.text, served.transcript);
    // A partial per word, each extending the one before, the last the final.
    ASSERT_EQ(heard.partials.size(), normalize_words(served.transcript).size());
    for (std::size_t i = 1; i < heard.partials.size(); ++i) {
        EXPECT_TRUE(heard.partials[i].starts_with(heard.partials[i - 1])) << heard.partials[i];
    }
    EXPECT_EQ(heard.partials.back(), heard.outcome.text);
    std::cout << "[ measure  ] remote stt platforms.wav at 24 kHz, streamed: \""
              << heard.outcome.text << "\" WER "
              << word_error_rate(reference_of("platforms.wav"), heard.outcome.text) << "\n";
}

TEST(OpenAiTranscriptionClient, CannedStreamsAndJsonAgree) {
    FakeSpeechServer server;
    FakeSpeechScript canned;
    canned.mode = Mode::canned;
    canned.canned_text = "turn on the lights";
    server.set_default_script(FakeSpeechRoute::transcription, canned);
    OpenAiTranscriptionClient json(options_for(server.url()));
    OpenAiTranscriptionClient sse(options_for(server.url(), true));
    EXPECT_EQ(transcribe(json, some_audio(), 16000).outcome.text, "turn on the lights");
    const Heard streamed = transcribe(sse, some_audio(), 16000);
    EXPECT_EQ(streamed.outcome.text, "turn on the lights");
    EXPECT_EQ(streamed.partials,
              (std::vector<std::string>{"turn", "turn on", "turn on the", "turn on the lights"}));
}

TEST(OpenAiTranscriptionClient, ConnectionAndStatusFaults) {
    OpenAiTranscriptionClient refused(options_for(remote_test::closed_url()));
    const Heard down = transcribe(refused, some_audio(), 16000);
    EXPECT_EQ(down.outcome.error, errc::backend_unreachable) << down.outcome.message;

    FakeSpeechServer server;
    FakeSpeechScript failing;
    failing.error_status = 503;
    failing.error_message = "whisper is busy";
    server.push_script(FakeSpeechRoute::transcription, failing);
    OpenAiTranscriptionClient client(options_for(server.url()));
    const Heard status = transcribe(client, some_audio(), 16000);
    EXPECT_EQ(status.outcome.error, errc::backend_error);
    EXPECT_TRUE(mentions(status.outcome.message, "HTTP 503")) << status.outcome.message;
    EXPECT_TRUE(mentions(status.outcome.message, "whisper is busy")) << status.outcome.message;
    EXPECT_TRUE(status.outcome.text.empty());

    EXPECT_EQ(transcribe(client, some_audio(), 0).outcome.error, errc::invalid_argument);
}

TEST(OpenAiTranscriptionClient, BadBodiesAreBadResponses) {
    FakeSpeechServer server;
    FakeSpeechScript base;
    base.mode = Mode::canned;
    FakeSpeechScript malformed = base;
    malformed.mode = Mode::malformed;
    FakeSpeechScript empty = base;
    empty.mode = Mode::empty_body;
    FakeSpeechScript cut = base;
    cut.cut_after_bytes = 12;
    // JSON client: malformed, empty, cut; stream client: malformed, cut.
    for (const auto& script : {malformed, empty, cut, malformed, cut}) {
        server.push_script(FakeSpeechRoute::transcription, script);
    }
    OpenAiTranscriptionClient json(options_for(server.url()));
    OpenAiTranscriptionClient sse(options_for(server.url(), true));
    const std::vector<std::pair<OpenAiTranscriptionClient*, std::string>> cases = {
        {&json, "malformed JSON"},
        {&json, "empty body"},
        {&json, "broke off"},
        {&sse, "malformed event"},
        {&sse, "broke off"}};
    for (const auto& [client, expected] : cases) {
        SCOPED_TRACE(expected);
        const Heard heard = transcribe(*client, some_audio(), 16000);
        EXPECT_EQ(heard.outcome.error, errc::bad_response) << heard.outcome.message;
        EXPECT_TRUE(mentions(heard.outcome.message, expected)) << heard.outcome.message;
        EXPECT_TRUE(mentions(heard.outcome.message, "127.0.0.1:")) << heard.outcome.message;
        EXPECT_TRUE(heard.outcome.text.empty());
    }
}

TEST(OpenAiTranscriptionClient, HangIsAFirstByteTimeout) {
    FakeSpeechServer server;
    FakeSpeechScript hang;
    hang.mode = Mode::hang;
    server.push_script(FakeSpeechRoute::transcription, hang);
    auto options = options_for(server.url());
    options.first_byte_timeout_ms = 200;
    OpenAiTranscriptionClient client(options);
    const Heard heard = transcribe(client, some_audio(), 16000);
    EXPECT_EQ(heard.outcome.error, errc::timeout);
    EXPECT_TRUE(mentions(heard.outcome.message, "first byte timeout")) << heard.outcome.message;
    EXPECT_TRUE(server.wait_for_disconnect(0, 2s).has_value());
}

TEST(OpenAiTranscriptionClient, CancellingWhileTheServerWorksClosesTheConnection) {
    FakeSpeechServer::Options server_options;
    server_options.transcription_script.mode = Mode::hang;
    asio::io_context io;
    asio::cancellation_signal cancel;
    // Once the server holds the request, the test's thread cancels the call.
    server_options.on_request = [&](std::size_t, const test::FakeSpeechRequest&) {
        asio::post(io, [&] { cancel.emit(asio::cancellation_type::terminal); });
    };
    FakeSpeechServer server(server_options);
    OpenAiTranscriptionClient client(options_for(server.url()));

    const TranscriptionOutcome outcome =
        test::run_coroutine(io, client.transcribe("s", some_audio(), 16000, "", {}), cancel.slot());
    EXPECT_EQ(outcome.error, errc::cancelled) << outcome.message;
    ASSERT_TRUE(server.wait_for_disconnect(0, 2s).has_value());
    EXPECT_EQ(server.disconnects(), 1u);
    EXPECT_EQ(client.pool_stats().cancelled, 1u);
}

}  // namespace
}  // namespace confab::engines
