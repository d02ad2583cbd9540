// The fake itself: keep-alive (issue 4 pools connections against it) and the
// records the other tests rely on.
#include "fakes/fake_llm_server.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>

namespace confab::test {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace std::chrono_literals;

http::response<http::string_body> post(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                       const std::string& target, const std::string& body) {
    http::request<http::string_body> request{http::verb::post, target, 11};
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::content_type, "application/json");
    request.body() = body;
    request.prepare_payload();
    http::write(stream, request);
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    return response;
}

TEST(FakeLlmServer, ServesSeveralRequestsOnOneConnection) {
    FakeLlmServer server;
    FakeLlmScript failing;
    failing.error_status = 429;
    server.push_script(failing);
    FakeLlmScript second;
    second.reply = "second reply";
    server.push_script(second);

    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
    beast::flat_buffer buffer;
    const auto first = post(stream, buffer, "/v1/chat/completions", R"({"model":"m"})");
    EXPECT_EQ(first.result_int(), 429u);
    EXPECT_NE(first.body().find("the fake model failed"), std::string::npos);
    const auto streamed = post(stream, buffer, "/v1/chat/completions", R"({"model":"m"})");
    EXPECT_EQ(streamed.result_int(), 200u);
    EXPECT_NE(streamed.body().find("\"second \""), std::string::npos) << streamed.body();
    EXPECT_NE(streamed.body().find("data: [DONE]"), std::string::npos);
    const auto third = post(stream, buffer, "/v1/chat/completions", "not json");
    EXPECT_EQ(third.result_int(), 200u);  // the default script

    ASSERT_TRUE(server.wait_for_requests(3, 2s));
    const auto requests = server.requests();
    EXPECT_EQ(requests[0].connection, requests[2].connection);
    EXPECT_EQ(requests[0].json.at("model"), "m");
    EXPECT_TRUE(requests[2].json.is_null());
    EXPECT_TRUE(server.wait_for_end(2, 2s));
    EXPECT_FALSE(server.request(1).disconnected_at.has_value());
}

TEST(FakeLlmServer, UnknownPathIs404AndLeavesTheScriptsAlone) {
    FakeLlmServer server;
    FakeLlmScript scripted;
    scripted.error_status = 503;
    server.push_script(scripted);
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
    beast::flat_buffer buffer;
    EXPECT_EQ(post(stream, buffer, "/v1/embeddings", "{}").result_int(), 404u);
    EXPECT_EQ(post(stream, buffer, "/v1/chat/completions", "{}").result_int(), 503u);
}

TEST(FakeLlmServer, WaitsTimeOutWhenNothingHappens) {
    FakeLlmServer server;
    EXPECT_FALSE(server.wait_for_requests(1, 20ms));
    EXPECT_FALSE(server.wait_for_disconnect(0, 20ms).has_value());
    EXPECT_EQ(server.url(), "http://127.0.0.1:" + std::to_string(server.port()) + "/v1");
}

TEST(FakeLlmServer, CountsConnectionsAndHoldsRepliesUntilReleased) {
    FakeLlmServer server;
    server.hold_replies();
    asio::io_context io;
    beast::tcp_stream first(io);
    beast::tcp_stream second(io);
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), server.port());
    first.connect(endpoint);
    second.connect(endpoint);
    beast::flat_buffer buffer;
    std::thread release([&] {
        // Both requests are in before anything is answered.
        EXPECT_TRUE(server.wait_for_requests(2, 5s));
        EXPECT_FALSE(server.wait_for_end(0, 0ms));
        server.release_replies();
    });
    std::thread other([&] {
        beast::flat_buffer other_buffer;
        EXPECT_EQ(post(second, other_buffer, "/v1/chat/completions", "{}").result_int(), 200u);
    });
    EXPECT_EQ(post(first, buffer, "/v1/chat/completions", "{}").result_int(), 200u);
    other.join();
    release.join();
    EXPECT_EQ(server.connections_accepted(), 2u);
    EXPECT_EQ(server.connections_open(), 2u);
    EXPECT_EQ(server.max_concurrent_responses(), 2u);
    first.close();
    second.close();
    EXPECT_TRUE(server.wait_for_open_connections(0, 5s));
}

TEST(FakeLlmServer, ScriptsCanCloseTheConnection) {
    FakeLlmServer server;
    FakeLlmScript closing;
    closing.close_after_reply = true;
    server.push_script(closing);
    FakeLlmScript dropping;
    dropping.mode = FakeLlmScript::Mode::close_without_reply;
    server.push_script(dropping);

    asio::io_context io;
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), server.port());
    beast::tcp_stream stream(io);
    stream.connect(endpoint);
    beast::flat_buffer buffer;
    const auto answered = post(stream, buffer, "/v1/chat/completions", "{}");
    EXPECT_EQ(answered.result_int(), 200u);
    EXPECT_TRUE(answered.keep_alive());  // announced, then not kept
    EXPECT_TRUE(server.wait_for_open_connections(0, 5s));

    beast::tcp_stream again(io);
    again.connect(endpoint);
    EXPECT_THROW(post(again, buffer, "/v1/chat/completions", "{}"), boost::system::system_error);
    EXPECT_EQ(server.request_count(), 2u);
    EXPECT_EQ(server.connections_accepted(), 2u);
}

}  // namespace
}  // namespace confab::test
