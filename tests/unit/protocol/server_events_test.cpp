#include "protocol/server_events.hpp"

#include <gtest/gtest.h>

namespace confab::protocol::events {
namespace {

TEST(ServerEvents, OutputAudioDroppedCarriesTheResponseAndWhatWasShed) {
    const auto ev = output_audio_dropped("resp_1", 3, 12000);
    EXPECT_EQ(ev.at("type").as_string(), "confab.output_audio.dropped");
    EXPECT_FALSE(ev.at("event_id").as_string().empty());
    EXPECT_EQ(ev.at("response_id").as_string(), "resp_1");
    EXPECT_EQ(ev.at("reason").as_string(), "client_too_slow");
    EXPECT_EQ(ev.at("dropped_chunks").to_number<std::size_t>(), 3u);
    EXPECT_EQ(ev.at("dropped_bytes").to_number<std::size_t>(), 12000u);
}

TEST(ServerEvents, TimeoutTriggeredSpansTheSilenceAndNamesItsItem) {
    const auto ev = input_audio_buffer_timeout_triggered(1200, 7200, "item_9");
    EXPECT_EQ(ev.at("type").as_string(), "input_audio_buffer.timeout_triggered");
    EXPECT_FALSE(ev.at("event_id").as_string().empty());
    EXPECT_EQ(ev.at("audio_start_ms").as_int64(), 1200);
    EXPECT_EQ(ev.at("audio_end_ms").as_int64(), 7200);
    EXPECT_EQ(ev.at("item_id").as_string(), "item_9");
}

TEST(ServerEvents, SessionResumedCountsTheRestoredItems) {
    const auto ev = session_resumed(4);
    EXPECT_EQ(ev.at("type").as_string(), "confab.session.resumed");
    EXPECT_FALSE(ev.at("event_id").as_string().empty());
    EXPECT_EQ(ev.at("item_count").as_int64(), 4);
}

TEST(ServerEvents, SessionResumeTokenCarriesTheTokenAndItsWindow) {
    const auto ev = session_resume_token("tok_1", std::chrono::milliseconds(30000));
    EXPECT_EQ(ev.at("type").as_string(), "confab.session.resume_token");
    EXPECT_FALSE(ev.at("event_id").as_string().empty());
    EXPECT_EQ(ev.at("token").as_string(), "tok_1");
    EXPECT_EQ(ev.at("expires_in_ms").as_int64(), 30000);
}

TEST(ServerEvents, ErrorCodeOfReadsOnlyErrorEvents) {
    const auto err = error(ProtocolError{"rate_limit_exceeded", "slow down", "", ""});
    EXPECT_EQ(error_code_of(err), "rate_limit_exceeded");
    EXPECT_EQ(error_code_of(boost::json::object{{"type", "error"}}), "unknown");
    EXPECT_FALSE(error_code_of(boost::json::object{{"type", "session.created"}}));
    EXPECT_FALSE(error_code_of(boost::json::object{}));
}

}  // namespace
}  // namespace confab::protocol::events
