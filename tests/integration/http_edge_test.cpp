// The hardened HTTP edge on the real binary: oversize heads, targets and
// bodies are answered (431, 414, 413) with a JSON error and Connection:
// close, malformed requests get 400, and a head that does not arrive within
// server.header_timeout_ms closes the connection; each refusal is audited
// and counted.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/http_get.hpp"
#include "support/raw_http.hpp"
#include "support/server_process.hpp"

namespace confab::test {
namespace {
namespace http = boost::beast::http;
namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string audit_path() {
    return (std::filesystem::temp_directory_path() /
            ("confab-edge-audit-" + std::to_string(::getpid()) + ".jsonl"))
        .string();
}

std::vector<json::object> read_audit(const std::string& path) {
    std::ifstream in(path);
    std::vector<json::object> lines;
    // The edge's refusals only (sessions and authentication have their own events).
    for (std::string line; std::getline(in, line);) {
        auto entry = json::parse(line).as_object();
        if (entry.at("event") == "excess_rate_limit_exceeded") lines.push_back(std::move(entry));
    }
    return lines;
}

// The refusal's JSON body and headers, as protocol.md documents them.
void expect_refusal(const std::optional<HttpResponse>& response, http::status status,
                    const std::string& code) {
    ASSERT_TRUE(response) << "no answer";
    EXPECT_EQ(response->result(), status);
    EXPECT_EQ((*response)[http::field::content_type], "application/json");
    EXPECT_EQ((*response)[http::field::connection], "close");
    const auto body = json::parse(response->body()).as_object();
    EXPECT_EQ(body.at("error").at("type").as_string(), "invalid_request_error");
    EXPECT_EQ(body.at("error").at("code").as_string(), code) << response->body();
}

TEST(HttpEdge, A200KilobyteHeaderIsAnswered431) {
    const auto audit = audit_path();
    ServerProcess server({"--auth-audit-log", audit});
    const std::string request =
        "GET /healthz HTTP/1.1\r\nHost: x\r\nUser-Agent: big-header-test\r\n"
        "X-Padding: " +
        std::string(200 * 1024, 'a') + "\r\n\r\n";
    const auto response = raw_request(server.port(), request);
    expect_refusal(response, http::status::request_header_fields_too_large,
                   "request_header_fields_too_large");
    EXPECT_NE(response->body().find("16384"), std::string::npos) << response->body();
    // The server goes on.
    EXPECT_EQ(http_get(server.port(), "/healthz").status, 200);
    ASSERT_EQ(server.signal_and_wait(SIGTERM, 15s), 0) << server.log();
    const auto lines = read_audit(audit);
    std::filesystem::remove(audit);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].at("event").as_string(), "excess_rate_limit_exceeded");
    EXPECT_EQ(lines[0].at("level").as_string(), "WARN");
    EXPECT_EQ(lines[0].at("reason").as_string(), "max_header_bytes");
    EXPECT_EQ(lines[0].at("source_ip").as_string(), "127.0.0.1");
}

TEST(HttpEdge, ALongTargetIsAnswered414) {
    ServerProcess server({});
    // Longer than max_target_bytes (8192) but within the head limit...
    const auto within = raw_request(
        server.port(), "GET /" + std::string(10000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
    expect_refusal(within, http::status::uri_too_long, "uri_too_long");
    // ...and longer than the whole head may be: still the target's fault.
    const auto beyond = raw_request(
        server.port(), "GET /" + std::string(40000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
    expect_refusal(beyond, http::status::uri_too_long, "uri_too_long");
    // Just within the limit is served (a 404: no such file).
    EXPECT_EQ(http_get(server.port(), "/" + std::string(8000, 'a')).status, 404);
}

TEST(HttpEdge, ALargeBodyIsAnswered413) {
    ServerProcess server({});
    // Declared too large: refused from the head, before the body is read.
    const std::string body(100'000, 'x');
    const auto sized = raw_request(server.port(),
                                   "POST /healthz HTTP/1.1\r\nHost: x\r\n"
                                   "Content-Length: 100000\r\n\r\n" +
                                       body);
    expect_refusal(sized, http::status::payload_too_large, "payload_too_large");
    // Chunked: refused once the chunks pass the limit.
    std::string chunked = "POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 10; ++i) chunked += "2710\r\n" + std::string(10000, 'y') + "\r\n";
    chunked += "0\r\n\r\n";
    const auto streamed = raw_request(server.port(), chunked);
    expect_refusal(streamed, http::status::payload_too_large, "payload_too_large");
}

TEST(HttpEdge, MalformedRequestsAreAnswered400) {
    ServerProcess server({});
    expect_refusal(raw_request(server.port(), "GET / HTTP/9.1\r\n\r\n"), http::status::bad_request,
                   "malformed_request");
    expect_refusal(raw_request(server.port(), "GET / HTTP/1.1\r\nBad Header\r\n\r\n"),
                   http::status::bad_request, "malformed_request");
    // A PROXY header from a peer that is not a trusted proxy.
    expect_refusal(raw_request(server.port(),
                               "PROXY TCP4 192.0.2.1 192.0.2.2 1 2\r\n"
                               "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"),
                   http::status::bad_request, "proxy_header_not_allowed");
}

TEST(HttpEdge, AHeadThatDoesNotArriveInTimeIsClosed) {
    ServerProcess server({"--header-timeout-ms", "500"});
    RawConnection trickler(server.port());
    ASSERT_TRUE(trickler.send("GET /healthz HTTP/1.1\r\n"));
    const auto start = Clock::now();
    // It keeps sending header lines, never the blank line that ends the head.
    bool closed = false;
    for (int i = 0; i < 20 && !closed; ++i) {
        trickler.send("X-Line-" + std::to_string(i) + ": 1\r\n");
        closed = trickler.wait_closed(100ms);
    }
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    EXPECT_TRUE(closed);
    EXPECT_LT(waited.count(), 1500) << "closed after " << waited.count() << " ms";
    // Idle keep-alive connections close after the same deadline.
    RawConnection idle(server.port());
    ASSERT_TRUE(idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    const auto first = idle.read();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->result(), http::status::ok);
    EXPECT_TRUE(idle.wait_closed(3s));
    // Counted (the trickler only: an idle connection that sent nothing is no attack).
    const auto metrics = http_get(server.port(), "/metrics").body;
    EXPECT_NE(metrics.find("confab_http_refused_total{reason=\"header_timeout\"} 1"),
              std::string::npos)
        << metrics;
}

TEST(HttpEdge, KeepAliveRequestsAreServedOneAfterAnother) {
    ServerProcess server({});
    RawConnection connection(server.port());
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
        const auto response = connection.read();
        ASSERT_TRUE(response) << i;
        EXPECT_EQ(response->result(), http::status::ok);
    }
}

TEST(HttpEdge, RefusalsAreCountedByReason) {
    ServerProcess server({});
    raw_request(server.port(), "GET /" + std::string(10000, 'a') + " HTTP/1.1\r\n\r\n");
    raw_request(server.port(), "GET / HTTP/9.1\r\n\r\n");
    const auto metrics = http_get(server.port(), "/metrics").body;
    EXPECT_NE(metrics.find("confab_http_refused_total{reason=\"max_target_bytes\"} 1"),
              std::string::npos)
        << metrics;
    EXPECT_NE(metrics.find("confab_http_refused_total{reason=\"malformed_request\"} 1"),
              std::string::npos);
    EXPECT_NE(metrics.find("confab_http_refused_total{reason=\"connections_per_address\"} 0"),
              std::string::npos);
}

}  // namespace
}  // namespace confab::test
