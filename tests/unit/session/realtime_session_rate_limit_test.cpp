// The session's rate limits as the client sees them: events and audio
// beyond their budgets are refused with an error, and the session goes on.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "fakes/recording_sink.hpp"
#include "session/realtime_session.hpp"
#include "util/base64.hpp"

namespace confab::session {
namespace {
namespace json = boost::json;

class RealtimeSessionRateLimitTest : public ::testing::Test {
protected:
    RealtimeSessionRateLimitTest() {
        config.limits.max_events_per_second = 3;
        config.limits.input_audio_lead_ms = 200;
        constraints.voices = {"slt"};
        session = std::make_unique<RealtimeSession>(ioc.get_executor(), config, constraints,
                                                    engines, sink, "sess_rl", "test-model");
        const auto frozen = std::chrono::steady_clock::now();
        session->set_clock([frozen] { return frozen; });
        session->start();
    }
    void send(const json::object& event) { session->handle_text(json::serialize(event)); }

    boost::asio::io_context ioc;
    Config config;
    protocol::SessionConstraints constraints;
    pool::EngineRefs engines;
    test::RecordingSink sink;
    std::unique_ptr<RealtimeSession> session;
};

TEST_F(RealtimeSessionRateLimitTest, EventsBeyondThePerSecondLimitAreRefusedAndTheSessionSurvives) {
    for (int i = 0; i < 3; ++i) send({{"type", "input_audio_buffer.clear"}});
    sink.clear();
    send({{"type", "input_audio_buffer.clear"}, {"event_id", "ev_4"}});
    ASSERT_EQ(sink.types(), (std::vector<std::string>{"error", "rate_limits.updated"}));
    const auto& err = sink.sent[0].event.at("error").as_object();
    EXPECT_EQ(err.at("code").as_string(), "rate_limit_exceeded");
    EXPECT_NE(std::string(err.at("message").as_string()).find("events_per_second"),
              std::string::npos);
    const auto& limits = sink.sent[1].event.at("rate_limits").as_array();
    ASSERT_EQ(limits.size(), 3u);
    EXPECT_EQ(limits[0].at("name").as_string(), "events_per_second");
    EXPECT_EQ(limits[0].at("remaining").to_number<double>(), 0.0);
    // Further refusals within the second are counted, not each reported.
    sink.clear();
    send({{"type", "input_audio_buffer.clear"}});
    EXPECT_TRUE(sink.sent.empty());
    // The session goes on: once time passes, events are handled again.
    const auto later = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    session->set_clock([later] { return later; });
    send({{"type", "input_audio_buffer.clear"}});
    ASSERT_FALSE(sink.sent.empty());
    EXPECT_EQ(sink.types().back(), "input_audio_buffer.cleared");
}

TEST_F(RealtimeSessionRateLimitTest, AudioFasterThanRealTimeBeyondTheLeadIsRefusedWithAnError) {
    // 100 ms chunks (2400 samples of 24 kHz PCM16): two fit the 200 ms lead.
    const std::string chunk = base64::encode(std::vector<std::uint8_t>(4800, 0));
    send({{"type", "input_audio_buffer.append"}, {"audio", chunk}});
    send({{"type", "input_audio_buffer.append"}, {"audio", chunk}});
    EXPECT_EQ(session->input_audio().duration_ms(), 200);
    sink.clear();
    send({{"type", "input_audio_buffer.append"}, {"audio", chunk}, {"event_id", "ev_fast"}});
    ASSERT_FALSE(sink.sent.empty());
    const auto& err = sink.sent[0].event.at("error").as_object();
    EXPECT_EQ(err.at("code").as_string(), "input_audio_too_fast");
    EXPECT_EQ(err.at("param").as_string(), "audio");
    EXPECT_EQ(err.at("event_id").as_string(), "ev_fast");
    EXPECT_EQ(session->input_audio().duration_ms(), 200);  // refused, not half-taken
}

// The round-trip probe (confab.ping) has a budget of its own: a client at
// its event limit can still measure the round trip, and an event that only
// mentions "confab.ping" is charged like any other.
TEST_F(RealtimeSessionRateLimitTest, PingsAreAnsweredOutsideTheEventBudget) {
    for (int i = 0; i < 3; ++i) send({{"type", "input_audio_buffer.clear"}});
    sink.clear();
    send({{"type", "confab.ping"}, {"event_id", "confab_ping_1"}, {"sent_at_ms", 1234}});
    ASSERT_EQ(sink.types(), std::vector<std::string>{"confab.pong"});
    const auto& pong = sink.last();
    EXPECT_EQ(pong.at("ping_event_id").as_string(), "confab_ping_1");
    EXPECT_EQ(pong.at("sent_at_ms").to_number<long long>(), 1234);
    EXPECT_TRUE(pong.at("event_id").is_string());
    // An item mentioning the ping's name is an ordinary event: refused here.
    sink.clear();
    send({{"type", "conversation.item.delete"}, {"item_id", "\"confab.ping\""}});
    ASSERT_FALSE(sink.sent.empty());
    EXPECT_EQ(sink.sent[0].event.at("error").at("code").as_string(), "rate_limit_exceeded");
    // The ping budget (4 per second) runs out too, with an error naming it.
    sink.clear();
    for (int i = 2; i <= 5; ++i)
        send({{"type", "confab.ping"}, {"event_id", "p" + std::to_string(i)}});
    EXPECT_EQ(sink.count("confab.pong"), 3u);
    ASSERT_EQ(sink.count("error"), 1u);
    const auto& err = sink.last_of("error").at("error");
    EXPECT_EQ(err.at("code").as_string(), "rate_limit_exceeded");
    EXPECT_NE(std::string(err.at("message").as_string()).find("pings_per_second"),
              std::string::npos);
}

TEST_F(RealtimeSessionRateLimitTest, AMalformedPingGetsAnError) {
    send({{"type", "confab.ping"}, {"sent_at_ms", "soon"}});
    EXPECT_EQ(sink.types().back(), "error");
    EXPECT_EQ(sink.last().at("error").at("code").as_string(), "invalid_type");
}

}  // namespace
}  // namespace confab::session
