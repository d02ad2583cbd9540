#include "loadgen/simulated_user.hpp"

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <optional>

#include "loadgen/json_access.hpp"

// g++ 12 false positive on Asio coroutine frames (as in src/engines/llm/openai_chat_model.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace confab::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
constexpr auto kFrame = 20ms;
}  // namespace

struct SimulatedUser::Impl {
    Impl(asio::any_io_executor executor, const ServerEndpoint& server_, const AudioLibrary& audio,
         BenchResults& results_, UserTurns::Settings settings, const RunWindow& window_,
         SessionPlan plan_)
        : server(server_),
          results(results_),
          window(window_),
          plan(plan_),
          ws(executor),
          clock(executor),
          turns(audio, results_, settings) {}

    asio::awaitable<bool> connect();
    asio::awaitable<void> reader();
    asio::awaitable<void> sender();
    void on_message(std::string_view text);
    // True when the plan says this session should hang up now.
    bool hangup_due(Clock::time_point now) const;

    const ServerEndpoint& server;
    BenchResults& results;
    const RunWindow& window;
    const SessionPlan plan;
    websocket::stream<beast::tcp_stream> ws;
    asio::steady_timer clock;  // the frame clock; cancelled when the reader ends
    UserTurns turns;
    bool admitted = false;  // session.created arrived
    bool rejected = false;  // server_at_capacity / 1013
    bool closed = false;    // the reader has ended
    bool left = false;      // the user hung up on purpose (plan)
    std::optional<Clock::time_point> admitted_at;
};

SimulatedUser::SimulatedUser(asio::any_io_executor executor, const ServerEndpoint& server,
                             const AudioLibrary& audio, BenchResults& results,
                             UserTurns::Settings settings, const RunWindow& window,
                             SessionPlan plan)
    : impl_(std::make_unique<Impl>(std::move(executor), server, audio, results, settings, window,
                                   plan)) {}

SimulatedUser::~SimulatedUser() = default;

asio::awaitable<void> SimulatedUser::run(Clock::time_point start) {
    Impl& s = *impl_;
    s.clock.expires_at(start);
    co_await s.clock.async_wait(nothrow);
    if (Clock::now() >= s.window.end) co_return;
    if (!co_await s.connect()) {
        ++s.results.connect_failures;
        co_return;
    }
    co_await (s.reader() && s.sender());
    const auto now = Clock::now();
    const bool run_over = now >= s.window.end;
    if (s.admitted && !run_over && !s.left) ++s.results.disconnects;
    if (s.admitted_at) {
        s.results.user_connected_s +=
            std::chrono::duration<double>(std::min(now, s.window.end) - *s.admitted_at).count();
    }
    using Ending = UserTurns::Ending;
    s.turns.finish(s.left ? Ending::user_left
                          : (run_over ? Ending::run_over : Ending::connection_lost));
}

bool SimulatedUser::Impl::hangup_due(Clock::time_point now) const {
    if (plan.hangup == SessionPlan::Hangup::after_turns) {
        return plan.max_turns > 0 && turns.settled_turns() >= plan.max_turns;
    }
    // A mid-reply hang-up that never got a reply to hang up on ends with the turn.
    if (turns.settled_turns() >= std::max(plan.max_turns, 1)) return true;
    const auto heard = turns.reply_heard(now);
    return heard && *heard >= plan.hangup_after;
}

asio::awaitable<bool> SimulatedUser::Impl::connect() {
    auto& tcp = beast::get_lowest_layer(ws);
    tcp.expires_after(5s);
    auto [ec] = co_await tcp.async_connect(server.address, nothrow);
    if (ec) co_return false;
    tcp.expires_never();
    // Small frames every 20 ms: Nagle's algorithm would hold them back.
    tcp.socket().set_option(asio::ip::tcp::no_delay(true), ec);
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = 5s;  // also bounds the closing handshake
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws.set_option(timeouts);
    ws.read_message_max(64 * 1024 * 1024);
    auto [hec] = co_await ws.async_handshake(server.host, server.target, nothrow);
    co_return !hec;
}

asio::awaitable<void> SimulatedUser::Impl::reader() {
    beast::flat_buffer buffer;
    for (;;) {
        auto [ec, n] = co_await ws.async_read(buffer, nothrow);
        if (ec) {
            if (ec == websocket::error::closed &&
                ws.reason().code == websocket::close_code::try_again_later && !rejected) {
                rejected = true;
                ++results.rejections;
            }
            break;
        }
        const auto data = buffer.cdata();
        // Once the user has hung up, what the server still sends (e.g. the
        // cancelled reply's response.done) is nobody's business: not a failed turn.
        if (!left) on_message(std::string_view(static_cast<const char*>(data.data()), data.size()));
        buffer.consume(buffer.size());
    }
    closed = true;
    clock.cancel();  // wake the sender: there is nobody left to talk to
}

void SimulatedUser::Impl::on_message(std::string_view text) {
    const auto now = Clock::now();
    boost::system::error_code ec;
    auto value = boost::json::parse(text, ec);
    if (ec || !value.is_object()) {
        ++results.errors["client:non_json_message"];
        return;
    }
    const auto& event = value.get_object();
    if (!admitted && !rejected) {
        const std::string_view type = string_field(event, "type");
        if (type == "session.created") {
            admitted = true;
            admitted_at = now;
            ++results.users_connected;
        } else if (type == "error" &&
                   string_field(object_field(event, "error"), "code") == "server_at_capacity") {
            rejected = true;
            ++results.rejections;
        }
    }
    turns.on_event(event, now);
}

asio::awaitable<void> SimulatedUser::Impl::sender() {
    ws.text(true);
    // Absolute deadlines: a late tick does not push every later frame back.
    auto deadline = Clock::now();
    while (!closed) {
        clock.expires_at(deadline);
        co_await clock.async_wait(nothrow);
        const auto now = Clock::now();
        if (closed || now >= window.end) break;
        if (admitted && hangup_due(now)) {
            left = true;
            break;
        }
        if (!admitted) {  // nothing to say until session.created
            deadline += kFrame;
            continue;
        }
        results.tick_lateness_ms.add(
            std::chrono::duration<double, std::milli>(now - deadline).count());
        bool failed = false;
        for (const auto& control : turns.take_control_events()) {
            auto [ec, n] = co_await ws.async_write(asio::buffer(control), nothrow);
            failed = failed || static_cast<bool>(ec);
        }
        const std::string& frame = turns.next_frame(now);
        auto [ec, n] = co_await ws.async_write(asio::buffer(frame), nothrow);
        if (failed || ec) break;
        turns.frame_sent(Clock::now());
        deadline += kFrame;
    }
    const bool mid_reply = left && turns.reply_heard(Clock::now()).has_value();
    if (!closed && mid_reply && plan.hangup == SessionPlan::Hangup::mid_reply_drop) {
        // A browser tab killed mid-reply: no close frame, just a TCP close.
        // Cancelling the reader's pending read with the socket ends it.
        ++results.sessions_dropped_mid_reply;
        beast::error_code ignored;
        beast::get_lowest_layer(ws).socket().shutdown(asio::ip::tcp::socket::shutdown_both,
                                                      ignored);
        beast::get_lowest_layer(ws).socket().close(ignored);
    } else if (!closed) {
        if (mid_reply) ++results.sessions_left_mid_reply;
        // The reader sees the close reply and ends; if the peer never answers,
        // the close timeout ends the handshake and the socket is shut.
        auto [ec] = co_await ws.async_close(websocket::close_code::normal, nothrow);
        if (ec) {
            beast::error_code ignored;
            beast::get_lowest_layer(ws).socket().close(ignored);
        }
    }
}

}  // namespace confab::bench
