// semantic_vad through a session: the eagerness sets how long a pause after
// an unfinished thought ends the turn (the Realtime API's maximum waits,
// 2 s, 4 s, 8 s), the session object echoes it as set, and switching between
// server_vad and semantic_vad during a turn applies from the next turn.
// Pauses are counted in stream time (20 ms frames), not read from a clock.
#include <gtest/gtest.h>

#include "pipeline_harness.hpp"

namespace confab::test {
namespace {

std::string semantic_update(const std::string& eagerness) {
    return R"({"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":{"type":"semantic_vad","create_response":false,"eagerness":")" +
           eagerness + R"("}}}}})";
}

class SemanticVadTest : public ::testing::Test, public PipelineHarness {
protected:
    void SetUp() override {
        // The turns here send up to 28 s of audio at once, far ahead of real time.
        config.limits.input_audio_lead_ms = 60000;
        open();
    }
    // Speaks `transcript` (it ends on "and": an unfinished thought) and
    // waits until the turn detector has all of its words.
    void speak_unfinished(const std::string& transcript) {
        stt_factory->script(transcript);
        send_audio(400, false);
        send_audio(1000, true);
        ASSERT_TRUE(run_until([&] { return partial() == transcript; })) << partial();
    }
    // The partial transcript of the latest turn, from its deltas.
    std::string partial() const {
        const auto started = sink.count("input_audio_buffer.speech_started");
        if (started == 0) return {};
        const auto& item_id = sink.last_of("input_audio_buffer.speech_started").at("item_id");
        std::string text;
        for (const auto& s : sink.sent)
            if (s.event.at("type").as_string() ==
                    "conversation.item.input_audio_transcription.delta" &&
                s.event.at("item_id") == item_id)
                text += s.event.at("delta").as_string().c_str();
        return text;
    }
    // Sends silence in 20 ms steps until the turn ends; returns how much was
    // sent, or -1 if 10 s did not end it.
    int silence_until_turn_ends() {
        const auto before = sink.count("input_audio_buffer.speech_stopped");
        int sent = 0;
        while (sink.count("input_audio_buffer.speech_stopped") == before && sent < 10000) {
            send_audio(20, false);
            sent += 20;
        }
        return sink.count("input_audio_buffer.speech_stopped") > before ? sent : -1;
    }
};

TEST_F(SemanticVadTest, EagernessSetsTheWaitAfterAnUnfinishedThought) {
    for (const auto& [eagerness, wait] : std::vector<std::pair<std::string, int>>{
             {"high", 2000}, {"medium", 4000}, {"low", 8000}}) {
        session->handle_text(semantic_update(eagerness));
        ASSERT_EQ(sink.last().at("type").as_string(), "session.updated");
        speak_unfinished("i want tea and");
        const int waited = silence_until_turn_ends();
        EXPECT_GE(waited, wait - 20) << eagerness;
        EXPECT_LE(waited, wait + 60) << eagerness;
    }
}

TEST_F(SemanticVadTest, AutoIsMediumAndIsEchoedAsAuto) {
    session->handle_text(semantic_update("auto"));
    const auto& td =
        sink.last().at("session").at("audio").at("input").at("turn_detection").as_object();
    EXPECT_EQ(td.at("type").as_string(), "semantic_vad");
    EXPECT_EQ(td.at("eagerness").as_string(), "auto");
    EXPECT_FALSE(td.contains("silence_duration_ms"));
    speak_unfinished("so i was thinking and");
    const int waited = silence_until_turn_ends();
    EXPECT_GE(waited, 3980);
    EXPECT_LE(waited, 4060);
}

// A finished sentence ends as soon as the eagerness says (high: 200 ms).
TEST_F(SemanticVadTest, AFinishedSentenceEndsSooner) {
    session->handle_text(semantic_update("high"));
    stt_factory->script("okay thanks");
    send_audio(400, false);
    send_audio(600, true);
    ASSERT_TRUE(run_until([&] { return partial() == "okay thanks"; })) << partial();
    const int waited = silence_until_turn_ends();
    EXPECT_GE(waited, 180);
    EXPECT_LE(waited, 260);
}

// The configure-mid-turn rule: the turn in progress keeps its settings.
TEST_F(SemanticVadTest, SwitchingTypesDuringATurnAppliesFromTheNextTurn) {
    session->handle_text(
        R"({"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":{"type":"server_vad","create_response":false}}}}})");
    speak_unfinished("i want tea and");
    session->handle_text(semantic_update("high"));
    ASSERT_EQ(sink.last().at("type").as_string(), "session.updated");
    // server_vad's rule for "and": 500 ms x1.8.
    int waited = silence_until_turn_ends();
    EXPECT_GE(waited, 880);
    EXPECT_LE(waited, 960);
    speak_unfinished("i want coffee and");
    waited = silence_until_turn_ends();
    EXPECT_GE(waited, 1980);
    EXPECT_LE(waited, 2060);
    // And back: server_vad again from the next turn.
    speak_unfinished("i want cake and");
    session->handle_text(
        R"({"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":{"type":"server_vad","create_response":false}}}}})");
    waited = silence_until_turn_ends();
    EXPECT_GE(waited, 1980);
    EXPECT_LE(waited, 2060);
    speak_unfinished("i want juice and");
    waited = silence_until_turn_ends();
    EXPECT_GE(waited, 880);
    EXPECT_LE(waited, 960);
}

}  // namespace
}  // namespace confab::test
