// UserTurns on a scripted timeline: which frames it sends and what it
// measures from the server's events, with exact times.
#include "loadgen/user_turns.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace confab::bench {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = UserTurns::Clock;
using Ms = UserTurns::Ms;

// 200 ms of silence, 400 ms of a loud square wave, 200 ms of silence.
AudioLibrary one_utterance() {
    std::vector<std::int16_t> pcm(24 * 800, 0);
    for (std::size_t i = 24 * 200; i < 24 * 600; ++i) pcm[i] = (i / 24) % 2 ? 8000 : -8000;
    AudioLibrary audio;
    audio.add_samples("square", pcm);
    return audio;
}

std::string delta_of(Ms length) {  // base64 of silence of `length`
    const auto bytes = static_cast<std::size_t>(length.count() * 48);
    return std::string(bytes / 3 * 4, 'A');
}

struct Harness {
    explicit Harness(bool interrupter = false) : audio(one_utterance()) {
        UserTurns::Settings s;
        s.interrupter = interrupter;
        s.interrupt_min = s.interrupt_max = Ms(300);
        turns.emplace(audio, results, s);
    }
    // Sends frames every 20 ms from `now` while `until` is later; returns how many were speech.
    int send_until(Clock::time_point until) {
        int speech = 0;
        for (; now < until; now += 20ms) {
            speech += &turns->next_frame(now) != &audio.silence_frame() ? 1 : 0;
            turns->frame_sent(now);
        }
        return speech;
    }
    void event(json::object ev, Clock::duration at) { turns->on_event(ev, start + at); }

    AudioLibrary audio;
    BenchResults results;
    std::optional<UserTurns> turns;
    Clock::time_point start = Clock::time_point{} + 1h;
    Clock::time_point now = start;
};

json::object audio_delta(const std::string& response, Ms length) {
    return {{"type", "response.output_audio.delta"},
            {"response_id", response},
            {"delta", delta_of(length)}};
}
json::object done(const std::string& response, const std::string& status) {
    return {{"type", "response.done"}, {"response", {{"id", response}, {"status", status}}}};
}

TEST(UserTurns, MeasuresATurnFromTheEndOfSpeech) {
    Harness h;
    EXPECT_EQ(h.send_until(h.start + 800ms), 40);  // the whole utterance
    // The last voiced frame (560..580 ms) was sent at 580 ms.
    h.event({{"type", "input_audio_buffer.speech_started"}, {"item_id", "item_1"}}, 300ms);
    h.event({{"type", "input_audio_buffer.speech_stopped"}, {"item_id", "item_1"}}, 1180ms);
    h.event({{"type", "conversation.item.input_audio_transcription.completed"},
             {"item_id", "item_1"},
             {"transcript", "hello"}},
            1230ms);
    h.event({{"type", "response.created"}, {"response", {{"id", "resp_1"}}}}, 1231ms);
    h.event(audio_delta("resp_1", Ms(100)), 1480ms);
    h.event(audio_delta("resp_1", Ms(100)), 1600ms);
    h.event(audio_delta("resp_1", Ms(100)), 1900ms);  // due at 1780 ms: 120 ms late
    h.event(done("resp_1", "completed"), 1901ms);
    h.event({{"type", "confab.response.timings"},
             {"response_id", "resp_1"},
             {"status", "completed"},
             {"timings", {{"first_audio_sent_ms", 299.5}, {"llm_first_token_ms", nullptr}}}},
            1902ms);
    EXPECT_EQ(h.send_until(h.start + 2000ms), 0);  // playback ends at 2000 ms
    EXPECT_EQ(h.results.turns_completed, 0);
    h.send_until(h.start + 2100ms);
    EXPECT_EQ(h.results.turns_completed, 1);
    EXPECT_EQ(h.results.turns_failed, 0);
    EXPECT_DOUBLE_EQ(h.results.latency["end_of_speech_to_first_audio_ms"].percentile(50), 900);
    EXPECT_DOUBLE_EQ(h.results.latency["end_of_speech_to_speech_stopped_ms"].percentile(50), 600);
    EXPECT_DOUBLE_EQ(h.results.latency["speech_stopped_to_first_audio_ms"].percentile(50), 300);
    EXPECT_DOUBLE_EQ(h.results.latency["stt_final_ms"].percentile(50), 650);
    EXPECT_EQ(h.results.underruns, 1);
    EXPECT_DOUBLE_EQ(h.results.latency["underrun_lateness_ms"].percentile(50), 120);
    EXPECT_DOUBLE_EQ(h.results.server_timings["first_audio_sent_ms"].percentile(50), 299.5);
    EXPECT_EQ(h.results.server_timings.count("llm_first_token_ms"), 0u);
    // After a 1-2 s pause it speaks again.
    EXPECT_GT(h.send_until(h.start + 4200ms), 0);
    EXPECT_EQ(h.results.turns_started, 2);
}

// A fast reply can begin while the recording's quiet tail is still being
// sent (platforms.wav has over a second of it): it is still this turn's reply,
// and the tail is still sent.
TEST(UserTurns, AReplyStartingDuringTheRecordingsQuietTailIsTheTurnsReply) {
    Harness h;
    EXPECT_EQ(h.send_until(h.start + 600ms), 30);  // speech ends with the frame sent at 580 ms
    h.event({{"type", "input_audio_buffer.speech_started"}, {"item_id", "item_1"}}, 300ms);
    h.event({{"type", "response.created"}, {"response", {{"id", "resp_1"}}}}, 650ms);
    h.event(audio_delta("resp_1", Ms(100)), 700ms);
    h.event(done("resp_1", "completed"), 701ms);
    EXPECT_EQ(h.send_until(h.start + 800ms), 10);  // the rest of the recording
    h.send_until(h.start + 1000ms);
    EXPECT_EQ(h.results.turns_completed, 1);
    EXPECT_EQ(h.results.turns_failed, 0);
    EXPECT_EQ(h.results.stray_audio_deltas, 0);
    EXPECT_DOUBLE_EQ(h.results.latency["end_of_speech_to_first_audio_ms"].percentile(50), 120);
}

// The user speaks the recording; its transcript comes back empty at `at`.
void speak_then_empty_transcript_at(Harness& h, Clock::duration at) {
    h.send_until(h.start + 800ms);
    h.event({{"type", "input_audio_buffer.speech_started"}, {"item_id", "item_1"}}, 300ms);
    h.event({{"type", "conversation.item.input_audio_transcription.completed"},
             {"item_id", "item_1"},
             {"transcript", ""}},
            at);
}

TEST(UserTurns, AnEmptyTranscriptEndsTheTurnWithoutAReply) {
    Harness h;
    speak_then_empty_transcript_at(h, 1200ms);
    h.send_until(h.start + 3100ms);
    EXPECT_EQ(h.results.turns_failed, 0) << "the server may still answer it (a reply it owes)";
    h.send_until(h.start + 3300ms);
    EXPECT_EQ(h.results.turns_failed, 1);
    EXPECT_EQ(h.results.failures["empty_transcript"], 1);
}

TEST(UserTurns, AnEmptyTranscriptTheServerAnswersIsAnAnsweredTurn) {
    Harness h;
    speak_then_empty_transcript_at(h, 1200ms);
    h.event({{"type", "response.created"}, {"response", {{"id", "resp_1"}}}}, 1210ms);
    h.event(audio_delta("resp_1", Ms(100)), 1400ms);
    h.event(done("resp_1", "completed"), 1401ms);
    h.send_until(h.start + 4000ms);
    EXPECT_EQ(h.results.turns_failed, 0);
    EXPECT_EQ(h.results.turns_completed, 1);
}

TEST(UserTurns, AnInterrupterBargesInAndMeasuresTheCancel) {
    Harness h(/*interrupter=*/true);
    h.send_until(h.start + 800ms);
    h.event({{"type", "input_audio_buffer.speech_started"}, {"item_id", "item_1"}}, 300ms);
    h.event({{"type", "response.output_item.added"},
             {"response_id", "resp_1"},
             {"item", {{"id", "item_2"}}}},
            1000ms);
    h.event(audio_delta("resp_1", Ms(1000)), 1000ms);  // plays 1100..2100 ms
    // 300 ms into playback (1400 ms) the user starts speaking again.
    EXPECT_EQ(h.send_until(h.start + 1400ms), 0);
    EXPECT_EQ(h.send_until(h.start + 1800ms), 20);
    EXPECT_EQ(h.results.interrupts, 1);
    // Voice starts 200 ms into the new recording: at 1600 ms.
    h.event(audio_delta("resp_1", Ms(100)), 1650ms);
    h.event({{"type", "input_audio_buffer.speech_started"}, {"item_id", "item_3"}}, 1750ms);
    h.event(done("resp_1", "cancelled"), 1751ms);
    const auto control = h.turns->take_control_events();
    ASSERT_EQ(control.size(), 1u);
    const auto truncate = json::parse(control[0]).as_object();
    EXPECT_EQ(truncate.at("item_id"), "item_2");
    EXPECT_EQ(truncate.at("audio_end_ms").as_int64(), 650);  // heard 1100..1750 ms
    EXPECT_DOUBLE_EQ(h.results.latency["barge_in_to_speech_started_ms"].percentile(50), 150);
    EXPECT_DOUBLE_EQ(h.results.latency["barge_in_to_last_audio_ms"].percentile(50), 50);
    EXPECT_DOUBLE_EQ(h.results.latency["barge_in_to_response_done_ms"].percentile(50), 151);
    EXPECT_EQ(h.results.turns_interrupted, 1);
    EXPECT_EQ(h.results.turns_started, 2);
}

// confab sends the cancelled response.done before speech_started.
TEST(UserTurns, ACancelReportedBeforeSpeechStartedIsMeasuredToo) {
    Harness h(/*interrupter=*/true);
    h.send_until(h.start + 800ms);
    h.event({{"type", "response.output_item.added"},
             {"response_id", "resp_1"},
             {"item", {{"id", "item_2"}}}},
            1000ms);
    h.event(audio_delta("resp_1", Ms(1000)), 1000ms);
    h.send_until(h.start + 1800ms);  // interrupts at 1400 ms, voice from 1600 ms
    h.event(done("resp_1", "cancelled"), 1700ms);
    h.event({{"type", "input_audio_buffer.speech_started"}, {"item_id", "item_3"}}, 1701ms);
    EXPECT_DOUBLE_EQ(h.results.latency["barge_in_to_response_done_ms"].percentile(50), 100);
    EXPECT_DOUBLE_EQ(h.results.latency["barge_in_to_last_audio_ms"].percentile(50), 0);
    EXPECT_DOUBLE_EQ(h.results.latency["barge_in_to_speech_started_ms"].percentile(50), 101);
    EXPECT_EQ(h.turns->take_control_events().size(), 1u);
    EXPECT_EQ(h.results.interrupts_after_done, 0);
}

TEST(UserTurns, ABargeInHeardInTheLeadInIsMeasuredFromTheRecordingStart) {
    Harness h(/*interrupter=*/true);
    h.send_until(h.start + 800ms);
    h.event(audio_delta("resp_1", Ms(1000)), 1000ms);  // plays 1100..2100 ms
    h.event(done("resp_1", "completed"), 1010ms);
    h.send_until(h.start + 1500ms);  // interrupts at 1400 ms; voice would start at 1600 ms
    h.event({{"type", "input_audio_buffer.speech_started"}, {"item_id", "item_3"}}, 1520ms);
    EXPECT_DOUBLE_EQ(h.results.latency["barge_in_to_speech_started_ms"].percentile(50), 120);
    EXPECT_EQ(h.results.interrupts_after_done, 1);
    EXPECT_EQ(h.results.latency.count("barge_in_to_response_done_ms"), 0u);
}

TEST(UserTurns, CountsAResponseStartedWhileTheUserSpeaksThatIsNeverCancelled) {
    Harness h;
    h.send_until(h.start + 300ms);  // still speaking
    h.event({{"type", "input_audio_buffer.speech_stopped"}, {"item_id", "item_1"}}, 300ms);
    h.event({{"type", "response.created"}, {"response", {{"id", "resp_0"}}}}, 300ms);
    h.event(audio_delta("resp_0", Ms(100)), 310ms);
    h.event(done("resp_0", "completed"), 320ms);
    EXPECT_EQ(h.results.split_turns, 1);
    EXPECT_EQ(h.results.premature_responses, 1);
    EXPECT_EQ(h.results.premature_responses_completed, 1);
    EXPECT_EQ(h.results.stray_audio_deltas, 1);
}

TEST(UserTurns, CountsSpeechAudioForTheDutyCycle) {
    Harness h;
    h.send_until(h.start + 1000ms);  // the 800 ms recording, then silence
    EXPECT_NEAR(h.results.speech_audio_s, 0.8, 1e-9);
    EXPECT_NEAR(h.results.voiced_audio_s, 0.4, 1e-9);  // the square wave, 200..600 ms
}

TEST(UserTurns, AUserWhoHangsUpMidReplyAbandonsTheTurn) {
    Harness h;
    h.send_until(h.start + 800ms);
    EXPECT_FALSE(h.turns->reply_heard(h.now).has_value());
    h.event(audio_delta("resp_1", Ms(1000)), 1000ms);  // plays 1100..2100 ms
    h.send_until(h.start + 1400ms);
    const auto heard = h.turns->reply_heard(h.start + 1400ms);
    ASSERT_TRUE(heard.has_value());
    EXPECT_DOUBLE_EQ(heard->count(), 300);
    EXPECT_EQ(h.turns->settled_turns(), 0);
    h.turns->finish(UserTurns::Ending::user_left);
    EXPECT_EQ(h.results.turns_abandoned, 1);
    EXPECT_EQ(h.results.turns_failed, 0);
    ASSERT_EQ(h.results.turn_log.size(), 1u);
    EXPECT_EQ(h.results.turn_log[0].outcome, "abandoned");
}

TEST(UserTurns, SettledTurnsCountsCompletedTurns) {
    Harness h;
    h.send_until(h.start + 800ms);
    h.event(audio_delta("resp_1", Ms(100)), 1000ms);
    h.event(done("resp_1", "completed"), 1001ms);
    h.send_until(h.start + 1300ms);  // played by 1200 ms
    EXPECT_EQ(h.turns->settled_turns(), 1);
    EXPECT_FALSE(h.turns->reply_heard(h.now).has_value());
}

}  // namespace
}  // namespace confab::bench
