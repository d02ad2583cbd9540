// session.update while the user speaks (the browser page sends one whenever
// its settings are saved): the turn in progress keeps the settings it began
// with, the next turn has the new ones, and the VAD (with its noise floor)
// is rebuilt only when its threshold changes.
#include <gtest/gtest.h>

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

// A turn's recognizer stream holds a bounded backlog (the input buffer's
// bound + 2 s). The input buffer's own bound keeps a turn under it, except
// when the client commits the buffer while the turn goes on: with every STT
// worker busy with other sessions' turns and a long prefix padding, the
// stream then overflows. The refused audio is said (an error event, once
// per turn, and a counted drop), not lost without a trace.
class DroppedAudioTest : public ::testing::Test, public PipelineHarness {
protected:
    void SetUp() override {
        config.limits.max_input_audio_ms = 4000;  // the stream holds 4000 + 2000 ms
        engines.metrics = &metrics;
        open();
        session->handle_text(
            R"({"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":{"type":"server_vad","create_response":false,"silence_duration_ms":500,"prefix_padding_ms":3000}}}}})");
        // Other sessions' turns occupy both STT workers.
        for (int i = 0; i < 2; ++i) {
            auto stream = std::make_shared<pool::SttStream>(ioc.get_executor(),
                                                            pool::SttStream::Callbacks{}, 1u << 20);
            ASSERT_TRUE(stt->submit("other_" + std::to_string(i), stream));
            busy.push_back(std::move(stream));
        }
    }
    void TearDown() override {
        for (auto& s : busy) s->cancel();
    }
    metrics::Metrics metrics;
    std::vector<std::shared_ptr<pool::SttStream>> busy;
};

TEST_F(DroppedAudioTest, AudioTheRecognizerRefusesIsReportedOncePerTurn) {
    send_audio(3400, false);
    send_audio(600, true);
    ASSERT_TRUE(saw("input_audio_buffer.speech_started"));
    session->handle_text(R"({"type":"input_audio_buffer.commit"})");
    ASSERT_TRUE(saw("input_audio_buffer.committed"));
    send_audio(2600, true);  // 3100 ms of prefix + 3200 ms of speech > 6000 ms
    EXPECT_FALSE(saw("input_audio_buffer.speech_stopped"));
    std::size_t dropped = 0;
    for (const auto& e : sink.sent) {
        if (e.event.at("type").as_string() != "error") continue;
        if (e.event.at("error").at("code").as_string() == "input_audio_dropped") ++dropped;
    }
    EXPECT_EQ(dropped, 1u);
    EXPECT_GT(metrics.drops("stt_stream_full").value(), 0u);
}

}  // namespace
}  // namespace confab::test
