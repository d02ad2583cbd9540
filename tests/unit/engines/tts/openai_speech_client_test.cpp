// OpenAiSpeechClient against FakeSpeechServer, which speaks with the real
// flite: streamed audio, both formats, keep-alive, every scripted fault and
// cancellation.
#include "engines/tts/openai_speech_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "engines/tts/flite_synthesizer.hpp"
#include "fakes/fake_speech_server.hpp"
#include "support/run_coroutine.hpp"
#include "unit/engines/remote/speech_test_helpers.hpp"
#include "util/errors.hpp"
#include "util/wer.hpp"

namespace confab::engines {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::FakeSpeechRoute;
using test::FakeSpeechScript;
using test::FakeSpeechServer;
using Clock = std::chrono::steady_clock;
using Mode = FakeSpeechScript::Mode;

constexpr const char* kSentence = "The weather is nice today, so we will walk to the park.";

OpenAiSpeechClient::Options options_for(const std::string& url, std::string format = "pcm") {
    OpenAiSpeechClient::Options options;
    options.base_url = url;
    options.model = "tts-1";
    options.api_key = "sk-test";
    options.response_format = std::move(format);
    return options;
}

struct Spoken {
    SpeechOutcome outcome;
    std::vector<std::int16_t> pcm;
    std::vector<int> rates;  // one per chunk
    std::optional<Clock::time_point> first_chunk_at;
    std::size_t chunks() const { return rates.size(); }
};

// On `io`: idle connections are kept per io_context, so calls that should
// share a connection share one.
Spoken speak_on(asio::io_context& io, OpenAiSpeechClient& client, std::string text = kSentence,
                std::string voice = "kal16", double speed = 1.0) {
    Spoken spoken;
    spoken.outcome = test::run_coroutine(
        io, client.synthesize("session-1", std::move(text), std::move(voice), speed,
                              [&](std::span<const std::int16_t> pcm, int rate) {
                                  if (!spoken.first_chunk_at) spoken.first_chunk_at = Clock::now();
                                  spoken.pcm.insert(spoken.pcm.end(), pcm.begin(), pcm.end());
                                  spoken.rates.push_back(rate);
                              }));
    return spoken;
}

Spoken speak(OpenAiSpeechClient& client, std::string text = kSentence) {
    asio::io_context io;
    return speak_on(io, client, std::move(text));
}

bool mentions(const std::string& message, const std::string& part) {
    return message.find(part) != std::string::npos;
}

TEST(OpenAiSpeechClient, StreamsPcmAt24kHzWhileTheServerStillSpeaks) {
    FakeSpeechServer server;
    FakeSpeechScript script;
    script.realtime_factor = 3;  // ~1 s on the wire for ~3 s of speech
    server.push_script(FakeSpeechRoute::speech, script);
    OpenAiSpeechClient client(options_for(server.url()));

    const Spoken spoken = speak(client);
    ASSERT_FALSE(spoken.outcome.error) << spoken.outcome.message;
    EXPECT_TRUE(spoken.outcome.audio_started);
    EXPECT_GT(spoken.chunks(), 10u);
    for (const int rate : spoken.rates) ASSERT_EQ(rate, 24000);
    // The first audio arrived before the server had sent its last.
    const auto served = server.request(0);
    ASSERT_TRUE(served.completed_at && spoken.first_chunk_at);
    EXPECT_LT(*spoken.first_chunk_at, *served.completed_at);
    EXPECT_EQ(spoken.pcm.size(), served.audio_samples);
    EXPECT_EQ(served.audio_sample_rate, 24000);

    // What the server was asked.
    const auto& body = served.json.as_object();
    EXPECT_EQ(body.at("model").as_string(), "tts-1");
    EXPECT_EQ(body.at("input").as_string(), kSentence);
    EXPECT_EQ(body.at("voice").as_string(), "kal16");
    EXPECT_EQ(body.at("response_format").as_string(), "pcm");
    EXPECT_DOUBLE_EQ(body.at("speed").to_number<double>(), 1.0);
    EXPECT_EQ(served.header("Authorization"), "Bearer sk-test");
    EXPECT_EQ(served.target, "/v1/audio/speech");

    // The audio is the sentence: pocketsphinx recovers most of its words.
    const std::string heard = remote_test::recognise(spoken.pcm, 24000);
    const double wer = word_error_rate(kSentence, heard);
    std::cout << "[ measure  ] remote tts (pcm 24 kHz) heard back: \"" << heard << "\" WER " << wer
              << "\n";
    EXPECT_LE(wer, 0.34) << heard;
}

TEST(OpenAiSpeechClient, WavGivesTheVoicesOwnRateChunkedOrSized) {
    FakeSpeechServer server;
    FakeSpeechScript sized;
    sized.chunked = false;
    server.push_script(FakeSpeechRoute::speech, FakeSpeechScript{});
    server.push_script(FakeSpeechRoute::speech, sized);
    OpenAiSpeechClient client(options_for(server.url(), "wav"));
    const int flite_rate = FliteSynthesizer().sample_rate({"kal16"});

    asio::io_context io;
    const Spoken chunked = speak_on(io, client);
    const Spoken whole = speak_on(io, client);
    for (const Spoken* spoken : {&chunked, &whole}) {
        ASSERT_FALSE(spoken->outcome.error) << spoken->outcome.message;
        EXPECT_GT(spoken->chunks(), 1u);
        for (const int rate : spoken->rates) ASSERT_EQ(rate, flite_rate);
    }
    EXPECT_EQ(chunked.pcm.size(), server.request(0).audio_samples);
    // flite is deterministic: the same sentence, the same samples.
    EXPECT_EQ(chunked.pcm, whole.pcm);
    EXPECT_LE(word_error_rate(kSentence, remote_test::recognise(whole.pcm, flite_rate)), 0.34);
    // Both responses ended cleanly: the second request reused the connection.
    EXPECT_EQ(server.connections_accepted(), 1u);
    EXPECT_EQ(client.pool_stats().connections_reused, 1u);
}

TEST(OpenAiSpeechClient, RefusedConnectionIsUnreachable) {
    OpenAiSpeechClient client(options_for(remote_test::closed_url()));
    const Spoken spoken = speak(client);
    EXPECT_EQ(spoken.outcome.error, errc::backend_unreachable) << spoken.outcome.message;
    EXPECT_TRUE(mentions(spoken.outcome.message, "127.0.0.1:")) << spoken.outcome.message;
    EXPECT_FALSE(spoken.outcome.audio_started);
}

TEST(OpenAiSpeechClient, StoppedServerIsUnreachableUntilRestarted) {
    FakeSpeechServer server;
    FakeSpeechScript canned;
    canned.mode = Mode::canned;
    server.set_default_script(FakeSpeechRoute::speech, canned);
    OpenAiSpeechClient client(options_for(server.url()));
    ASSERT_FALSE(speak(client, "Hello.").outcome.error);
    server.stop();
    const Spoken down = speak(client, "Hello.");
    EXPECT_EQ(down.outcome.error, errc::backend_unreachable) << down.outcome.message;
    server.restart();
    const Spoken back = speak(client, "Hello.");
    EXPECT_FALSE(back.outcome.error) << back.outcome.message;
    EXPECT_TRUE(back.outcome.audio_started);
}

TEST(OpenAiSpeechClient, HttpErrorCarriesTheStatusAndTheServersMessage) {
    FakeSpeechServer server;
    FakeSpeechScript script;
    script.error_status = 500;
    script.error_message = "the voice model is not loaded";
    server.push_script(FakeSpeechRoute::speech, script);
    OpenAiSpeechClient client(options_for(server.url()));
    const Spoken spoken = speak(client);
    EXPECT_EQ(spoken.outcome.error, errc::backend_error);
    EXPECT_TRUE(mentions(spoken.outcome.message, "HTTP 500")) << spoken.outcome.message;
    EXPECT_TRUE(mentions(spoken.outcome.message, "the voice model is not loaded"))
        << spoken.outcome.message;
    EXPECT_TRUE(mentions(spoken.outcome.message, "127.0.0.1:" + std::to_string(server.port())));
    EXPECT_FALSE(spoken.outcome.audio_started);
}

TEST(OpenAiSpeechClient, SlowFirstByteAndHangAreTimeouts) {
    FakeSpeechServer server;
    FakeSpeechScript slow;
    slow.mode = Mode::canned;
    slow.first_byte_delay = 3s;
    FakeSpeechScript hang;
    hang.mode = Mode::hang;
    server.push_script(FakeSpeechRoute::speech, slow);
    server.push_script(FakeSpeechRoute::speech, hang);
    auto options = options_for(server.url());
    options.first_byte_timeout_ms = 200;
    OpenAiSpeechClient client(options);
    for (int i = 0; i < 2; ++i) {
        const Spoken spoken = speak(client);
        EXPECT_EQ(spoken.outcome.error, errc::timeout) << spoken.outcome.message;
        EXPECT_TRUE(mentions(spoken.outcome.message, "first byte timeout"))
            << spoken.outcome.message;
        // The client left: the server saw the connection close.
        EXPECT_TRUE(server.wait_for_disconnect(static_cast<std::size_t>(i), 2s).has_value());
    }
}

TEST(OpenAiSpeechClient, EmptyAndMalformedBodiesAreBadResponses) {
    FakeSpeechServer server;
    FakeSpeechScript empty;
    empty.mode = Mode::empty_body;
    FakeSpeechScript malformed;
    malformed.mode = Mode::malformed;
    server.push_script(FakeSpeechRoute::speech, empty);
    server.push_script(FakeSpeechRoute::speech, malformed);  // pcm: a JSON body
    server.push_script(FakeSpeechRoute::speech, malformed);  // wav: 8-bit stereo header
    OpenAiSpeechClient pcm(options_for(server.url()));
    OpenAiSpeechClient wav(options_for(server.url(), "wav"));

    const Spoken nothing = speak(pcm);
    EXPECT_EQ(nothing.outcome.error, errc::bad_response);
    EXPECT_TRUE(mentions(nothing.outcome.message, "no audio")) << nothing.outcome.message;
    const Spoken json = speak(pcm);
    EXPECT_EQ(json.outcome.error, errc::bad_response);
    EXPECT_TRUE(mentions(json.outcome.message, "application/json")) << json.outcome.message;
    const Spoken header = speak(wav);
    EXPECT_EQ(header.outcome.error, errc::bad_response);
    EXPECT_TRUE(mentions(header.outcome.message, "channels")) << header.outcome.message;
    for (const Spoken* spoken : {&nothing, &json, &header}) {
        EXPECT_FALSE(spoken->outcome.audio_started);
        EXPECT_TRUE(spoken->pcm.empty());
    }
}

TEST(OpenAiSpeechClient, BodyCutMidwayIsABadResponseAfterAudio) {
    FakeSpeechServer server;
    FakeSpeechScript chunked;
    chunked.mode = Mode::canned;
    chunked.cut_after_bytes = 9001;  // odd: the last sample is half there
    FakeSpeechScript sized = chunked;
    sized.chunked = false;
    server.push_script(FakeSpeechRoute::speech, chunked);
    server.push_script(FakeSpeechRoute::speech, sized);
    OpenAiSpeechClient client(options_for(server.url()));
    for (int i = 0; i < 2; ++i) {
        const Spoken spoken = speak(client);
        EXPECT_EQ(spoken.outcome.error, errc::bad_response) << spoken.outcome.message;
        EXPECT_TRUE(mentions(spoken.outcome.message, "broke off")) << spoken.outcome.message;
        EXPECT_TRUE(spoken.outcome.audio_started);
        EXPECT_EQ(spoken.pcm.size(), 4500u);  // every whole sample that arrived
    }
}

TEST(OpenAiSpeechClient, SaturatedLimiterRefusesAtOnce) {
    FakeSpeechServer server;
    FakeSpeechScript hang;
    hang.mode = Mode::hang;
    server.push_script(FakeSpeechRoute::speech, hang);
    auto options = options_for(server.url());
    options.max_concurrent_requests = 1;
    options.max_queued_requests = 0;
    OpenAiSpeechClient client(options);

    asio::io_context io;
    asio::cancellation_signal cancel_first;
    std::optional<SpeechOutcome> first;
    asio::co_spawn(io, client.synthesize("a", "Hang on.", "slt", 1.0, {}),
                   asio::bind_cancellation_slot(cancel_first.slot(),
                                                [&](std::exception_ptr, SpeechOutcome outcome) {
                                                    first = std::move(outcome);
                                                }));
    while (client.pool_stats().in_flight == 0 && io.run_one() > 0) {
    }
    const SpeechOutcome second =
        test::run_coroutine(io, client.synthesize("b", "Me too.", "slt", 1.0, {}));
    EXPECT_EQ(second.error, errc::backend_saturated) << second.message;
    EXPECT_TRUE(mentions(second.message, "saturated")) << second.message;

    cancel_first.emit(asio::cancellation_type::terminal);
    while (!first && io.run_one() > 0) {
    }
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->error, errc::cancelled) << first->message;
}

TEST(OpenAiSpeechClient, CancellingMidStreamClosesTheStream) {
    FakeSpeechServer server;
    FakeSpeechScript script;
    script.realtime_factor = 1;  // seconds of audio: the cancel lands mid-stream
    server.push_script(FakeSpeechRoute::speech, script);
    OpenAiSpeechClient client(options_for(server.url()));

    asio::io_context io;
    asio::cancellation_signal cancel;
    int chunks = 0;
    const auto on_audio = [&](std::span<const std::int16_t>, int) {
        // From outside the stream, as a barge-in would come.
        if (++chunks == 3) asio::post(io, [&] { cancel.emit(asio::cancellation_type::terminal); });
    };
    const SpeechOutcome outcome = test::run_coroutine(
        io, client.synthesize("s", kSentence, "slt", 1.0, on_audio), cancel.slot());
    EXPECT_EQ(outcome.error, errc::cancelled) << outcome.message;
    EXPECT_TRUE(outcome.audio_started);
    ASSERT_TRUE(server.wait_for_disconnect(0, 2s).has_value()) << "the server never saw us leave";
    EXPECT_EQ(server.disconnects(), 1u);
    EXPECT_FALSE(server.request(0).completed());
    EXPECT_EQ(client.pool_stats().cancelled, 1u);
}

TEST(OpenAiSpeechClient, UnusableOptionsFailAtOnce) {
    OpenAiSpeechClient bad_url(options_for("ftp://example.com/v1"));
    EXPECT_FALSE(bad_url.config_error().empty());
    EXPECT_EQ(speak(bad_url).outcome.error, errc::invalid_argument);
    OpenAiSpeechClient mp3(options_for("http://127.0.0.1:1/v1", "mp3"));
    EXPECT_TRUE(mentions(mp3.config_error(), "mp3")) << mp3.config_error();
    EXPECT_EQ(speak(mp3).outcome.error, errc::invalid_argument);
    EXPECT_EQ(mp3.name(), "openai-tts:http://127.0.0.1:1/v1 tts-1");
}

}  // namespace
}  // namespace confab::engines
