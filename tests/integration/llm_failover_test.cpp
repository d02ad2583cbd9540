// Language-model failover on the real binary with real engines and real
// recordings: one of two backends killed mid-conversation costs no turn and
// the survivor gets the whole history; with every backend down the reply
// is the apology, spoken (pocketsphinx reads it back), /readyz says why, and
// the next turn works once a backend is back.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <thread>

#include "engines/stt/pocketsphinx_factory.hpp"
#include "fakes/fake_llm_server.hpp"
#include "support/http_get.hpp"
#include "support/realtime_helpers.hpp"
#include "support/server_process.hpp"
#include "support/test_audio.hpp"
#include "util/wer.hpp"

namespace confab::test {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

const std::vector<std::string> kTurns = {"platforms.wav", "expression.wav", "platforms.wav",
                                         "expression.wav", "platforms.wav"};

std::string decode24k(const std::vector<std::int16_t>& pcm24k) {
    engines::PocketsphinxFactory factory{SttConfig{}};
    auto decoder = factory.create();
    decoder->start_utterance();
    decoder->feed(resample(pcm24k, 24000, 16000));
    std::string text;
    decoder->finish(text);
    return text;
}

struct Turn {
    std::string status;
    std::string transcript;  // what the reply said (output_audio_transcript.done)
    std::string error_code;  // of an `error` event during the turn, if any
    std::vector<std::int16_t> audio;
};

// One spoken turn: the recording, a commit, a response; waits for its end.
Turn speak(WsClient& client, const std::string& file) {
    const auto wav = load_shared_wav(file);
    send_audio(client, resample(wav.samples, wav.sample_rate, 24000));
    client.send({{"type", "input_audio_buffer.commit"}});
    client.send({{"type", "response.create"}});
    Turn turn;
    while (auto ev = client.receive(30s)) {
        const std::string type(ev->at("type").as_string());
        if (type == "error") turn.error_code = std::string(ev->at("error").at("code").as_string());
        if (type == "response.output_audio.delta") append_delta(*ev, turn.audio);
        if (type == "response.output_audio_transcript.done")
            turn.transcript = std::string(ev->at("transcript").as_string());
        if (type == "response.done") {
            turn.status = std::string(ev->at("response").at("status").as_string());
            break;
        }
    }
    return turn;
}

void manual_turns(WsClient& client) {
    client.send({{"type", "session.update"},
                 {"session",
                  {{"type", "realtime"}, {"audio", {{"input", {{"turn_detection", nullptr}}}}}}}});
    ASSERT_TRUE(client.receive_type("session.updated"));
}

std::string write_config(const std::string& text) {
    const std::string path =
        testing::TempDir() + "confab_failover_" + std::to_string(::getpid()) + ".toml";
    std::ofstream(path) << text;
    return path;
}

TEST(LlmFailover, ABackendKilledMidConversationCostsNoTurn) {
    auto a = std::make_unique<FakeLlmServer>();
    FakeLlmServer b;
    const std::string config = write_config(
        "[llm]\nmodel = \"test-model\"\nfailover_after_ms = 1000\nbreaker_failures = 2\n"
        "breaker_cooldown_ms = 60000\n"
        "[[llm.backends]]\nname = \"a\"\nbase_url = \"" +
        a->url() +
        "\"\n"
        "[[llm.backends]]\nname = \"b\"\nbase_url = \"" +
        b.url() + "\"\n");
    ServerProcess server(with_fast_upload({"--config", config, "--stt-workers", "1"}));
    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive());
    manual_turns(client);

    std::size_t answered_by_a = 0;
    for (std::size_t i = 0; i < kTurns.size(); ++i) {
        if (i == 2) {
            answered_by_a = a->request_count();
            a.reset();  // killed: its port now refuses
        }
        const Turn turn = speak(client, kTurns[i]);
        EXPECT_EQ(turn.status, "completed") << "turn " << i << ": " << turn.error_code;
        EXPECT_TRUE(turn.error_code.empty()) << "turn " << i << ": " << turn.error_code;
        EXPECT_EQ(turn.transcript, "Hello from the fake model.") << "turn " << i;
        EXPECT_GT(turn.audio.size(), 12000u) << "turn " << i;
    }
    // Both served before the kill (the least loaded, then the faster one).
    EXPECT_EQ(answered_by_a + b.request_count(), kTurns.size());
    EXPECT_GE(b.request_count(), kTurns.size() - 2);
    // The survivor's last request carried the whole conversation: every user
    // turn and every reply, whichever backend answered it.
    const auto body = json::parse(b.requests().back().body).as_object();
    const auto& messages = body.at("messages").as_array();
    // The instructions, every user turn, every reply but the one asked for.
    EXPECT_EQ(messages.size(), 2 * kTurns.size()) << json::serialize(body);

    const HttpReply ready = http_get(server.port(), "/readyz");
    EXPECT_EQ(ready.status, 200) << ready.body;  // b still serves
    const HttpReply metrics = http_get(server.port(), "/metrics");
    EXPECT_NE(metrics.body.find(
                  R"(confab_backend_requests_total{engine="llm",backend="b",outcome="ok"})"),
              std::string::npos);
    std::remove(config.c_str());
}

TEST(LlmFailover, WithEveryBackendDownTheApologyIsHeardAndTheNextTurnWorks) {
    auto llm = std::make_unique<FakeLlmServer>();
    const unsigned short port = llm->port();
    ServerProcess server(with_fast_upload(
        {"--llm-base-url", llm->url(), "--llm-model", "test-model", "--stt-workers", "1",
         "--llm-breaker-failures", "1", "--llm-breaker-cooldown-ms", "4000",
         "--llm-connect-timeout-ms", "1000"}));
    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive());
    manual_turns(client);
    ASSERT_EQ(speak(client, "platforms.wav").status, "completed");

    llm.reset();
    const Turn down = speak(client, "expression.wav");
    // The breaker is open for its cool-down (4 s; the apology takes about
    // one to synthesise): /readyz says which engine cannot serve and why.
    const HttpReply unready = http_get(server.port(), "/readyz");
    EXPECT_EQ(unready.status, 503);
    EXPECT_NE(unready.body.find("no llm backend is usable"), std::string::npos) << unready.body;
    EXPECT_EQ(down.error_code, "llm_backend_unavailable");
    EXPECT_EQ(down.status, "failed");
    const std::string apology =
        "Sorry, I can't reach my language model right now. Please try again in a moment.";
    EXPECT_EQ(down.transcript, apology);
    ASSERT_GT(down.audio.size(), 24000u);
    const std::string heard = decode24k(down.audio);
    const double wer = word_error_rate(
        "sorry i can't reach my language model right now please "
        "try again in a moment",
        heard);
    std::printf("apology decoded (WER %.3f): %s\n", wer, heard.c_str());
    EXPECT_LE(wer, 0.4) << heard;
    for (const char* word : {"sorry", "reach", "language", "try"})
        EXPECT_NE(heard.find(word), std::string::npos) << word << " not in: " << heard;

    // Back on the same port; after the cool-down one turn probes it.
    FakeLlmServer::Options same_port;
    same_port.port = port;
    FakeLlmServer back(same_port);
    // /readyz is ready again once the cool-down lets a probe through.
    const auto give_up = std::chrono::steady_clock::now() + 10s;
    while (http_get(server.port(), "/readyz").status != 200 &&
           std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_EQ(http_get(server.port(), "/readyz").status, 200);
    const Turn again = speak(client, "platforms.wav");
    EXPECT_EQ(again.status, "completed") << again.error_code;
    EXPECT_EQ(again.transcript, "Hello from the fake model.");
    ASSERT_EQ(back.request_count(), 1u);
}

}  // namespace
}  // namespace confab::test
