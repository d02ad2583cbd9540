// session.update while the user speaks (the browser page sends one whenever
// its settings are saved): the turn in progress keeps the settings it began
// with, the next turn has the new ones, and the VAD (with its noise floor)
// is rebuilt only when its threshold changes.
#include <gtest/gtest.h>

#include <cmath>

#include "pipeline/speech_input.hpp"
#include "pipeline_harness.hpp"

namespace confab::test {
namespace {

std::string update(int silence_ms, double threshold = 0.5) {
    return R"({"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":{"type":"server_vad","create_response":false,"threshold":)" +
           std::to_string(threshold) + R"(,"silence_duration_ms":)" + std::to_string(silence_ms) +
           R"(,"prefix_padding_ms":300}}}}})";
}

class TurnSettingsTest : public ::testing::Test, public PipelineHarness {
protected:
    // No interval partials: the pause is judged by the pause's hypothesis only.
    TurnSettingsTest() : PipelineHarness(60000) {
        engines.make_vad = [this](double) {
            ++vads_made;
            return std::make_unique<FakeVad>();
        };
    }
    void SetUp() override {
        open();
        session->handle_text(update(500));
    }
    // Sends silence in 20 ms steps until the turn ends; returns how much was
    // sent, or -1 if 3 s did not end it.
    int silence_until_turn_ends() {
        const auto before = sink.count("input_audio_buffer.speech_stopped");
        int sent = 0;
        while (sink.count("input_audio_buffer.speech_stopped") == before && sent < 3000) {
            send_audio(20, false);
            sent += 20;
        }
        return sink.count("input_audio_buffer.speech_stopped") > before ? sent : -1;
    }
    int vads_made = 0;
};

TEST_F(TurnSettingsTest, AnUpdateDuringATurnAppliesFromTheNextTurn) {
    stt_factory->script("i want tea");
    stt_factory->script("i want tea");
    send_audio(400, false);
    send_audio(800, true);
    ASSERT_TRUE(saw("input_audio_buffer.speech_started"));
    session->handle_text(update(1000));
    ASSERT_TRUE(saw("session.updated"));
    // This turn ends after the pause it began with...
    const int first = silence_until_turn_ends();
    EXPECT_GE(first, 480);
    EXPECT_LE(first, 560);
    // ...and the next one after the pause asked for during it.
    send_audio(800, true);
    const int second = silence_until_turn_ends();
    EXPECT_GE(second, 980);
    EXPECT_LE(second, 1060);
}

TEST_F(TurnSettingsTest, TheVadIsRebuiltOnlyWhenItsThresholdChangesAndNeverMidTurn) {
    const int initial = vads_made;
    session->handle_text(update(700));  // same threshold, between turns
    EXPECT_EQ(vads_made, initial) << "an update that keeps the threshold rebuilt the VAD";
    send_audio(400, false);
    send_audio(800, true);
    ASSERT_TRUE(saw("input_audio_buffer.speech_started"));
    session->handle_text(update(700, 0.6));  // a new threshold, mid-turn
    EXPECT_EQ(vads_made, initial) << "the VAD was replaced while the user spoke";
    ASSERT_GT(silence_until_turn_ends(), 0);
    send_audio(40, false);  // the next frame, with the detector quiet, applies it
    EXPECT_EQ(vads_made, initial + 1);
    session->handle_text(update(600, 0.6));  // the threshold in force: the VAD stays
    send_audio(40, false);
    EXPECT_EQ(vads_made, initial + 1) << "an update that keeps the threshold rebuilt the VAD";
}

// A turn's recognizer stream holds a bounded backlog (max_utterance_ms +
// 2 s). In a session the input buffer's own bound keeps a turn under it, so
// this drives speech input directly: with every STT worker busy with other
// sessions' turns, a prefix padding longer than the bound overflows the
// stream at once. The refused audio is said (once per turn, and a counted
// drop), not lost without a trace.
class DroppedAudioTest : public ::testing::Test,
                         public PipelineHarness,
                         public pipeline::SpeechInput::Listener {
protected:
    void SetUp() override {
        engines.metrics = &metrics;
        for (int i = 0; i < 2; ++i) {  // other sessions' turns occupy both STT workers
            auto stream = std::make_shared<pool::SttStream>(ioc.get_executor(),
                                                            pool::SttStream::Callbacks{}, 1u << 20);
            ASSERT_TRUE(stt->submit("other_" + std::to_string(i), stream));
            busy.push_back(std::move(stream));
        }
        input = std::make_unique<pipeline::SpeechInput>(ioc.get_executor(), engines, *this,
                                                        "sess_drop", 1000);
        pipeline::TurnDetector::Params params;
        params.prefix_padding_ms = 3000;  // 3100 ms of prefix > the 3000 ms the stream holds
        input->configure(params);
    }
    void TearDown() override {
        input.reset();
        for (auto& s : busy) s->cancel();
    }
    // 20 ms pushes of 24 kHz audio: a tone (speech) or zeros.
    void push(int ms, bool speech) {
        for (int t = 0; t < ms; t += 20) {
            input->push(chunk_20ms(speech, pushed));
            pushed += 480;
        }
    }

    void on_speech_started(pipeline::UserTurn&) override { ++started; }
    void on_speech_stopped(std::shared_ptr<pipeline::UserTurn> turn) override {
        ended.push_back(std::move(turn));
    }
    void on_transcript_partial(pipeline::UserTurn&, const std::string&) override {}
    void on_transcript_final(pipeline::UserTurn&, const std::string&) override {}
    void on_transcript_failed(pipeline::UserTurn&, const std::string&) override {}
    void on_audio_dropped(pipeline::UserTurn& turn, int ms) override {
        dropped.emplace_back(turn.item_id(), ms);
    }

    metrics::Metrics metrics;
    std::vector<std::shared_ptr<pool::SttStream>> busy;
    std::unique_ptr<pipeline::SpeechInput> input;
    std::size_t pushed = 0;  // samples pushed so far
    int started = 0;
    std::vector<std::shared_ptr<pipeline::UserTurn>> ended;
    std::vector<std::pair<std::string, int>> dropped;
};

TEST_F(DroppedAudioTest, AudioTheRecognizerRefusesIsReportedOncePerTurn) {
    push(3400, false);
    push(600, true);
    ASSERT_EQ(started, 1);
    ASSERT_EQ(dropped.size(), 1u) << "the refused prefix was not reported (or not once)";
    EXPECT_GE(dropped[0].second, 3000);
    EXPECT_GT(metrics.drops("stt_stream_full").value(), 0u);
    push(600, false);  // the turn ends; its stream goes on with what it took
    ASSERT_EQ(ended.size(), 1u);
    EXPECT_EQ(ended[0]->item_id(), dropped[0].first);
    EXPECT_EQ(ended[0]->dropped_ms, dropped[0].second);
}

}  // namespace
}  // namespace confab::test
