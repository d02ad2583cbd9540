// Backpressure and rate limits on the real server: a client that stops
// reading is shed and closed with 1008 without growing the server's queue,
// and a client over a rate limit gets rate_limit_exceeded and keeps its session.
#include <gtest/gtest.h>

#include <thread>

#include "support/server_process.hpp"
#include "support/ws_client.hpp"

namespace confab::test {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

// An item of `chars` characters: each retrieve of it is one large event,
// so a few dozen retrieves outrun a client that does not read.
json::object big_item(const std::string& id, std::size_t chars) {
    return {{"type", "conversation.item.create"},
            {"item",
             {{"id", id},
              {"type", "message"},
              {"role", "user"},
              {"content", json::array{json::object{{"type", "input_text"},
                                                   {"text", std::string(chars, 'a')}}}}}}};
}

// Waits (bounded) until the server's log contains `text`.
bool wait_for_log(ServerProcess& server, const std::string& text) {
    for (int i = 0; i < 500; ++i) {
        if (server.log().find(text) != std::string::npos) return true;
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

// Connects with a tiny receive buffer, then asks for 40 × ~20 KB answers,
// far more than both kernel buffers hold, and reads none of them.
void stop_reading_under_load(ServerProcess& server, WsClient& client) {
    client.set_receive_buffer(4096);
    ASSERT_TRUE(client.connect() && client.receive_type("session.created"));
    client.send(big_item("item_big", 20000));
    for (int i = 0; i < 40; ++i)
        client.send({{"type", "conversation.item.retrieve"}, {"item_id", "item_big"}});
    ASSERT_TRUE(wait_for_log(server, "slow client: closing with 1008")) << server.log();
}

TEST(Backpressure, AClientThatStopsReadingIsClosedWith1008AfterTheLag) {
    ServerProcess server({"--max-outgoing-lag-ms", "300", "--max-outgoing-bytes", "8388608",
                          "--socket-send-buffer-bytes", "4096", "--max-events-per-second", "1000"});
    WsClient client(server.port());
    stop_reading_under_load(server, client);
    if (HasFatalFailure()) return;
    EXPECT_NE(server.log().find("has not read for 300 ms"), std::string::npos) << server.log();
    // Reading again, the client gets what was already on the wire, then the close.
    EXPECT_EQ(client.wait_closed(10s), 1008) << server.log();
    EXPECT_TRUE(server.running());
}

TEST(Backpressure, ABacklogBeyondTheByteBoundClosesAtOnceInsteadOfGrowing) {
    ServerProcess server({"--max-outgoing-lag-ms", "60000", "--max-outgoing-bytes", "65536",
                          "--socket-send-buffer-bytes", "4096", "--max-events-per-second", "1000"});
    WsClient client(server.port());
    stop_reading_under_load(server, client);
    if (HasFatalFailure()) return;
    EXPECT_NE(server.log().find("outgoing backlog exceeded 65536 bytes"), std::string::npos)
        << server.log();
    EXPECT_EQ(client.wait_closed(10s), 1008) << server.log();
}

TEST(Backpressure, RateLimitedClientGetsAnErrorNamingTheLimitAndKeepsItsSession) {
    ServerProcess server({"--max-events-per-second", "5"});
    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive_type("session.created"));
    for (int i = 0; i < 20; ++i) client.send({{"type", "input_audio_buffer.clear"}});
    const auto error = client.receive_type("error");
    ASSERT_TRUE(error) << server.log();
    EXPECT_EQ(error->at("error").at("code").as_string(), "rate_limit_exceeded");
    EXPECT_NE(std::string(error->at("error").at("message").as_string()).find("events_per_second"),
              std::string::npos);
    const auto updated = client.receive_type("rate_limits.updated");
    ASSERT_TRUE(updated);
    EXPECT_EQ(updated->at("rate_limits").as_array().at(0).at("name").as_string(),
              "events_per_second");
    // Once the second has passed the same session answers again: an event
    // whose answer carries our event_id (an item_not_found error) proves it.
    std::this_thread::sleep_for(1200ms);
    client.send(
        {{"type", "conversation.item.retrieve"}, {"item_id", "nope"}, {"event_id", "after"}});
    bool answered = false;
    for (int i = 0; i < 30 && !answered; ++i) {
        const auto next = client.receive_type("error");
        if (!next) break;
        const auto& err = next->at("error").as_object();
        answered = err.at("event_id").is_string() && err.at("event_id").as_string() == "after";
        if (answered) {
            EXPECT_EQ(err.at("code").as_string(), "item_not_found");
        }
    }
    EXPECT_TRUE(answered) << server.log();
    EXPECT_FALSE(client.closed());
}

}  // namespace
}  // namespace confab::test
