// The session's input format: G.711 appends become 24 kHz audio in the
// buffer, charged by their wire duration; the format may change at any time
// without losing what was appended.
#include "audio/g711.hpp"
#include "realtime_session_fixture.hpp"
#include "support/test_audio.hpp"

namespace confab::session {
namespace {

class RealtimeSessionAudioFormatTest : public RealtimeSessionTest {
protected:
    void set_input(const char* type) {
        sink.clear();
        send({{"type", "session.update"},
              {"session",
               {{"type", "realtime"}, {"audio", {{"input", {{"format", {{"type", type}}}}}}}}}});
        ASSERT_EQ(sink.types(), std::vector<std::string>{"session.updated"})
            << json::serialize(sink.last());
    }
    // `ms` of a 300 Hz tone at 8 kHz, mu-law, base64.
    static std::string ulaw_base64(int ms) {
        const auto tone = test::sine(8000, 300.0, ms / 1000.0, 8000.0);
        std::vector<std::byte> codes;
        audio::g711::encode(audio::g711::Law::mu, tone, codes);
        const auto* raw = reinterpret_cast<const std::uint8_t*>(codes.data());
        return base64::encode(std::span(raw, codes.size()));
    }
    void append(const std::string& audio, const std::string& event_id = "") {
        json::object ev{{"type", "input_audio_buffer.append"}, {"audio", audio}};
        if (!event_id.empty()) ev["event_id"] = event_id;
        send(ev);
    }
};

TEST_F(RealtimeSessionAudioFormatTest, SessionUpdatedShowsTheNewFormat) {
    set_input("audio/pcmu");
    EXPECT_EQ(session->config().input_format, audio::AudioFormat::pcmu);
    const auto& format = sink.last().at("session").at("audio").at("input").at("format");
    EXPECT_EQ(format.at("type").as_string(), "audio/pcmu");
    EXPECT_FALSE(format.as_object().contains("rate"));
}

TEST_F(RealtimeSessionAudioFormatTest, UlawAppendsAreDecodedTo24kHz) {
    set_input("audio/pcmu");
    sink.clear();
    for (int i = 0; i < 10; ++i) append(ulaw_base64(20));  // 200 ms in 20 ms appends
    EXPECT_TRUE(sink.sent.empty());
    // The resampler holds back its latest blocks (under 80 ms) until more comes.
    EXPECT_LE(session->input_audio().size(), 4800u);
    EXPECT_GE(session->input_audio().size(), 4800u - 24 * 80);
    const auto& samples = session->input_audio().samples();
    EXPECT_NEAR(test::tone_frequency(samples, 24000), 300.0, 2.0);
    EXPECT_NEAR(test::rms(std::span(samples).subspan(1200, 2400)), 8000 / std::sqrt(2.0), 200);
    // A commit takes the held-back end too: the item is as long as what was sent.
    send({{"type", "input_audio_buffer.commit"}});
    ASSERT_EQ(sink.types().front(), "input_audio_buffer.committed");
    const auto& item = session->conversation().items().back();
    ASSERT_EQ(item.content.size(), 1u);
    EXPECT_EQ(item.content[0].audio_ms, 200);
}

// G.711 has one byte per sample: every count is whole. Base64 is still checked.
TEST_F(RealtimeSessionAudioFormatTest, G711TakesAnyByteCountButStillNeedsBase64) {
    set_input("audio/pcma");
    sink.clear();
    append(base64::encode(std::vector<std::uint8_t>{0xD5, 0xD5, 0xD5}));
    EXPECT_TRUE(sink.sent.empty());
    append("not base64!", "b64");
    expect_error("invalid_base64", "audio", "b64");
}

// 800 bytes of G.711 are 100 ms, not the 16 ms they would be as PCM16.
TEST_F(RealtimeSessionAudioFormatTest, G711ChunksCountTheirWireDuration) {
    set_input("audio/pcmu");
    for (int i = 0; i < 10; ++i) append(ulaw_base64(100));  // 1000 ms: the limit
    sink.clear();
    append(ulaw_base64(100), "over");
    expect_error("input_audio_buffer_full", "audio", "over");
    EXPECT_NE(
        std::string(sink.last().at("error").at("message").as_string()).find("appending 100 ms"),
        std::string::npos)
        << json::serialize(sink.last());
}

// Switching formats mid-stream: what was appended stays whole (the decoder's
// held-back end is delivered first), then the new format is read as it is.
TEST_F(RealtimeSessionAudioFormatTest, TheInputFormatMayChangeMidStream) {
    set_input("audio/pcmu");
    append(ulaw_base64(100));
    EXPECT_LT(session->input_audio().size(), 2400u);
    set_input("audio/pcm");
    EXPECT_NEAR(static_cast<double>(session->input_audio().size()), 2400.0, 3.0);
    const auto before = session->input_audio().size();
    append(pcm_base64(480, -7));
    ASSERT_EQ(session->input_audio().size(), before + 480);
    EXPECT_EQ(session->input_audio().samples().back(), -7);
    // PCM16 keeps its even-byte rule.
    append(base64::encode(std::vector<std::uint8_t>{1, 2, 3}));
    expect_error("invalid_audio", "audio");
}

// A cleared buffer leaves nothing of its audio in the decoder.
TEST_F(RealtimeSessionAudioFormatTest, ClearDropsWhatTheDecoderHeldBack) {
    set_input("audio/pcmu");
    append(ulaw_base64(100));
    send({{"type", "input_audio_buffer.clear"}});
    EXPECT_EQ(session->input_audio().size(), 0u);
    set_input("audio/pcm");  // would deliver a held-back end, if any were left
    EXPECT_EQ(session->input_audio().size(), 0u);
}

// Without an audio response in flight, the output format changes at once.
TEST_F(RealtimeSessionAudioFormatTest, TheOutputFormatChangesBetweenResponses) {
    sink.clear();
    send({{"type", "session.update"},
          {"session",
           {{"type", "realtime"},
            {"audio", {{"output", {{"format", {{"type", "audio/pcma"}, {"rate", 8000}}}}}}}}}});
    ASSERT_EQ(sink.types(), std::vector<std::string>{"session.updated"});
    EXPECT_EQ(session->config().output_format, audio::AudioFormat::pcma);
    EXPECT_EQ(sink.last().at("session").at("audio").at("output").at("format").at("type"),
              "audio/pcma");
}

}  // namespace
}  // namespace confab::session
