// The real confab binary on an ephemeral port, driven over HTTP and WebSocket.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "support/http_get.hpp"
#include "support/server_process.hpp"
#include "support/ws_client.hpp"

namespace confab::test {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

json::object user_text(const std::string& text) {
    return {{"type", "conversation.item.create"},
            {"item",
             {{"type", "message"},
              {"role", "user"},
              {"content", json::array{json::object{{"type", "input_text"}, {"text", text}}}}}}};
}

TEST(Server, ServesHealthReadinessAndStaticFiles) {
    ServerProcess server({});
    EXPECT_EQ(http_get(server.port(), "/healthz").status, 200);
    EXPECT_EQ(http_get(server.port(), "/readyz").status, 200);
    const auto index = http_get(server.port(), "/");
    EXPECT_EQ(index.status, 200);
    EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
    EXPECT_NE(index.body.find("Confab"), std::string::npos);
    EXPECT_EQ(http_get(server.port(), "/no-such-file.js").status, 404);
}

TEST(Server, SessionCreatedRecordsTheModelParameter) {
    ServerProcess server({});
    WsClient client(server.port(), "/v1/realtime?model=my-model");
    ASSERT_TRUE(client.connect()) << client.error();
    auto created = client.receive();
    ASSERT_TRUE(created) << client.error();
    EXPECT_EQ(created->at("type").as_string(), "session.created");
    EXPECT_EQ(created->at("session").at("model").as_string(), "my-model");
}

TEST(Server, TwoSessionsNeverSeeEachOthersEventsOrState) {
    ServerProcess server({});
    WsClient a(server.port()), b(server.port());
    ASSERT_TRUE(a.connect() && b.connect());
    const auto a_created = a.receive();
    const auto b_created = b.receive();
    ASSERT_TRUE(a_created && b_created);
    EXPECT_NE(a_created->at("session").at("id"), b_created->at("session").at("id"));
    ASSERT_TRUE(a.receive_type("confab.session.resume_token") &&
                b.receive_type("confab.session.resume_token"));

    a.send({{"type", "session.update"},
            {"session", {{"type", "realtime"}, {"instructions", "A's secret"}}}});
    auto item = user_text("only for A");
    item["item"].as_object()["id"] = "item_a_private";
    a.send(item);
    ASSERT_TRUE(a.receive_type("conversation.item.done"));

    // B asks for A's item and gets told it does not exist; its session is untouched.
    b.send({{"type", "conversation.item.retrieve"}, {"item_id", "item_a_private"}});
    const auto err = b.receive();
    ASSERT_TRUE(err);
    EXPECT_EQ(err->at("type").as_string(), "error");
    EXPECT_EQ(err->at("error").at("code").as_string(), "item_not_found");
    b.send({{"type", "session.update"}, {"session", {{"type", "realtime"}}}});
    const auto b_updated = b.receive_type("session.updated");
    ASSERT_TRUE(b_updated);
    EXPECT_NE(b_updated->at("session").at("instructions").as_string(), "A's secret");
    // Nothing of A's arrived at B in between.
    b.send({{"type", "input_audio_buffer.clear"}});
    const auto b_next = b.receive();
    ASSERT_TRUE(b_next);
    EXPECT_EQ(b_next->at("type").as_string(), "input_audio_buffer.cleared");
}

TEST(Server, CapacityLimitRefusesTheNextConnection) {
    ServerProcess server({"--max-sessions", "2"});
    WsClient a(server.port()), b(server.port()), c(server.port());
    ASSERT_TRUE(a.connect() && a.receive());
    ASSERT_TRUE(b.connect() && b.receive());
    EXPECT_EQ(http_get(server.port(), "/readyz").status, 503);
    ASSERT_TRUE(c.connect());
    const auto refused = c.receive();
    ASSERT_TRUE(refused) << c.error();
    EXPECT_EQ(refused->at("type").as_string(), "error");
    EXPECT_EQ(refused->at("error").at("code").as_string(), "server_at_capacity");
    EXPECT_EQ(c.wait_closed(), 1013);
    a.close();
    // The place frees once the server has seen A leave.
    int status = 0;
    for (int i = 0; i < 100 && status != 200; ++i) {
        std::this_thread::sleep_for(20ms);
        status = http_get(server.port(), "/readyz").status;
    }
    EXPECT_EQ(status, 200) << server.log();
}

TEST(Server, IdleSessionsAreClosed) {
    ServerProcess server({"--idle-timeout-ms", "300"});
    WsClient client(server.port());
    // The greeting ends with the resume token; what follows is under test.
    ASSERT_TRUE(client.connect() && client.receive_type("confab.session.resume_token"));
    const auto err = client.receive(3s);
    ASSERT_TRUE(err) << client.error();
    EXPECT_EQ(err->at("error").at("code").as_string(), "session_idle_timeout");
    EXPECT_EQ(client.wait_closed(3s), 1000);
}

TEST(Server, DeadConnectionsAreReaped) {
    ServerProcess server({"--ping-interval-ms", "100", "--max-sessions", "1"});
    WsClient silent(server.port());
    // session.created is sent once the session is admitted; after it the
    // client never reads again, so it never answers a ping.
    ASSERT_TRUE(silent.connect() && silent.receive());
    EXPECT_EQ(http_get(server.port(), "/readyz").status, 503);
    int status = 503;
    for (int i = 0; i < 150 && status != 200; ++i) {
        std::this_thread::sleep_for(20ms);
        status = http_get(server.port(), "/readyz").status;
    }
    EXPECT_EQ(status, 200);
    EXPECT_NE(server.log().find("peer unresponsive"), std::string::npos) << server.log();
}

TEST(Server, OversizedFrameClosesWith1009) {
    ServerProcess server({"--max-message-bytes", "4096"});
    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive());
    client.send_text(R"({"type":"input_audio_buffer.append","audio":")" + std::string(8000, 'A') +
                     "\"}");
    EXPECT_EQ(client.wait_closed(), 1009);
}

// A message far over the limit, still being sent when the server has seen
// enough: the client must get the close frame (1009), not a reset (1006).
// The server reads and drops the rest during the close handshake.
TEST(Server, AnOversizeMessageStillBeingSentClosesWith1009) {
    ServerProcess server({"--max-message-bytes", "65536"});
    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive());
    client.send_text(R"({"type":"input_audio_buffer.append","audio":")" +
                     std::string(4 << 20, 'A') + "\"}");
    EXPECT_EQ(client.error(), "") << "the server reset the connection mid-message";
    EXPECT_EQ(client.wait_closed(), 1009) << client.error();
    // The server goes on, and says why it closed.
    WsClient next(server.port());
    ASSERT_TRUE(next.connect() && next.receive());
    next.close();
    ASSERT_EQ(server.signal_and_wait(SIGTERM, 15s), 0) << server.log();
    EXPECT_NE(server.log().find("cause=\"message too big (1009)\""), std::string::npos)
        << server.log();
}

TEST(Server, BinaryFramesGetAnError) {
    ServerProcess server({});
    WsClient client(server.port());
    // The greeting ends with the resume token; what follows is under test.
    ASSERT_TRUE(client.connect() && client.receive_type("confab.session.resume_token"));
    client.send_binary(std::string("\x01\x02", 2));
    const auto err = client.receive();
    ASSERT_TRUE(err);
    EXPECT_EQ(err->at("error").at("code").as_string(), "invalid_frame");
}

TEST(Server, SigtermDrainsSessionsAndExitsZero) {
    ServerProcess server({"--io-threads", "3", "--drain-timeout-ms", "3000"});
    WsClient client(server.port());
    // The greeting ends with the resume token; what follows is under test.
    ASSERT_TRUE(client.connect() && client.receive_type("confab.session.resume_token"));
    EXPECT_GE(server.thread_count(), 3);
    std::thread stopper(
        [&] { EXPECT_EQ(server.signal_and_wait(SIGTERM, 10s), 0) << server.log(); });
    const auto notice = client.receive(5s);
    ASSERT_TRUE(notice) << client.error();
    EXPECT_EQ(notice->at("error").at("code").as_string(), "server_shutting_down");
    EXPECT_EQ(client.wait_closed(5s), 1001);
    stopper.join();
    const auto log = server.log();
    EXPECT_NE(log.find("all sessions closed"), std::string::npos) << log;
    EXPECT_NE(log.find("threads_joined=3"), std::string::npos) << log;
}

TEST(Server, DrainDeadlineClosesSessionsThatStay) {
    ServerProcess server({"--drain-timeout-ms", "300"});
    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive());
    // This client does not read again, so it never completes the close handshake.
    EXPECT_EQ(server.signal_and_wait(SIGTERM, 10s), 0) << server.log();
    EXPECT_NE(server.log().find("drain deadline passed"), std::string::npos) << server.log();
}

TEST(Server, ADroppedSessionResumesWithItsToken) {
    ServerProcess server({});
    std::string token;
    {
        WsClient first(server.port());
        ASSERT_TRUE(first.connect());
        const auto greeting = first.receive_type("confab.session.resume_token");
        ASSERT_TRUE(greeting) << first.error();
        token = std::string(greeting->at("token").as_string());
        first.send({{"type", "session.update"},
                    {"session", {{"type", "realtime"}, {"instructions", "Be terse."}}}});
        ASSERT_TRUE(first.receive_type("session.updated"));
        first.send(user_text("remember me"));
        ASSERT_TRUE(first.receive_type("conversation.item.done"));
    }  // the connection ends
    // The server parks the conversation once it has seen the socket go.
    std::optional<boost::json::object> resumed;
    std::optional<boost::json::object> created;
    for (int i = 0; i < 50 && !resumed; ++i) {
        WsClient again(server.port(), "/v1/realtime?confab_resume=" + token);
        ASSERT_TRUE(again.connect());
        created = again.receive();
        const auto next = again.receive();
        ASSERT_TRUE(created && next) << again.error();
        if (next->at("type").as_string() == "confab.session.resumed") {
            resumed = next;
            EXPECT_EQ(
                again.receive_type("confab.session.resume_token")->at("token").as_string().size(),
                32u);
        } else {
            EXPECT_EQ(next->at("error").at("code").as_string(), "resume_token_invalid");
            std::this_thread::sleep_for(20ms);
        }
    }
    ASSERT_TRUE(resumed) << server.log();
    EXPECT_EQ(resumed->at("item_count").as_int64(), 1);
    EXPECT_EQ(created->at("session").at("instructions").as_string(), "Be terse.");
    // Single use: the same token again starts a new conversation.
    WsClient spent(server.port(), "/v1/realtime?confab_resume=" + token);
    ASSERT_TRUE(spent.connect() && spent.receive());
    const auto refused = spent.receive();
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->at("error").at("code").as_string(), "resume_token_invalid");
}

}  // namespace
}  // namespace confab::test
