// The session's audio formats with fake engines: a spoken turn sent as
// G.711, a reply sent as G.711, and what a change of format may do while a
// reply is producing audio.
#include <gtest/gtest.h>

#include "audio/g711.hpp"
#include "pipeline_harness.hpp"
#include "support/test_audio.hpp"
#include "util/base64.hpp"

namespace confab::test {
namespace {
namespace json = boost::json;

class AudioFormatTest : public ::testing::Test, public PipelineHarness {
protected:
    void update(const json::object& audio) {
        session->handle_text(json::serialize(json::object{
            {"type", "session.update"}, {"session", {{"type", "realtime"}, {"audio", audio}}}}));
    }
    void ask(const std::string& text) {
        session->handle_text(json::serialize(
            json::object{{"type", "conversation.item.create"}, {"item", text_item(text)}}));
        session->handle_text(R"({"type":"response.create"})");
    }
    // Sends `ms` of 8 kHz mu-law in 20 ms appends: a 220 Hz tone or silence.
    void send_ulaw(int ms, bool speech) {
        for (int t = 0; t < ms; t += 20) {
            std::vector<std::int16_t> pcm(160);
            for (std::size_t i = 0; i < pcm.size(); ++i)
                pcm[i] = speech ? static_cast<std::int16_t>(
                                      6000 * std::sin(2 * M_PI * 220.0 *
                                                      static_cast<double>(ulaw_sent_ + i) / 8000))
                                : 0;
            ulaw_sent_ += pcm.size();
            std::vector<std::byte> codes;
            audio::g711::encode(audio::g711::Law::mu, pcm, codes);
            const auto* raw = reinterpret_cast<const std::uint8_t*>(codes.data());
            session->handle(protocol::InputAudioAppend{"", {raw, raw + codes.size()}});
            ioc.restart();
            ioc.poll();
        }
    }
    // The reply audio of `response_id`, decoded from the wire as `law`.
    std::vector<std::int16_t> reply_audio(const std::string& response_id, audio::g711::Law law) {
        std::vector<std::int16_t> pcm;
        for (const auto& s : sink.sent) {
            if (s.event.at("type").as_string() != "response.output_audio.delta" ||
                s.response_id != response_id)
                continue;
            const auto bytes = base64::decode(s.event.at("delta").as_string());
            EXPECT_TRUE(bytes);
            if (bytes) audio::g711::decode(law, std::as_bytes(std::span(*bytes)), pcm);
        }
        return pcm;
    }
    std::string last_response_id() const {
        return std::string(sink.last_of("response.done").at("response").at("id").as_string());
    }
    const json::object& last_error() const { return sink.last_of("error").at("error").as_object(); }

    std::size_t ulaw_sent_ = 0;
};

TEST_F(AudioFormatTest, ASpokenTurnInUlawIsDetectedWhereItWasSaid) {
    open();
    update({{"input", {{"format", {{"type", "audio/pcmu"}}}}}});
    stt_factory->script("hello there");
    sink.clear();
    send_ulaw(200, false);
    send_ulaw(1200, true);
    ASSERT_TRUE(
        run_until([&] { return saw("conversation.item.input_audio_transcription.delta"); }));
    send_ulaw(1000, false);
    ASSERT_TRUE(run_until([&] { return saw("response.done"); })) << json::serialize(sink.last());
    // Stream positions as with PCM (voice_loop_test): 8 kHz -> 24 kHz -> 16 kHz adds only the
    // resamplers' delay.
    EXPECT_NEAR(sink.last_of("input_audio_buffer.speech_started").at("audio_start_ms").as_int64(),
                200, 60);
    EXPECT_NEAR(sink.last_of("input_audio_buffer.speech_stopped").at("audio_end_ms").as_int64(),
                1400, 60);
    EXPECT_EQ(sink.last_of("conversation.item.input_audio_transcription.completed")
                  .at("transcript")
                  .as_string(),
              "hello there");
}

TEST_F(AudioFormatTest, AReplyInUlawCarriesTheSynthesisedTone) {
    open();
    update({{"output", {{"format", {{"type", "audio/pcmu"}}}}}});
    sink.clear();
    ask("hi");
    ASSERT_TRUE(run_until([&] { return saw("response.done"); }));
    const auto& created = sink.last_of("response.created").at("response");
    EXPECT_EQ(created.at("audio").at("output").at("format").at("type").as_string(), "audio/pcmu");
    const auto pcm = reply_audio(last_response_id(), audio::g711::Law::mu);
    // The item's length is counted in the server's 24 kHz samples; the wire
    // carries one byte per 8 kHz sample of the same audio.
    const auto audio_ms = session->conversation().items().back().content[0].audio_ms;
    EXPECT_GT(audio_ms, 1000);
    EXPECT_NEAR(static_cast<double>(pcm.size()), audio_ms * 8.0, 8.0 * 2);
    // The fake synthesiser's 440 Hz tone at amplitude 3000 survives the trip.
    const auto steady = std::span(pcm).subspan(800, 4000);
    EXPECT_NEAR(tone_frequency(steady, 8000), 440.0, 2.0);
    EXPECT_NEAR(rms(steady), 3000 / std::sqrt(2.0), 100);
}

// A response's format is fixed when it is created: a change while an audio
// reply is in flight is refused (its deltas would not be in the format the
// client was told); once it is done, the change applies to the next reply.
TEST_F(AudioFormatTest, TheOutputFormatCannotChangeWhileAReplyProducesAudio) {
    open();
    synthesizer->per_chunk_delay = std::chrono::milliseconds(1);
    ask("hi");
    sink.clear();
    update({{"output", {{"format", {{"type", "audio/pcma"}}}}}});
    EXPECT_EQ(last_error().at("code").as_string(), "invalid_value");
    EXPECT_EQ(last_error().at("param").as_string(), "session.audio.output.format");
    ASSERT_TRUE(run_until([&] { return saw("response.output_audio.delta"); }));
    sink.clear();
    update({{"output", {{"format", {{"type", "audio/pcma"}}}}}});
    EXPECT_EQ(last_error().at("param").as_string(), "session.audio.output.format");
    EXPECT_EQ(session->config().output_format, audio::AudioFormat::pcm16_24k);
    // The input format is not tied to the reply: it may change now.
    update({{"input", {{"format", {{"type", "audio/pcma"}}}}}});
    EXPECT_EQ(sink.types().back(), "session.updated");
    EXPECT_EQ(session->config().input_format, audio::AudioFormat::pcma);

    ASSERT_TRUE(run_until([&] { return saw("response.done"); }));
    update({{"output", {{"format", {{"type", "audio/pcma"}}}}}});
    ASSERT_EQ(sink.types().back(), "session.updated");
    sink.clear();
    ask("again");
    ASSERT_TRUE(run_until([&] { return saw("response.done"); }));
    const auto pcm = reply_audio(last_response_id(), audio::g711::Law::a);
    ASSERT_GT(pcm.size(), 4800u);
    EXPECT_NEAR(tone_frequency(std::span(pcm).subspan(800, 4000), 8000), 440.0, 2.0);
}

// A text reply has no audio: the output format may change while it streams.
TEST_F(AudioFormatTest, ATextReplyDoesNotHoldTheOutputFormat) {
    open();
    session->handle_text(
        R"({"type":"session.update","session":{"type":"realtime","output_modalities":["text"]}})");
    ask("hi");
    sink.clear();
    update({{"output", {{"format", {{"type", "audio/pcmu"}}}}}});
    EXPECT_EQ(sink.types().back(), "session.updated");
    ASSERT_TRUE(run_until([&] { return saw("response.done"); }));
}

}  // namespace
}  // namespace confab::test
