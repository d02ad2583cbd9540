// audio.input.format and audio.output.format in session.update, their echo
// in the session object, and the response object's format.
#include "protocol/audio_format_codec.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "protocol/response_events.hpp"
#include "protocol/session_config_codec.hpp"

namespace confab::protocol {
namespace {
namespace json = boost::json;

struct Update {
    SessionConfig config;
    std::optional<ProtocolError> error;
};

// Applies audio.<direction>.format = `format` to `config`.
Update update(const char* direction, json::value format, SessionConfig config = {}) {
    const json::object session{{"type", "realtime"},
                               {"audio", {{direction, {{"format", std::move(format)}}}}}};
    SessionConstraints constraints;
    constraints.voices = {"slt"};
    auto error = apply_session_update(session, constraints, "ev", config);
    return {config, error};
}

TEST(AudioFormatCodec, AcceptsG711WithoutARateOrWith8000) {
    for (const char* direction : {"input", "output"}) {
        const auto u = update(direction, json::object{{"type", "audio/pcmu"}});
        ASSERT_FALSE(u.error) << u.error->message;
        const auto a = update(direction, json::object{{"type", "audio/pcma"}, {"rate", 8000}});
        ASSERT_FALSE(a.error) << a.error->message;
        const bool input = std::string_view(direction) == "input";
        EXPECT_EQ(input ? u.config.input_format : u.config.output_format, AudioFormat::pcmu);
        EXPECT_EQ(input ? a.config.input_format : a.config.output_format, AudioFormat::pcma);
        // The other direction is left as it was.
        EXPECT_EQ(input ? u.config.output_format : u.config.input_format, AudioFormat::pcm16_24k);
    }
}

TEST(AudioFormatCodec, EchoesEachDirectionsFormat) {
    SessionConfig config;
    config.input_format = AudioFormat::pcmu;
    config.output_format = AudioFormat::pcma;
    const auto s = session_to_json(config, "sess_1");
    const auto& in = s.at("audio").at("input").at("format").as_object();
    const auto& out = s.at("audio").at("output").at("format").as_object();
    EXPECT_EQ(json::serialize(in), R"({"type":"audio/pcmu"})");
    EXPECT_EQ(json::serialize(out), R"({"type":"audio/pcma"})");
    EXPECT_EQ(json::serialize(audio_format_json(AudioFormat::pcm16_24k)),
              R"({"type":"audio/pcm","rate":24000})");
}

TEST(AudioFormatCodec, RefusesOtherRatesAndTypesNamingTheField) {
    const auto pcmu = update("input", json::object{{"type", "audio/pcmu"}, {"rate", 16000}});
    ASSERT_TRUE(pcmu.error);
    EXPECT_EQ(pcmu.error->code, "invalid_value");
    EXPECT_EQ(pcmu.error->param, "session.audio.input.format.rate");
    EXPECT_EQ(pcmu.error->message, "Unsupported rate 16000: audio/pcmu is 8000 Hz.");
    EXPECT_EQ(pcmu.config.input_format, AudioFormat::pcm16_24k);  // nothing changed

    const auto pcm = update("output", json::object{{"type", "audio/pcm"}, {"rate", 8000}});
    ASSERT_TRUE(pcm.error);
    EXPECT_EQ(pcm.error->param, "session.audio.output.format.rate");
    EXPECT_EQ(pcm.error->message, "Unsupported rate 8000: audio/pcm is 24000 Hz.");

    const auto g729 = update("output", json::object{{"type", "audio/g729"}});
    ASSERT_TRUE(g729.error);
    EXPECT_EQ(g729.error->code, "invalid_value");
    EXPECT_EQ(g729.error->param, "session.audio.output.format.type");
    EXPECT_NE(g729.error->message.find("'audio/pcmu'"), std::string::npos);

    const auto extra = update("input", json::object{{"type", "audio/pcmu"}, {"law", "mu"}});
    ASSERT_TRUE(extra.error);
    EXPECT_EQ(extra.error->code, "unknown_parameter");
}

// A format without a type keeps the session's; a rate must then be its rate.
TEST(AudioFormatCodec, AFormatWithoutATypeKeepsTheCurrentOne) {
    SessionConfig g711;
    g711.input_format = AudioFormat::pcmu;
    const auto kept = update("input", json::object{{"rate", 8000}}, g711);
    ASSERT_FALSE(kept.error) << kept.error->message;
    EXPECT_EQ(kept.config.input_format, AudioFormat::pcmu);
    const auto wrong = update("input", json::object{{"rate", 24000}}, g711);
    ASSERT_TRUE(wrong.error);
    EXPECT_EQ(wrong.error->message, "Unsupported rate 24000: audio/pcmu is 8000 Hz.");
}

TEST(AudioFormatCodec, TheResponseObjectShowsItsOutputFormat) {
    events::ResponseInfo info;
    info.id = "resp_1";
    info.output_format = AudioFormat::pcmu;
    const auto r = events::response_json(info);
    EXPECT_EQ(r.at("audio").at("output").at("format").at("type").as_string(), "audio/pcmu");
    info.output_format = AudioFormat::pcm16_24k;
    EXPECT_EQ(events::response_json(info).at("audio").at("output").at("format").at("rate"), 24000);
}

}  // namespace
}  // namespace confab::protocol
