// audio.input.turn_detection in a session.update and in the session object:
// what each form changes, and the error each malformed form gets.
#include "protocol/turn_detection_codec.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

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

TEST_F(TurnDetectionCodec, SemanticVadIsEchoedAsTheClientSetIt) {
    ASSERT_FALSE(parse(R"({"turn_detection":{"type":"semantic_vad"}})"));
    ASSERT_TRUE(current);
    EXPECT_EQ(current->type, TurnDetection::Type::semantic_vad);
    EXPECT_EQ(current->eagerness, TurnDetection::Eagerness::automatic);
    EXPECT_EQ(json::serialize(turn_detection_to_json(current)),
              R"({"type":"semantic_vad","eagerness":"auto","create_response":true,)"
              R"("interrupt_response":true})");
    ASSERT_FALSE(parse(R"({"turn_detection":{"eagerness":"high","create_response":false}})"));
    const auto o = turn_detection_to_json(current).as_object();
    EXPECT_EQ(o.at("type").as_string(), "semantic_vad") << "no type keeps the current one";
    EXPECT_EQ(o.at("eagerness").as_string(), "high");
    EXPECT_FALSE(o.at("create_response").as_bool());
    for (const char* e : {"low", "medium", "high", "auto"}) {
        ASSERT_FALSE(parse(std::string(R"({"turn_detection":{"eagerness":")") + e + R"("}})"));
        EXPECT_EQ(turn_detection_to_json(current).at("eagerness").as_string(), e);
    }
}

// Another type replaces the settings: nothing of the old one carries over,
// in either direction.
TEST_F(TurnDetectionCodec, SwitchingTypesStartsFromTheNewTypesDefaults) {
    ASSERT_FALSE(parse(
        R"({"turn_detection":{"type":"server_vad","silence_duration_ms":800,"create_response":false,"idle_timeout_ms":6000}})"));
    ASSERT_FALSE(parse(R"({"turn_detection":{"type":"semantic_vad","eagerness":"low"}})"));
    EXPECT_TRUE(current->create_response);
    EXPECT_FALSE(current->idle_timeout_ms);
    ASSERT_FALSE(parse(R"({"turn_detection":{"type":"server_vad"}})"));
    EXPECT_EQ(current->type, TurnDetection::Type::server_vad);
    EXPECT_EQ(current->silence_duration_ms, 500);
    EXPECT_EQ(current->eagerness, TurnDetection::Eagerness::automatic);
    EXPECT_EQ(*current, TurnDetection{});
}

TEST_F(TurnDetectionCodec, FieldsOfTheOtherTypeAreRefused) {
    for (const char* field :
         {"threshold", "prefix_padding_ms", "silence_duration_ms", "idle_timeout_ms"}) {
        const auto err = parse(std::string(R"({"turn_detection":{"type":"semantic_vad",")") +
                               field + "\":1000}}");
        ASSERT_TRUE(err) << field;
        EXPECT_EQ(err->code, "unknown_parameter");
        EXPECT_EQ(err->param, std::string("session.audio.input.turn_detection.") + field);
        EXPECT_NE(err->message.find("server_vad"), std::string::npos) << err->message;
    }
    auto err = parse(R"({"turn_detection":{"type":"server_vad","eagerness":"high"}})");
    ASSERT_TRUE(err);
    EXPECT_EQ(err->code, "unknown_parameter");
    EXPECT_EQ(err->param, "session.audio.input.turn_detection.eagerness");
    // After null, no type means server_vad.
    current.reset();
    err = parse(R"({"turn_detection":{"eagerness":"low"}})");
    ASSERT_TRUE(err);
    EXPECT_EQ(err->param, "session.audio.input.turn_detection.eagerness");
    EXPECT_FALSE(current);
}

TEST_F(TurnDetectionCodec, EagernessMustBeOneOfFour) {
    auto err = parse(R"({"turn_detection":{"type":"semantic_vad","eagerness":"eager"}})");
    ASSERT_TRUE(err);
    EXPECT_EQ(err->code, "invalid_value");
    EXPECT_EQ(err->param, "session.audio.input.turn_detection.eagerness");
    err = parse(R"({"turn_detection":{"type":"semantic_vad","eagerness":2}})");
    ASSERT_TRUE(err);
    EXPECT_EQ(err->code, "invalid_type");
    EXPECT_EQ(current->type, TurnDetection::Type::server_vad)
        << "a refused switch changed the type";
}

}  // namespace
}  // namespace confab::protocol
