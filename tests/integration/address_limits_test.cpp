// Limits per client address on the real binary: open connections,
// connections without an admitted session, WebSocket handshakes per second;
// refused with 429 + Retry-After while clients from other addresses go on.
// Distinct client addresses are loopback source addresses (127.0.0.2, ...),
// or clients named by a trusted proxy (X-Forwarded-For, PROXY protocol).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include "support/raw_http.hpp"
#include "support/server_process.hpp"
#include "support/ws_client.hpp"

namespace confab::test {
namespace {
namespace http = boost::beast::http;
namespace json = boost::json;
using namespace std::chrono_literals;

constexpr std::string_view kHealth = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
// Held idle keep-alive connections must outlast a slow test run.
const char* const kLongHeaderTimeout[] = {"--header-timeout-ms", "60000"};

// A keep-alive connection whose first request was answered: the server has
// counted it for its address by then.
std::unique_ptr<RawConnection> counted_connection(unsigned short port, const std::string& source,
                                                  std::string_view first_bytes = kHealth) {
    auto connection = std::make_unique<RawConnection>(port, source);
    EXPECT_TRUE(connection->connected());
    const auto response = connection->exchange(first_bytes);
    EXPECT_TRUE(response && response->result() == http::status::ok) << source;
    return connection;
}

void expect_429(const std::optional<HttpResponse>& response, const std::string& limit) {
    ASSERT_TRUE(response) << "no answer";
    EXPECT_EQ(response->result(), http::status::too_many_requests);
    EXPECT_GE(std::stoi(std::string((*response)[http::field::retry_after])), 1);
    const auto body = json::parse(response->body()).as_object();
    EXPECT_EQ(body.at("error").at("code").as_string(), "rate_limit_exceeded");
    EXPECT_NE(response->body().find(limit), std::string::npos) << response->body();
}

std::vector<json::object> audit_lines(const std::string& path) {
    std::ifstream in(path);
    std::vector<json::object> lines;
    // The edge's refusals only (sessions and authentication have their own events).
    for (std::string line; std::getline(in, line);) {
        auto entry = json::parse(line).as_object();
        if (entry.at("event") == "excess_rate_limit_exceeded") lines.push_back(std::move(entry));
    }
    return lines;
}

TEST(AddressLimits, OpenConnectionsPerAddressAreLimited) {
    ServerProcess server(
        {"--max-connections-per-address", "3", kLongHeaderTimeout[0], kLongHeaderTimeout[1]});
    std::vector<std::unique_ptr<RawConnection>> held;
    for (int i = 0; i < 3; ++i) held.push_back(counted_connection(server.port(), "127.0.0.2"));
    // The fourth is answered at once, before it sends anything.
    RawConnection fourth(server.port(), "127.0.0.2");
    expect_429(fourth.read(), "limits.max_connections_per_address");
    // Another address goes on.
    EXPECT_TRUE(raw_request(server.port(), kHealth, "127.0.0.3")->result() == http::status::ok);
    // The place frees once the server has seen a held connection go.
    held.pop_back();
    bool served = false;
    for (int i = 0; i < 100 && !served; ++i) {
        const auto response = raw_request(server.port(), kHealth, "127.0.0.2");
        served = response && response->result() == http::status::ok;
        if (!served) std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(served);
}

TEST(AddressLimits, AdmittedSessionsDoNotCountAsUnauthenticated) {
    ServerProcess server(
        {"--max-unauthenticated-per-address", "2", kLongHeaderTimeout[0], kLongHeaderTimeout[1]});
    WsClient a(server.port()), b(server.port());
    for (auto* client : {&a, &b}) {
        client->set_source("127.0.0.2");
        ASSERT_TRUE(client->connect()) << client->error();
        ASSERT_TRUE(client->receive_type("session.created"));
    }
    auto one = counted_connection(server.port(), "127.0.0.2");
    auto two = counted_connection(server.port(), "127.0.0.2");
    // Two sessions and two HTTP connections are open; a third HTTP
    // connection, or an upgrade not yet admitted, is over the limit.
    RawConnection third(server.port(), "127.0.0.2");
    expect_429(third.read(), "limits.max_unauthenticated_per_address");
    WsClient c(server.port());
    c.set_source("127.0.0.2");
    EXPECT_FALSE(c.connect());
    EXPECT_EQ(c.handshake_response().result(), http::status::too_many_requests);
    WsClient elsewhere(server.port());
    elsewhere.set_source("127.0.0.3");
    ASSERT_TRUE(elsewhere.connect()) << elsewhere.error();
    EXPECT_TRUE(elsewhere.receive_type("session.created"));
}

TEST(AddressLimits, HandshakesPerSecondPerAddressAreLimited) {
    ServerProcess server(
        {"--handshakes-per-second-per-address", "1", "--handshake-burst-per-address", "2"});
    std::vector<std::unique_ptr<WsClient>> clients;
    for (int i = 0; i < 2; ++i) {
        clients.push_back(std::make_unique<WsClient>(server.port()));
        clients.back()->set_source("127.0.0.2");
        ASSERT_TRUE(clients.back()->connect()) << clients.back()->error();
    }
    WsClient third(server.port());
    third.set_source("127.0.0.2");
    EXPECT_FALSE(third.connect());
    const auto& refused = third.handshake_response();
    EXPECT_EQ(refused.result(), http::status::too_many_requests);
    EXPECT_EQ(refused[http::field::retry_after], "1");
    EXPECT_NE(refused.body().find("handshakes_per_second_per_address"), std::string::npos);
    WsClient other(server.port());
    other.set_source("127.0.0.3");
    EXPECT_TRUE(other.connect()) << other.error();
}

TEST(AddressLimits, BehindATrustedProxyXForwardedForNamesTheClient) {
    const auto audit = (std::filesystem::temp_directory_path() /
                        ("confab-xff-audit-" + std::to_string(::getpid()) + ".jsonl"))
                           .string();
    ServerProcess server({"--trusted-proxies", "127.0.0.1", "--max-connections-per-address", "2",
                          "--auth-audit-log", audit});
    auto via_proxy = [&](const char* client) {
        auto ws = std::make_unique<WsClient>(server.port());
        ws->add_header("X-Forwarded-For", std::string("203.0.113.50, ") + client);
        ws->add_header("User-Agent", "xff-test/1.0");
        return ws;
    };
    auto a1 = via_proxy("198.51.100.7"), a2 = via_proxy("198.51.100.7");
    ASSERT_TRUE(a1->connect() && a1->receive_type("session.created"));
    ASSERT_TRUE(a2->connect() && a2->receive_type("session.created"));
    auto a3 = via_proxy("198.51.100.7");
    EXPECT_FALSE(a3->connect());
    EXPECT_EQ(a3->handshake_response().result(), http::status::too_many_requests);
    // Another client of the same proxy goes on.
    auto b = via_proxy("198.51.100.8");
    ASSERT_TRUE(b->connect()) << b->error();
    EXPECT_TRUE(b->receive_type("session.created"));
    // From a peer that is not a trusted proxy, X-Forwarded-For is ignored.
    WsClient direct(server.port());
    direct.set_source("127.0.0.2");
    direct.add_header("X-Forwarded-For", "198.51.100.7");
    ASSERT_TRUE(direct.connect()) << direct.error();
    EXPECT_TRUE(direct.receive_type("session.created"));
    for (auto* client : {a1.get(), a2.get(), b.get(), &direct}) client->close();
    ASSERT_EQ(server.signal_and_wait(SIGTERM, 15s), 0) << server.log();

    const auto log = server.log();
    EXPECT_NE(log.find("address=198.51.100.7"), std::string::npos) << log;
    EXPECT_NE(log.find("address=198.51.100.8"), std::string::npos) << log;
    EXPECT_NE(log.find("address=127.0.0.2"), std::string::npos) << log;
    const auto lines = audit_lines(audit);
    std::filesystem::remove(audit);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].at("event").as_string(), "excess_rate_limit_exceeded");
    EXPECT_EQ(lines[0].at("reason").as_string(), "connections_per_address");
    EXPECT_EQ(lines[0].at("source_ip").as_string(), "198.51.100.7");
    EXPECT_EQ(lines[0].at("user_agent"), "xff-test/1.0") << json::serialize(lines[0]);
}

std::string proxy_v2_tcp4(const std::string& request) {
    // 192.0.2.20:4000 -> 127.0.0.1:80, as HAProxy's send-proxy-v2 writes it.
    std::string header("\r\n\r\n\0\r\nQUIT\n\x21\x11\x00\x0C", 16);
    header += std::string("\xC0\x00\x02\x14\x7F\x00\x00\x01\x0F\xA0\x00\x50", 12);
    return header + request;
}

TEST(AddressLimits, WithTheProxyProtocolTheHeaderNamesTheClient) {
    ServerProcess server({"--proxy-protocol", "--trusted-proxies", "127.0.0.1",
                          "--max-connections-per-address", "1", kLongHeaderTimeout[0],
                          kLongHeaderTimeout[1]});
    const std::string v1 = "PROXY TCP4 192.0.2.10 127.0.0.1 5000 80\r\n";
    auto held = counted_connection(server.port(), "127.0.0.1", v1 + std::string(kHealth));
    // The same client again, through the proxy: over its limit of one.
    RawConnection again(server.port(), "127.0.0.1");
    expect_429(again.exchange(v1 + std::string(kHealth)), "limits.max_connections_per_address");
    // Other clients of the proxy, v1 and v2.
    const auto other = raw_request(
        server.port(), "PROXY TCP4 192.0.2.11 127.0.0.1 5001 80\r\n" + std::string(kHealth));
    ASSERT_TRUE(other);
    EXPECT_EQ(other->result(), http::status::ok);
    const auto binary = raw_request(server.port(), proxy_v2_tcp4(std::string(kHealth)));
    ASSERT_TRUE(binary);
    EXPECT_EQ(binary->result(), http::status::ok);
    // The trusted proxy must send the header: without one, the connection is closed.
    EXPECT_FALSE(raw_request(server.port(), kHealth));
    // An untrusted peer may not send one, and is served directly without.
    const auto forged = raw_request(server.port(), v1 + std::string(kHealth), "127.0.0.2");
    ASSERT_TRUE(forged);
    EXPECT_EQ(forged->result(), http::status::bad_request);
    // (From another address: the refused one may still be in its lingering
    // close, which holds that address's one connection.)
    const auto direct = raw_request(server.port(), kHealth, "127.0.0.3");
    ASSERT_TRUE(direct);
    EXPECT_EQ(direct->result(), http::status::ok);
}

}  // namespace
}  // namespace confab::test
