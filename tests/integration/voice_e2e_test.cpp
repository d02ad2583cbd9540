// The voice loop end to end: the real confab binary, real engines
// (pocketsphinx, WebRTC VAD, flite), real recordings from ../shared/audio,
// and a fake OpenAI-compatible LLM server that records what it was asked.
#include <gtest/gtest.h>

#include "engines/stt/pocketsphinx_factory.hpp"
#include "fakes/fake_llm_server.hpp"
#include "support/realtime_helpers.hpp"
#include "support/server_process.hpp"
#include "support/test_audio.hpp"
#include "util/wer.hpp"

namespace confab::test {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Recording {
    std::string file;
    std::string transcript;
};
const std::vector<Recording> kRecordings = {
    {"jfk.wav",
     "and so my fellow americans ask not what your country can do for you ask what you can do for "
     "your country"},
    {"platforms.wav", "today only platforms one and three are used"},
    {"expression.wav",
     "the expression goes six times ten equals sixty not six hundred thousand that gives us a "
     "twelve percent chance"},
};

std::vector<std::int16_t> recording24k(const std::string& file) {
    const auto wav = load_shared_wav(file);
    return resample(wav.samples, wav.sample_rate, 24000);
}

// Decodes 24 kHz audio with a bare pocketsphinx decoder (for reply audio).
std::string decode24k(const std::vector<std::int16_t>& pcm24k) {
    engines::PocketsphinxFactory factory{SttConfig{}};
    auto decoder = factory.create();
    const auto pcm16k = resample(pcm24k, 24000, 16000);
    decoder->start_utterance();
    decoder->feed(pcm16k);
    std::string text;
    decoder->finish(text);
    return text;
}

json::object user_text(const std::string& text) {
    json::object item{{"type", "message"}, {"role", "user"}};
    item["content"] = json::array{json::object{{"type", "input_text"}, {"text", text}}};
    return {{"type", "conversation.item.create"}, {"item", std::move(item)}};
}

json::object manual_turns() {
    return {
        {"type", "session.update"},
        {"session", {{"type", "realtime"}, {"audio", {{"input", {{"turn_detection", nullptr}}}}}}}};
}

// WER of the server's transcripts (word-weighted over the three
// recordings) must stay within 2 points of bare pocketsphinx on the same
// audio: the 24 kHz audio the server receives, brought back to the engine's
// 16 kHz with the same resampler, decoded with the same settings (the
// default, pruned for speed) in the same order on one decoder, since the
// decoder adapts across utterances. The absolute bound is 0.65: bare
// pocketsphinx with these settings measures ~0.47-0.59 here (jfk, a 1961
// recording, is mostly lost; platforms ~37-62%, expression ~5-21%;
// bench/results/stt.md). Decoding the original 16 kHz files is printed too,
// to show what the protocol's 24 kHz round trip costs.
TEST(VoiceE2E, TranscriptsMatchBarePocketsphinx) {
    engines::PocketsphinxFactory factory{SttConfig{}};
    auto bare = factory.create();
    auto native = factory.create();
    ServerProcess server(with_fast_upload({"--stt-workers", "1"}));
    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive());
    client.send(manual_turns());
    ASSERT_TRUE(client.receive_type("session.updated"));
    double server_errors = 0, bare_errors = 0, native_errors = 0, words = 0;
    for (const auto& rec : kRecordings) {
        const auto wav = load_shared_wav(rec.file);
        const auto sent = resample(wav.samples, wav.sample_rate, 24000);
        auto decode = [](engines::SpeechRecognizer& d, const std::vector<std::int16_t>& pcm) {
            d.start_utterance();
            d.feed(pcm);
            std::string text;
            d.finish(text);
            return text;
        };
        const std::string bare_text = decode(*bare, resample(sent, 24000, 16000));
        const std::string native_text = decode(*native, wav.samples);

        send_audio(client, sent);
        client.send({{"type", "input_audio_buffer.commit"}});
        const auto done =
            client.receive_type("conversation.item.input_audio_transcription.completed", 30s);
        ASSERT_TRUE(done) << rec.file << ": " << client.error();
        const std::string text(done->at("transcript").as_string());
        const double server_wer = word_error_rate(rec.transcript, text);
        const double bare_wer = word_error_rate(rec.transcript, bare_text);
        const double native_wer = word_error_rate(rec.transcript, native_text);
        std::printf("%s: server WER %.3f (%s) | bare WER %.3f | bare on the 16 kHz file %.3f\n",
                    rec.file.c_str(), server_wer, text.c_str(), bare_wer, native_wer);
        const double n = static_cast<double>(normalize_words(rec.transcript).size());
        server_errors += server_wer * n;
        bare_errors += bare_wer * n;
        native_errors += native_wer * n;
        words += n;
    }
    const double server_wer = server_errors / words, bare_wer = bare_errors / words;
    std::printf("word-weighted WER: server %.3f, bare %.3f, bare on the 16 kHz files %.3f\n",
                server_wer, bare_wer, native_errors / words);
    EXPECT_LE(server_wer, bare_wer + 0.02);
    EXPECT_LE(server_wer, 0.65);
}

// With server VAD the recording is cut into turns by the turn detector; the
// transcripts of all turns together must still read like the recording.
TEST(VoiceE2E, ServerVadTurnsTranscribeARecording) {
    ServerProcess server(with_fast_upload({"--stt-workers", "2"}));
    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive());
    client.send(
        {{"type", "session.update"},
         {"session",
          {{"type", "realtime"},
           {"audio",
            {{"input",
              {{"turn_detection", {{"type", "server_vad"}, {"create_response", false}}}}}}}}}});
    ASSERT_TRUE(client.receive_type("session.updated"));
    const auto& rec = kRecordings[2];
    auto audio = silence24k(500);
    const auto speech = recording24k(rec.file);
    audio.insert(audio.end(), speech.begin(), speech.end());
    const auto tail = silence24k(2000);
    audio.insert(audio.end(), tail.begin(), tail.end());
    send_audio(client, audio);
    int started = 0, stopped = 0, completed = 0;
    std::string transcript;
    while (auto ev = client.receive(completed > 0 && completed == stopped ? 1500ms : 20000ms)) {
        const std::string type(ev->at("type").as_string());
        if (type == "input_audio_buffer.speech_started") {
            ++started;
            EXPECT_GE(ev->at("audio_start_ms").as_int64(), 200);  // not in the leading silence
        }
        if (type == "input_audio_buffer.speech_stopped") ++stopped;
        if (type == "conversation.item.input_audio_transcription.completed") {
            ++completed;
            transcript += std::string(ev->at("transcript").as_string()) + " ";
        }
        EXPECT_NE(type, "response.created");  // create_response is false
    }
    EXPECT_GE(started, 1);
    EXPECT_EQ(started, stopped);
    EXPECT_EQ(completed, stopped);
    const double wer = word_error_rate(rec.transcript, transcript);
    std::printf("server VAD transcript (%d turns, WER %.3f): %s\n", stopped, wer,
                transcript.c_str());
    // Bare pocketsphinx reads this recording at ~21% as one utterance; cut
    // into turns, words at the cuts may be lost.
    EXPECT_LE(wer, 0.4);
}

// Speech in → transcript → an LLM request with the instructions and the
// history → audio out that pocketsphinx understands (round trip).
TEST(VoiceE2E, FullLoopWithAnOpenAiCompatibleServer) {
    FakeLlmServer llm;
    FakeLlmScript first;
    first.reply = "Nice to meet you, Alice.";
    llm.push_script(first);
    FakeLlmScript second;
    second.reply = "The trains leave from platform one today. Please stand behind the yellow line.";
    second.time_to_first_token = 50ms;
    second.tokens_per_second = 40;
    llm.push_script(second);

    ServerProcess server(with_fast_upload(
        {"--llm-base-url", llm.url(), "--llm-model", "test-model", "--stt-workers", "1"}));
    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive());
    client.send(
        {{"type", "session.update"},
         {"session", {{"type", "realtime"}, {"instructions", "You are a railway assistant."}}}});
    ASSERT_TRUE(client.receive_type("session.updated"));

    // A typed turn first, so the spoken turn has history.
    client.send(user_text("my name is alice"));
    client.send({{"type", "response.create"}});
    ASSERT_TRUE(client.receive_type("response.done", 20s)) << client.error();

    auto audio = silence24k(300);
    const auto speech = recording24k("platforms.wav");
    audio.insert(audio.end(), speech.begin(), speech.end());
    const auto tail = silence24k(1500);
    audio.insert(audio.end(), tail.begin(), tail.end());
    send_audio(client, audio);

    std::string heard;
    std::vector<std::int16_t> reply_audio;
    std::string response_id;
    std::string transcript_done;
    while (auto ev = client.receive(30s)) {
        const std::string type(ev->at("type").as_string());
        if (type == "conversation.item.input_audio_transcription.completed")
            heard = std::string(ev->at("transcript").as_string());
        if (type == "response.created")
            response_id = std::string(ev->at("response").at("id").as_string());
        if (type == "response.output_audio.delta") {
            EXPECT_EQ(ev->at("response_id").as_string(), response_id);
            append_delta(*ev, reply_audio);
        }
        if (type == "response.output_audio_transcript.done")
            transcript_done = std::string(ev->at("transcript").as_string());
        if (type == "response.done") {
            EXPECT_EQ(ev->at("response").at("status").as_string(), "completed");
            break;
        }
    }
    // platforms.wav measures 37.5% with the fast settings (3 of 8 words).
    EXPECT_LE(word_error_rate("today only platforms one and three are used", heard), 0.5) << heard;

    ASSERT_EQ(llm.request_count(), 2u);
    const auto body = json::parse(llm.requests()[1].body).as_object();
    EXPECT_EQ(body.at("model").as_string(), "test-model");
    EXPECT_TRUE(body.at("stream").as_bool());
    const auto& messages = body.at("messages").as_array();
    ASSERT_EQ(messages.size(), 4u) << json::serialize(body);
    EXPECT_EQ(messages[0].at("role").as_string(), "system");
    EXPECT_EQ(messages[0].at("content").as_string(), "You are a railway assistant.");
    EXPECT_EQ(messages[1].at("content").as_string(), "my name is alice");
    EXPECT_EQ(messages[2].at("role").as_string(), "assistant");
    EXPECT_EQ(messages[2].at("content").as_string(), "Nice to meet you, Alice.");
    EXPECT_EQ(messages[3].at("role").as_string(), "user");
    EXPECT_EQ(messages[3].at("content").as_string(), heard);

    EXPECT_EQ(transcript_done, second.reply);
    ASSERT_GT(reply_audio.size(), 24000u);  // more than a second of speech
    const std::string decoded = decode24k(reply_audio);
    const double wer = word_error_rate(second.reply, decoded);
    std::printf("reply decoded (WER %.3f): %s\n", wer, decoded.c_str());
    // flite's slt voice is recognised at ~6% WER by this model; resampling
    // and sentence joins cost a little more.
    EXPECT_LE(wer, 0.3);
}

// Barge-in: a recording spoken over the reply cancels it; the LLM stream is
// closed within 100 ms, and no audio of the cancelled response follows.
TEST(VoiceE2E, BargeInOnRealAudio) {
    FakeLlmServer llm;
    FakeLlmScript slow;
    slow.reply =
        "Let me tell you a long story about trains. The first train left at dawn. It went north "
        "for hours. "
        "Then it turned east toward the sea. The passengers slept. Nobody knew where it would "
        "stop. "
        "At noon it reached a small town. The story goes on and on.";
    slow.time_to_first_token = 50ms;
    slow.tokens_per_second = 8;
    llm.push_script(slow);
    ServerProcess server(with_fast_upload({"--llm-base-url", llm.url(), "--stt-workers", "1"}));
    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive());
    client.send(user_text("tell me a story"));
    client.send({{"type", "response.create"}});
    const auto first_audio = client.receive_type("response.output_audio.delta", 20s);
    ASSERT_TRUE(first_audio) << client.error();
    const std::string response_id(first_audio->at("response_id").as_string());

    send_audio(client, recording24k("jfk.wav"));
    std::optional<Clock::time_point> cancelled_at;
    bool speech_started = false;
    while (auto ev = client.receive(20s)) {
        const std::string type(ev->at("type").as_string());
        if (type == "input_audio_buffer.speech_started") speech_started = true;
        if (type == "response.done" && ev->at("response").at("id").as_string() == response_id) {
            cancelled_at = Clock::now();
            EXPECT_TRUE(speech_started);
            EXPECT_EQ(ev->at("response").at("status").as_string(), "cancelled");
            EXPECT_EQ(ev->at("response").at("status_details").at("reason").as_string(),
                      "turn_detected");
            break;
        }
    }
    ASSERT_TRUE(cancelled_at) << client.error();
    const auto disconnected = llm.wait_for_disconnect(0, 2s);
    ASSERT_TRUE(disconnected) << "the LLM stream stayed open after the cancel";
    // The server cancelled before it sent response.done, which we received
    // after that: the disconnect must follow our receipt by under 100 ms.
    EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(*disconnected - *cancelled_at)
                  .count(),
              100);
    // Nothing of the cancelled response after its response.done (but the
    // confab.response.timings summary, which follows it by design).
    while (auto ev = client.receive(2s)) {
        if (ev->contains("response_id") &&
            ev->at("type").as_string() != "confab.response.timings") {
            EXPECT_NE(ev->at("response_id").as_string(), response_id) << ev->at("type");
        }
    }
}

// Offline mode: with no language model configured, speaking still gets a
// spoken reply that says so and repeats what was heard.
TEST(VoiceE2E, OfflineModeAnswersAloud) {
    ServerProcess server(with_fast_upload({"--stt-workers", "1"}));
    EXPECT_NE(server.log().find("OFFLINE MODE"), std::string::npos) << server.log();
    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive());
    auto audio = silence24k(300);
    const auto speech = recording24k("platforms.wav");
    audio.insert(audio.end(), speech.begin(), speech.end());
    const auto tail = silence24k(1500);
    audio.insert(audio.end(), tail.begin(), tail.end());
    send_audio(client, audio);
    std::size_t audio_deltas = 0;
    std::string transcript;
    while (auto ev = client.receive(30s)) {
        const std::string type(ev->at("type").as_string());
        if (type == "response.output_audio.delta") ++audio_deltas;
        if (type == "response.output_audio_transcript.done")
            transcript = std::string(ev->at("transcript").as_string());
        if (type == "response.done") break;
    }
    EXPECT_GT(audio_deltas, 5u);
    EXPECT_NE(transcript.find("No language model is configured"), std::string::npos) << transcript;
    // What follows "You said:" is what the recognizer heard.
    const auto said = transcript.find("You said:");
    ASSERT_NE(said, std::string::npos) << transcript;
    EXPECT_GT(transcript.size(), said + 12) << transcript;
}

}  // namespace
}  // namespace confab::test
