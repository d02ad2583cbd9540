// audio.input.turn_detection in a session.update and in the session object:
// what each form changes, and the error each malformed form gets.
#include "protocol/turn_detection_codec.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace confab::protocol {
namespace {
namespace json = boost::json;

class TurnDetectionCodec : public ::testing::Test {
protected:
    // Parses `input_json` (an audio.input object) onto `current`; returns
    // the error, if any.
    std::optional<ProtocolError> parse(std::string_view input_json) {
        input = json::parse(input_json).as_object();
        JsonFields f(input, "session.audio.input", "ev");
        parse_turn_detection(f, current);
        return f.error();
    }
    json::object input;
    std::optional<TurnDetection> current = TurnDetection{};
};

TEST_F(TurnDetectionCodec, AbsentLeavesItAndNullTurnsItOff) {
    ASSERT_FALSE(parse(R"({})"));
    ASSERT_TRUE(current);
    ASSERT_FALSE(parse(R"({"turn_detection":null})"));
    EXPECT_FALSE(current);
    EXPECT_TRUE(turn_detection_to_json(current).is_null());
}

TEST_F(TurnDetectionCodec, ServerVadChangesOnlyTheFieldsGiven) {
    ASSERT_FALSE(parse(R"({"turn_detection":{"type":"server_vad","silence_duration_ms":800}})"));
    ASSERT_FALSE(parse(R"({"turn_detection":{"threshold":0.7,"idle_timeout_ms":6000}})"));
    ASSERT_TRUE(current);
    EXPECT_EQ(current->silence_duration_ms, 800);
    EXPECT_DOUBLE_EQ(current->threshold, 0.7);
    EXPECT_EQ(current->idle_timeout_ms, 6000);
    EXPECT_EQ(current->prefix_padding_ms, 300);
    ASSERT_FALSE(parse(R"({"turn_detection":{"idle_timeout_ms":null}})"));
    EXPECT_FALSE(current->idle_timeout_ms);
}

TEST_F(TurnDetectionCodec, ServerVadIsEchoedWithEveryField) {
    current->idle_timeout_ms = 7000;
    const auto o = turn_detection_to_json(current).as_object();
    EXPECT_EQ(o.at("type").as_string(), "server_vad");
    EXPECT_DOUBLE_EQ(o.at("threshold").as_double(), 0.5);
    EXPECT_EQ(o.at("prefix_padding_ms").as_int64(), 300);
    EXPECT_EQ(o.at("silence_duration_ms").as_int64(), 500);
    EXPECT_TRUE(o.at("create_response").as_bool());
    EXPECT_TRUE(o.at("interrupt_response").as_bool());
    EXPECT_EQ(o.at("idle_timeout_ms").as_int64(), 7000);
}

TEST_F(TurnDetectionCodec, ErrorsNameTheFieldAndChangeNothing) {
    const auto before = *current;
    auto err = parse(R"({"turn_detection":{"silence_duration_ms":50}})");
    ASSERT_TRUE(err);
    EXPECT_EQ(err->code, "invalid_value");
    EXPECT_EQ(err->param, "session.audio.input.turn_detection.silence_duration_ms");
    err = parse(R"({"turn_detection":{"idle_timeout_ms":1000}})");
    ASSERT_TRUE(err);
    EXPECT_EQ(err->param, "session.audio.input.turn_detection.idle_timeout_ms");
    err = parse(R"({"turn_detection":{"loudness":3}})");
    ASSERT_TRUE(err);
    EXPECT_EQ(err->code, "unknown_parameter");
    err = parse(R"({"turn_detection":"server_vad"})");
    ASSERT_TRUE(err);
    EXPECT_EQ(err->code, "invalid_type");
    err = parse(R"({"turn_detection":{"type":"push_to_talk"}})");
    ASSERT_TRUE(err);
    EXPECT_EQ(err->code, "invalid_value");
    EXPECT_EQ(err->param, "session.audio.input.turn_detection.type");
    // The caller discards a rejected update; the silence asked for was not applied.
    EXPECT_EQ(current->silence_duration_ms, before.silence_duration_ms);
}

}  // namespace
}  // namespace confab::protocol
