// Remote speech engines on the real binary: a transcription server that
// transcribes with pocketsphinx and a speech server that speaks with flite
// (FakeSpeechServer: real work, so word error rates are real). A full voice
// loop through both; the pause's speculative transcription adopted as the
// final one; and each remote engine down, with the embedded engine
// standing in (pocketsphinx transcribes, flite speaks).
#include <gtest/gtest.h>

#include <optional>
#include <thread>

#include "engines/stt/pocketsphinx_factory.hpp"
#include "fakes/fake_llm_server.hpp"
#include "fakes/fake_speech_server.hpp"
#include "support/http_get.hpp"
#include "support/realtime_helpers.hpp"
#include "support/server_process.hpp"
#include "support/test_audio.hpp"
#include "util/wer.hpp"

namespace confab::test {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

const std::string kPlatforms = "today only platforms one and three are used";
const std::string kReply =
    "The trains leave from platform one today. Please stand behind the yellow line.";

std::string decode(const std::vector<std::int16_t>& pcm, int rate) {
    engines::PocketsphinxFactory factory{SttConfig{}};
    auto decoder = factory.create();
    decoder->start_utterance();
    decoder->feed(rate == 16000 ? pcm : resample(pcm, rate, 16000));
    std::string text;
    decoder->finish(text);
    return text;
}

struct Heard {
    std::string transcript;  // the user's turn, as the server transcribed it
    std::string status;
    std::vector<std::int16_t> audio;
    int turns = 0;
    std::optional<std::chrono::steady_clock::time_point> speech_stopped;  // first one seen
};

// Sends 24 kHz audio as a microphone would: 20 ms every 20 ms.
void send_in_real_time(WsClient& client, const std::vector<std::int16_t>& pcm24k) {
    constexpr std::size_t kChunk = 480;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < pcm24k.size(); i += kChunk) {
        std::this_thread::sleep_until(start + (i / kChunk) * 20ms);
        const std::vector<std::int16_t> chunk(
            pcm24k.begin() + static_cast<std::ptrdiff_t>(i),
            pcm24k.begin() + static_cast<std::ptrdiff_t>(std::min(i + kChunk, pcm24k.size())));
        send_audio(client, chunk);
    }
}

// Speaks a recording with server VAD (silence after it ends the turn) and
// gathers the reply.
Heard converse(WsClient& client, const std::string& file, bool real_time = false) {
    auto audio = silence24k(300);
    const auto wav = load_shared_wav(file);
    const auto speech = resample(wav.samples, wav.sample_rate, 24000);
    audio.insert(audio.end(), speech.begin(), speech.end());
    const auto tail = silence24k(1500);
    audio.insert(audio.end(), tail.begin(), tail.end());
    if (real_time) {
        send_in_real_time(client, audio);
    } else {
        send_audio(client, audio);
    }
    Heard heard;
    while (auto ev = client.receive(40s)) {
        const std::string type(ev->at("type").as_string());
        if (type == "conversation.item.input_audio_transcription.completed") {
            if (!heard.transcript.empty()) heard.transcript += " ";
            heard.transcript += std::string(ev->at("transcript").as_string());
            ++heard.turns;
        }
        if (type == "input_audio_buffer.speech_stopped" && !heard.speech_stopped)
            heard.speech_stopped = std::chrono::steady_clock::now();
        if (type == "response.output_audio.delta") append_delta(*ev, heard.audio);
        if (type == "response.done") {
            heard.status = std::string(ev->at("response").at("status").as_string());
            break;
        }
    }
    return heard;
}

std::vector<std::string> remote_flags(const std::string& speech_url, const std::string& llm_url) {
    return with_fast_upload({"--llm-base-url", llm_url, "--llm-model", "test-model",
                             "--stt-base-url", speech_url, "--tts-base-url", speech_url,
                             "--stt-workers", "1", "--tts-breaker-failures", "1",
                             "--stt-breaker-failures", "1"});
}

FakeLlmScript reply_script() {
    FakeLlmScript script;
    script.reply = kReply;
    return script;
}

TEST(RemoteSpeech, AVoiceLoopThroughRemoteRecognitionAndSynthesis) {
    FakeSpeechServer speech;
    FakeLlmServer llm;
    llm.set_default_script(reply_script());
    ServerProcess server(remote_flags(speech.url(), llm.url()));
    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive());

    const Heard heard = converse(client, "platforms.wav");
    ASSERT_EQ(heard.status, "completed");
    // The same engine behind the protocol: the transcript is as good as
    // the embedded one's (platforms.wav: ~37% with these settings).
    const double wer = word_error_rate(kPlatforms, heard.transcript);
    std::printf("remote transcript (WER %.3f): %s\n", wer, heard.transcript.c_str());
    EXPECT_LE(wer, 0.5) << heard.transcript;

    // The reply was spoken by the speech server (24 kHz pcm), and
    // pocketsphinx reads the words back.
    ASSERT_GT(heard.audio.size(), 24000u);
    const std::string said = decode(heard.audio, 24000);
    const double reply_wer = word_error_rate(kReply, said);
    std::printf("reply decoded (WER %.3f): %s\n", reply_wer, said.c_str());
    EXPECT_LE(reply_wer, 0.35) << said;

    std::size_t speech_requests = 0, transcriptions = 0;
    for (const auto& r : speech.requests()) {
        (r.route == FakeSpeechRoute::speech ? speech_requests : transcriptions)++;
    }
    EXPECT_GE(speech_requests, 2u);  // one per sentence
    EXPECT_GE(transcriptions, 1u);
    // The turn's audio went as 16 kHz WAV.
    EXPECT_EQ(speech.requests().front().route, FakeSpeechRoute::transcription);
    EXPECT_EQ(speech.requests().front().file_sample_rate, 16000);

    const HttpReply admin_off = http_get(server.port(), "/metrics");
    EXPECT_NE(admin_off.body.find(R"(confab_backend_requests_total{engine="tts")"),
              std::string::npos);
}

// The pause's transcription is sent before the turn is sure to have ended;
// when nothing more is said it is the final transcript: one request per turn.
TEST(RemoteSpeech, ThePausesSpeculativeTranscriptIsAdopted) {
    FakeSpeechServer speech;
    FakeLlmServer llm;
    ServerProcess server(remote_flags(speech.url(), llm.url()));
    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive());
    // In real time, so that the pause and the end of the turn are apart in
    // wall-clock time as they are with a person.
    const Heard heard = converse(client, "expression.wav", true);
    ASSERT_EQ(heard.status, "completed");
    std::vector<FakeSpeechRequest> transcriptions;
    for (const auto& r : speech.requests())
        if (r.route == FakeSpeechRoute::transcription) transcriptions.push_back(r);
    EXPECT_EQ(transcriptions.size(), static_cast<std::size_t>(heard.turns)) << heard.transcript;
    // It was sent while the end of the turn was still being judged.
    ASSERT_FALSE(transcriptions.empty());
    ASSERT_TRUE(heard.speech_stopped.has_value());
    EXPECT_LT(transcriptions.front().received_at, *heard.speech_stopped);
}

// stt.local_partials: pocketsphinx's partials while the user speaks, the
// server's transcript at the end (a canned one here, so the two are told apart).
TEST(RemoteSpeech, LocalPartialsWhileTheServerMakesTheTranscript) {
    FakeSpeechServer speech;
    FakeSpeechScript canned;
    canned.mode = FakeSpeechScript::Mode::canned;
    canned.canned_text = "the server heard this";
    speech.set_default_script(FakeSpeechRoute::transcription, canned);
    FakeLlmServer llm;
    auto flags = remote_flags(speech.url(), llm.url());
    flags.push_back("--stt-local-partials");
    ServerProcess server(flags);
    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive());

    auto audio = silence24k(300);
    const auto wav = load_shared_wav("platforms.wav");
    const auto speech24k = resample(wav.samples, wav.sample_rate, 24000);
    audio.insert(audio.end(), speech24k.begin(), speech24k.end());
    const auto tail = silence24k(1500);
    audio.insert(audio.end(), tail.begin(), tail.end());
    send_in_real_time(client, audio);
    std::string partials, final_text;
    bool delta_before_stop = false, stopped = false;
    while (auto ev = client.receive(30s)) {
        const std::string type(ev->at("type").as_string());
        if (type == "input_audio_buffer.speech_stopped") stopped = true;
        if (type == "conversation.item.input_audio_transcription.delta") {
            partials += std::string(ev->at("delta").as_string());
            if (!stopped) delta_before_stop = true;
        }
        if (type == "conversation.item.input_audio_transcription.completed") {
            final_text = std::string(ev->at("transcript").as_string());
            break;
        }
    }
    EXPECT_TRUE(delta_before_stop) << "no partial while the user spoke";
    std::printf("local partials: %s | final: %s\n", partials.c_str(), final_text.c_str());
    // (Deltas only extend what was said; pocketsphinx rewrites early words
    // as it goes, so their sum is not a transcript to score.)
    EXPECT_FALSE(partials.empty());
    EXPECT_EQ(final_text, "the server heard this");
}

TEST(RemoteSpeech, WithTheSpeechServerDownTheEmbeddedEnginesStandIn) {
    FakeSpeechServer speech;
    speech.stop();  // refuses connections: both remote engines are down
    FakeLlmServer llm;
    llm.set_default_script(reply_script());
    ServerProcess server(remote_flags(speech.url(), llm.url()));
    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive());

    const Heard heard = converse(client, "platforms.wav");
    ASSERT_EQ(heard.status, "completed");
    // pocketsphinx transcribed the turn...
    const double wer = word_error_rate(kPlatforms, heard.transcript);
    std::printf("fallback transcript (WER %.3f): %s\n", wer, heard.transcript.c_str());
    EXPECT_LE(wer, 0.5) << heard.transcript;
    // ...and flite spoke the reply.
    ASSERT_GT(heard.audio.size(), 24000u);
    const std::string said = decode(heard.audio, 24000);
    std::printf("fallback reply decoded: %s\n", said.c_str());
    EXPECT_LE(word_error_rate(kReply, said), 0.35) << said;
    EXPECT_EQ(speech.request_count(), 0u);

    // The breakers opened (one failure each, as configured); with the
    // fallbacks the node stays ready.
    EXPECT_EQ(http_get(server.port(), "/readyz").status, 200);
    const std::string log = server.log();
    EXPECT_NE(log.find("remote speech-to-text failed; pocketsphinx transcribes the turn"),
              std::string::npos);
    EXPECT_NE(log.find("remote text-to-speech failed; the embedded engine speaks"),
              std::string::npos);
}

// Without the fallback, a turn no server could transcribe fails with its
// reason, and the session goes on.
TEST(RemoteSpeech, WithoutTheFallbackATurnNoServerTranscribesFailsWithTheReason) {
    FakeSpeechServer speech;
    FakeSpeechScript broken;
    broken.error_status = 503;
    speech.set_default_script(FakeSpeechRoute::transcription, broken);
    FakeLlmServer llm;
    auto flags = remote_flags(speech.url(), llm.url());
    flags.push_back("--stt-fallback=false");
    ServerProcess server(flags);
    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive());
    auto audio = silence24k(300);
    const auto wav = load_shared_wav("platforms.wav");
    const auto speech24k = resample(wav.samples, wav.sample_rate, 24000);
    audio.insert(audio.end(), speech24k.begin(), speech24k.end());
    const auto tail = silence24k(1500);
    audio.insert(audio.end(), tail.begin(), tail.end());
    send_audio(client, audio);
    const auto failed =
        client.receive_type("conversation.item.input_audio_transcription.failed", 30s);
    ASSERT_TRUE(failed) << client.error();
    const std::string why(failed->at("error").at("message").as_string());
    // The pause's speculative request failed first and opened the breaker
    // (one failure, as configured): the reason names the backend, its state
    // and the server's answer.
    EXPECT_NE(why.find("stt backend"), std::string::npos) << why;
    EXPECT_NE(why.find("HTTP 503"), std::string::npos) << why;
    // No decoder to fall back to, and none was loaded; the server stays ready
    // only while the breaker lets a probe through (one failure opens it here).
    EXPECT_NE(server.log().find("remote engine backend"), std::string::npos);
}

TEST(RemoteSpeech, ASynthesisFailureBeforeAudioFallsBackMidReply) {
    FakeSpeechServer speech;
    FakeSpeechScript broken;
    broken.error_status = 500;
    speech.push_script(FakeSpeechRoute::speech, broken);  // the first sentence's request
    FakeLlmServer llm;
    llm.set_default_script(reply_script());
    ServerProcess server(remote_flags(speech.url(), llm.url()));
    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive());
    const Heard heard = converse(client, "platforms.wav");
    ASSERT_EQ(heard.status, "completed");
    const std::string said = decode(heard.audio, 24000);
    std::printf("reply decoded: %s\n", said.c_str());
    EXPECT_LE(word_error_rate(kReply, said), 0.35) << said;
}

}  // namespace
}  // namespace confab::test
