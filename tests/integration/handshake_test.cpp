// The WebSocket upgrade on the real binary: subprotocol negotiation (the
// browser SDKs' authentication) and where a client's credential may go,
// which the server must never write to its log.
#include <gtest/gtest.h>
#include <signal.h>

#include "support/http_get.hpp"
#include "support/server_process.hpp"
#include "support/ws_client.hpp"

namespace confab::test {
namespace {
namespace json = boost::json;
namespace http = boost::beast::http;
using namespace std::chrono_literals;

constexpr const char* kBrowserOffer =
    "realtime, openai-insecure-api-key.ek_test_123, openai-beta.realtime-v1";

std::string subprotocol_of(const WsClient& client) {
    return std::string(client.handshake_response()[http::field::sec_websocket_protocol]);
}

TEST(Handshake, TheBrowserSdkOfferIsAnsweredWithRealtime) {
    ServerProcess server({});
    WsClient client(server.port(), "/v1/realtime?model=gpt-realtime");
    client.add_header("Sec-WebSocket-Protocol", kBrowserOffer);
    ASSERT_TRUE(client.connect()) << client.error();
    EXPECT_EQ(client.handshake_response().result(), http::status::switching_protocols);
    EXPECT_EQ(subprotocol_of(client), "realtime");
    const auto created = client.receive();
    ASSERT_TRUE(created) << client.error();
    EXPECT_EQ(created->at("type").as_string(), "session.created");
}

TEST(Handshake, AnOfferSpreadOverSeveralHeaderLinesIsOneOffer) {
    ServerProcess server({});
    WsClient client(server.port());
    client.add_header("Sec-WebSocket-Protocol", "openai-insecure-api-key.ek_test_123");
    client.add_header("Sec-WebSocket-Protocol", "openai-agents-sdk.0.1.0, realtime");
    ASSERT_TRUE(client.connect()) << client.error();
    EXPECT_EQ(subprotocol_of(client), "realtime");
    ASSERT_TRUE(client.receive_type("session.created"));
}

TEST(Handshake, NoOfferIsAnsweredWithoutAProtocol) {
    ServerProcess server({});
    WsClient client(server.port());
    ASSERT_TRUE(client.connect()) << client.error();
    EXPECT_EQ(client.handshake_response().count(http::field::sec_websocket_protocol), 0u);
    ASSERT_TRUE(client.receive_type("session.created"));
}

TEST(Handshake, AnOfferWithoutRealtimeIsRefusedBeforeTheUpgrade) {
    ServerProcess server({});
    WsClient client(server.port());
    client.add_header("Sec-WebSocket-Protocol", "chat, openai-insecure-api-key.ek_secret_9");
    EXPECT_FALSE(client.connect());
    const auto& response = client.handshake_response();
    EXPECT_EQ(response.result(), http::status::bad_request);
    EXPECT_EQ(response[http::field::content_type], "application/json");
    const auto body = json::parse(response.body()).as_object();
    EXPECT_EQ(body.at("error").at("code").as_string(), "unsupported_subprotocol");
    EXPECT_EQ(response.body().find("ek_secret_9"), std::string::npos) << response.body();
    EXPECT_EQ(response.count(http::field::sec_websocket_protocol), 0u);
    // The server goes on: a correct offer is accepted.
    WsClient next(server.port());
    next.add_header("Sec-WebSocket-Protocol", kBrowserOffer);
    ASSERT_TRUE(next.connect()) << next.error();
    EXPECT_EQ(subprotocol_of(next), "realtime");
}

// Each credential's source is logged, the key never: at trace level, over a
// whole typed turn and the server's shutdown. Nor is it in the metrics.
TEST(Handshake, TheCredentialIsLoggedByItsSourceNeverItsValue) {
    ServerProcess server({"--log-level", "trace"});
    WsClient by_protocol(server.port());
    by_protocol.add_header("Sec-WebSocket-Protocol", kBrowserOffer);
    WsClient by_header(server.port());
    by_header.add_header("Authorization", "Bearer sk-header-key-456");
    WsClient anonymous(server.port());
    for (auto* client : {&by_protocol, &by_header, &anonymous}) {
        ASSERT_TRUE(client->connect()) << client->error();
        ASSERT_TRUE(client->receive_type("confab.session.resume_token")) << client->error();
    }
    by_protocol.send({{"type", "conversation.item.create"},
                      {"item",
                       {{"type", "message"},
                        {"role", "user"},
                        {"content", json::array{{{"type", "input_text"}, {"text", "hello"}}}}}}});
    by_protocol.send(
        {{"type", "response.create"}, {"response", {{"output_modalities", json::array{"text"}}}}});
    const auto done = by_protocol.receive_type("response.done", 10s);
    ASSERT_TRUE(done) << by_protocol.error();
    const auto metrics = http_get(server.port(), "/metrics");
    EXPECT_EQ(metrics.status, 200);
    EXPECT_EQ(metrics.body.find("ek_test_123"), std::string::npos);
    EXPECT_EQ(metrics.body.find("sk-header-key-456"), std::string::npos);
    for (auto* client : {&by_protocol, &by_header, &anonymous}) client->close();
    ASSERT_EQ(server.signal_and_wait(SIGTERM, 15s), 0) << server.log();

    const auto log = server.log();
    EXPECT_NE(log.find("auth=subprotocol subprotocol=realtime"), std::string::npos) << log;
    EXPECT_NE(log.find("auth=bearer subprotocol=none"), std::string::npos) << log;
    EXPECT_NE(log.find("auth=none subprotocol=none"), std::string::npos) << log;
    EXPECT_EQ(log.find("ek_test_123"), std::string::npos) << log;
    EXPECT_EQ(log.find("sk-header-key-456"), std::string::npos) << log;
}

}  // namespace
}  // namespace confab::test
