// Slowloris on the real binary: 500 connections that trickle header lines
// (one every second, never the blank line that ends the head) are closed
// within server.header_timeout_ms, while a conversation in parallel keeps
// its latency. The latency of a text turn with a spoken reply (offline
// model, real flite synthesis) is measured with and without the load and
// both are printed; asserted are only the closing and a generous ratio.
//
// The per-address limits would refuse most of 500 connections from one
// address, so they come from 50 loopback source addresses (127.0.1.1-50),
// 10 each: within the default limits (32 open, 16 unauthenticated).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "support/http_get.hpp"
#include "support/server_process.hpp"
#include "support/ws_client.hpp"

namespace confab::test {
namespace {
namespace asio = boost::asio;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kConnections = 500;
constexpr int kSourceAddresses = 50;
constexpr int kHeaderTimeoutMs = 5000;

// The trickling connections, on their own thread and io_context.
class Trickle {
public:
    struct Connection {
        tcp::socket socket;
        asio::steady_timer timer;
        std::array<char, 256> sink{};
        std::string line;
        int lines = 0;
        Clock::time_point connected_at{}, closed_at{};
        bool connected = false, closed = false;
        explicit Connection(asio::io_context& io) : socket(io), timer(io) {}
    };

    Trickle(unsigned short port, Clock::duration run_for) {
        for (int i = 0; i < kConnections; ++i) {
            auto& c = *connections_.emplace_back(std::make_unique<Connection>(io_));
            const auto source =
                asio::ip::make_address("127.0.1." + std::to_string(1 + i % kSourceAddresses));
            c.socket.open(tcp::v4());
            c.socket.bind({source, 0});
            c.socket.async_connect({asio::ip::make_address("127.0.0.1"), port},
                                   [this, &c](boost::system::error_code ec) {
                                       if (ec) return;
                                       c.connected = true;
                                       c.connected_at = Clock::now();
                                       ++connected_;
                                       send(c, "GET / HTTP/1.1\r\nHost: x\r\n");
                                       watch(c);
                                   });
        }
        // Bounded: whatever is still open then is stopped.
        stop_.expires_after(run_for);
        stop_.async_wait([this](boost::system::error_code ec) {
            if (ec) return;  // all closed already
            for (auto& c : connections_) {
                boost::system::error_code ignored;
                c->timer.cancel();
                c->socket.close(ignored);
            }
        });
        thread_ = std::thread([this] { io_.run(); });
    }
    ~Trickle() {
        io_.stop();
        if (thread_.joinable()) thread_.join();
    }
    int connected() const { return connected_.load(); }
    int closed() const { return closed_.load(); }
    void join() { thread_.join(); }
    const std::vector<std::unique_ptr<Connection>>& connections() const { return connections_; }

private:
    // One header line now, the next in a second: the head never ends.
    void send(Connection& c, std::string text) {
        c.line = std::move(text);
        asio::async_write(c.socket, asio::buffer(c.line),
                          [this, &c](boost::system::error_code ec, std::size_t) {
                              if (ec || c.closed) return;
                              c.timer.expires_after(1s);
                              c.timer.async_wait([this, &c](boost::system::error_code tec) {
                                  if (tec || c.closed) return;
                                  send(c, "X-Trickle-" + std::to_string(++c.lines) + ": 1\r\n");
                              });
                          });
    }
    // The server closing shows as EOF or a reset on a read.
    void watch(Connection& c) {
        c.socket.async_read_some(asio::buffer(c.sink),
                                 [this, &c](boost::system::error_code ec, std::size_t) {
                                     if (!ec) return watch(c);
                                     if (ec == asio::error::operation_aborted) return;
                                     c.closed = true;
                                     c.closed_at = Clock::now();
                                     c.timer.cancel();
                                     if (++closed_ == kConnections) stop_.cancel();
                                 });
    }

    asio::io_context io_;
    asio::steady_timer stop_{io_};
    std::vector<std::unique_ptr<Connection>> connections_;
    std::atomic<int> connected_{0};
    std::atomic<int> closed_{0};
    std::thread thread_;
};

json::object user_text(const std::string& text) {
    json::object item{{"type", "message"}, {"role", "user"}};
    item["content"] = json::array{json::object{{"type", "input_text"}, {"text", text}}};
    return {{"type", "conversation.item.create"}, {"item", std::move(item)}};
}

struct TurnLatency {
    double first_audio_ms = 0;  // response.create sent -> first output_audio.delta
    double done_ms = 0;         // response.create sent -> response.done
};

// One text turn with a spoken reply (the offline model, real synthesis).
std::optional<TurnLatency> turn(WsClient& client, int n) {
    client.send(user_text("This is turn number " + std::to_string(n) + " of the test."));
    if (!client.receive_type("conversation.item.done", 10s)) return std::nullopt;
    const auto start = Clock::now();
    client.send({{"type", "response.create"}});
    std::optional<Clock::time_point> first_audio;
    while (auto ev = client.receive(20s)) {
        const std::string type(ev->at("type").as_string());
        if (type == "response.output_audio.delta" && !first_audio) first_audio = Clock::now();
        if (type == "response.done") {
            if (!first_audio) return std::nullopt;
            const auto ms = [&](Clock::time_point t) {
                return std::chrono::duration<double, std::milli>(t - start).count();
            };
            return TurnLatency{ms(*first_audio), ms(Clock::now())};
        }
    }
    return std::nullopt;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values.empty() ? 0 : values[values.size() / 2];
}

std::vector<TurnLatency> turns(WsClient& client, int count, int first) {
    std::vector<TurnLatency> out;
    for (int i = 0; i < count; ++i) {
        const auto latency = turn(client, first + i);
        EXPECT_TRUE(latency) << client.error();
        if (latency) out.push_back(*latency);
    }
    return out;
}

TEST(Trickle, FiveHundredTricklingConnectionsCloseAtTheHeaderDeadlineWhileAConversationGoesOn) {
    ServerProcess server({"--header-timeout-ms", std::to_string(kHeaderTimeoutMs)});
    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive_type("session.created"));
    turns(client, 1, 0);  // warm-up: the first synthesis loads what it needs
    const auto quiet = turns(client, 5, 1);

    Trickle trickle(server.port(), std::chrono::milliseconds(kHeaderTimeoutMs) + 5s);
    for (int i = 0; i < 200 && trickle.connected() < kConnections; ++i)
        std::this_thread::sleep_for(10ms);
    ASSERT_EQ(trickle.connected(), kConnections);
    // Turns while every trickling connection is still open (a slow build,
    // e.g. under a sanitizer, fits fewer of them before the deadline).
    const auto loaded_start = Clock::now();
    std::vector<TurnLatency> loaded;
    for (int i = 0; i < 5 && trickle.closed() == 0; ++i) {
        const auto more = turns(client, 1, 6 + i);
        loaded.insert(loaded.end(), more.begin(), more.end());
    }
    const auto loaded_end = Clock::now();
    trickle.join();

    std::vector<double> to_close;
    int closed = 0;
    Clock::time_point first_close = Clock::time_point::max();
    for (const auto& c : trickle.connections()) {
        if (!c->closed) continue;
        ++closed;
        first_close = std::min(first_close, c->closed_at);
        to_close.push_back(
            std::chrono::duration<double, std::milli>(c->closed_at - c->connected_at).count());
    }
    std::sort(to_close.begin(), to_close.end());
    auto first_audio = [](const std::vector<TurnLatency>& v) {
        std::vector<double> out;
        for (const auto& t : v) out.push_back(t.first_audio_ms);
        return out;
    };
    auto done = [](const std::vector<TurnLatency>& v) {
        std::vector<double> out;
        for (const auto& t : v) out.push_back(t.done_ms);
        return out;
    };
    const double quiet_first = median(first_audio(quiet)),
                 loaded_first = median(first_audio(loaded));
    const double quiet_done = median(done(quiet)), loaded_done = median(done(loaded));
    std::printf(
        "trickle: %d of %d connections closed by the server; connect->close min %.0f ms, "
        "median %.0f ms, max %.0f ms (header deadline %d ms)\n",
        closed, kConnections, to_close.empty() ? 0 : to_close.front(), median(to_close),
        to_close.empty() ? 0 : to_close.back(), kHeaderTimeoutMs);
    std::printf(
        "turn latency (medians of %zu and %zu), response.create -> first audio: %.1f ms quiet, "
        "%.1f ms under the trickle (x%.2f); -> response.done: %.1f ms quiet, %.1f ms (x%.2f)\n",
        quiet.size(), loaded.size(), quiet_first, loaded_first, loaded_first / quiet_first,
        quiet_done, loaded_done, loaded_done / quiet_done);
    std::printf("the loaded turns ran %.0f ms, ending %.0f ms before the first trickle close\n",
                std::chrono::duration<double, std::milli>(loaded_end - loaded_start).count(),
                std::chrono::duration<double, std::milli>(first_close - loaded_end).count());

    EXPECT_EQ(closed, kConnections);
    // Closed at the deadline: not before (it was still trickling), not much after.
    ASSERT_FALSE(to_close.empty());
    EXPECT_GE(to_close.front(), kHeaderTimeoutMs - 500);
    EXPECT_LE(to_close.back(), kHeaderTimeoutMs + 1000);
    // The conversation ran while the trickle was open, and kept its latency.
    ASSERT_EQ(quiet.size(), 5u);
    ASSERT_GE(loaded.size(), 3u);
    EXPECT_LT(loaded_first, 3 * quiet_first);
    EXPECT_LT(loaded_done, 3 * quiet_done);
    // Each was counted as a head that did not arrive in time. The deadline
    // closes the socket first and the connection's coroutine counts it when
    // it next runs, so the last counts may land just after the last close.
    const std::string counted = "confab_http_refused_total{reason=\"header_timeout\"} 500";
    bool all_counted = false;
    for (int attempt = 0; attempt < 50 && !all_counted; ++attempt) {
        all_counted = http_get(server.port(), "/metrics").body.find(counted) != std::string::npos;
        if (!all_counted) std::this_thread::sleep_for(std::chrono::milliseconds(40));
    }
    EXPECT_TRUE(all_counted) << http_get(server.port(), "/metrics").body;
}

}  // namespace
}  // namespace confab::test
