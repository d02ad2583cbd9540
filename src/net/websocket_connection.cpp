#include "net/websocket_connection.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <atomic>
#include <deque>

#include "metrics/metrics.hpp"
#include "net/close_reason.hpp"
#include "protocol/server_events.hpp"
#include "session/realtime_session.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"

namespace confab::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;
using namespace std::chrono_literals;

namespace {

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// Reads the `model` query parameter the OpenAI SDKs put on the URL.
std::string model_from_target(std::string_view target) {
    auto url = boost::urls::parse_origin_form(target);
    if (!url) return {};
    for (const auto& param : url->params()) {
        if (param.key == "model") return param.value;
    }
    return {};
}

template <class Stream>
class WebSocketConnection final : public std::enable_shared_from_this<WebSocketConnection<Stream>>,
                                  public session::SessionControl,
                                  public session::EventSink {
public:
    WebSocketConnection(Stream&& stream, ServerContext& context)
        : ws_(std::move(stream)),
          context_(context),
          limits_(context.config.limits),
          wake_writer_(ws_.get_executor()),
          idle_timer_(ws_.get_executor()) {}

    asio::awaitable<void> run(http::request<http::string_body> request);

    // SessionControl: called from any thread; hops onto the strand.
    void request_shutdown() override {
        asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->on_shutdown_requested(); });
    }
    void force_close() override {
        asio::post(ws_.get_executor(), [self = this->shared_from_this()] {
            log::info("drain deadline passed: closing session", {{"session", self->id_}});
            if (self->end_reason_.empty()) self->end_reason_ = "drain_deadline";
            beast::get_lowest_layer(self->ws_).close();
        });
    }

    // EventSink: called on the strand by the session.
    void send_event(boost::json::object event, const std::string& response_id) override {
        if (closing_) return;
        if (context_.metrics != nullptr) count_if_error(event);
        queue_.push_back(Outgoing{boost::json::serialize(event), response_id});
        wake_writer_.cancel();
    }
    std::size_t drop_response(const std::string& response_id) override {
        std::size_t dropped = 0;
        std::erase_if(queue_, [&](const Outgoing& o) {
            const bool drop = !response_id.empty() && o.response_id == response_id;
            dropped += drop ? 1 : 0;
            return drop;
        });
        return dropped;
    }
    void close(int code, const std::string& reason) override {
        if (closing_) return;
        closing_ = true;
        if (end_reason_.empty()) end_reason_ = close_label_for_server(code, reason);
        close_reason_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
        wake_writer_.cancel();
    }

    // SessionControl: the admin view, from any thread.
    std::optional<session::SessionStats::Snapshot> snapshot() const override {
        const auto stats = stats_.load();
        if (!stats) return std::nullopt;
        return stats->read(id_, model_);
    }

private:
    struct Outgoing {
        std::string text;
        std::string response_id;
    };

    void on_shutdown_requested() {
        if (!session_ || closing_) return;
        shutdown_requested_ = true;
        session_->notify_shutdown();
        if (!session_->busy()) close(static_cast<int>(websocket::close_code::going_away), "server shutting down");
    }

    asio::awaitable<void> writer();
    asio::awaitable<void> idle_watchdog();
    asio::awaitable<void> refuse(std::string code, std::string message);
    void count_if_error(const boost::json::object& event) {
        const auto* type = event.if_contains("type");
        if (type == nullptr || !type->is_string() || type->get_string() != "error") return;
        const auto* error = event.if_contains("error");
        const auto* code = error != nullptr && error->is_object() ? error->get_object().if_contains("code") : nullptr;
        std::string_view name = "unknown";
        if (code != nullptr && code->is_string()) name = code->get_string();
        context_.metrics->errors_sent(name).inc();
    }

    websocket::stream<Stream> ws_;
    ServerContext& context_;
    const SessionLimits& limits_;
    std::string id_ = make_id("sess");
    std::unique_ptr<session::SessionRegistry::Membership> membership_;
    std::unique_ptr<session::RealtimeSession> session_;
    std::string model_;  // set before admission, then read-only (admin snapshots)
    std::atomic<std::shared_ptr<const session::SessionStats>> stats_;  // set once the session exists
    std::string end_reason_;  // label of confab_sessions_closed_total, once known

    std::deque<Outgoing> queue_;
    asio::steady_timer wake_writer_;  // cancelled to wake the writer: an event, not a poll
    bool closing_ = false;
    bool shutdown_requested_ = false;
    websocket::close_reason close_reason_;

    asio::steady_timer idle_timer_;
    std::chrono::steady_clock::time_point last_activity_ = std::chrono::steady_clock::now();
};

template <class Stream>
asio::awaitable<void> WebSocketConnection<Stream>::refuse(std::string code, std::string message) {
    const auto event = protocol::events::error(protocol::ProtocolError{std::move(code), std::move(message), "", ""});
    const std::string text = boost::json::serialize(event);
    if (context_.metrics != nullptr) count_if_error(event);
    ws_.text(true);
    co_await ws_.async_write(asio::buffer(text), use_nothrow);
    co_await ws_.async_close(websocket::close_reason(websocket::close_code::try_again_later, "server at capacity"),
                             use_nothrow);
}

template <class Stream>
asio::awaitable<void> WebSocketConnection<Stream>::run(http::request<http::string_body> request) {
    auto self = this->shared_from_this();
    const std::string model_param = model_from_target(request.target());
    const std::string model = model_param.empty() ? "confab" : model_param;
    const bool has_bearer = request[http::field::authorization].starts_with("Bearer ");

    // Beast pings after half the idle period without traffic and tears the
    // connection down after the whole period: this reaps dead peers.
    // The HTTP layer's read deadline must not apply to a long-lived socket.
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = 10s;
    timeouts.idle_timeout = std::chrono::milliseconds(2 * limits_.ping_interval_ms);
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "confab"); }));
    // A bigger frame fails the read and Beast closes with 1009 (too big).
    ws_.read_message_max(limits_.max_message_bytes);

    auto [accept_ec] = co_await ws_.async_accept(request, use_nothrow);
    if (accept_ec) {
        log::info("websocket handshake failed", {{"error", accept_ec.message()}});
        co_return;
    }

    session::SessionRegistry::Refusal why{};
    model_ = model;
    membership_ = context_.registry.try_admit(id_, model, self, why);
    if (!membership_) {
        const bool draining = why == session::SessionRegistry::Refusal::draining;
        if (context_.metrics != nullptr) context_.metrics->sessions_refused(draining ? "draining" : "at_capacity").inc();
        log::warn("session refused", {{"session", id_}, {"reason", draining ? "draining" : "at_capacity"}});
        // Named locals, not ?: temporaries inside co_await: g++ 12 miscompiles those.
        std::string code = "server_at_capacity";
        std::string message =
            "The server is at capacity (" + std::to_string(context_.registry.max_sessions()) + " sessions); retry shortly.";
        if (draining) {
            code = "server_shutting_down";
            message = "The server is shutting down; try another server or retry shortly.";
        }
        co_await refuse(std::move(code), std::move(message));
        co_return;
    }
    if (context_.metrics != nullptr) context_.metrics->sessions_admitted.inc();
    log::info("session started", {{"session", id_}, {"model", model}, {"auth", has_bearer ? "bearer" : "none"}});

    session_ = std::make_unique<session::RealtimeSession>(ws_.get_executor(), context_.config, context_.constraints,
                                                          context_.engines, *this, id_, model);
    stats_.store(session_->stats());
    // During shutdown a session closes as soon as its reply has finished.
    session_->on_idle([this] {
        if (shutdown_requested_) close(static_cast<int>(websocket::close_code::going_away), "server shutting down");
    });
    asio::co_spawn(ws_.get_executor(), writer(), asio::detached);
    asio::co_spawn(ws_.get_executor(), idle_watchdog(), asio::detached);
    session_->start();

    beast::flat_buffer buffer;
    std::string close_cause = "client closed";
    for (;;) {
        auto [ec, bytes] = co_await ws_.async_read(buffer, use_nothrow);
        if (ec) {
            if (end_reason_.empty()) end_reason_ = close_label_for_read_error(ec);
            if (ec == websocket::error::message_too_big) {
                close_cause = "message too big (1009)";
            } else if (ec == beast::error::timeout) {
                close_cause = "peer unresponsive (ping timeout)";
            } else if (ec != websocket::error::closed) {
                close_cause = ec.message();
            }
            break;
        }
        last_activity_ = std::chrono::steady_clock::now();
        membership_->touch();
        if (!ws_.got_text()) {
            send_event(protocol::events::error(protocol::ProtocolError{
                           "invalid_frame", "Binary frames are not supported: send JSON events as text frames.",
                           "", ""}),
                       {});
            buffer.consume(buffer.size());
            continue;
        }
        const auto data = buffer.cdata();
        session_->handle_text(std::string_view(static_cast<const char*>(data.data()), data.size()));
        buffer.consume(buffer.size());
    }

    // Stop the helpers; the session's destructor cancels whatever it owns.
    closing_ = true;
    wake_writer_.cancel();
    idle_timer_.cancel();
    session_.reset();
    if (context_.metrics != nullptr) context_.metrics->sessions_closed(end_reason_).inc();
    log::info("session ended", {{"session", id_}, {"cause", close_cause}, {"reason", end_reason_}});
    membership_.reset();
}

template <class Stream>
asio::awaitable<void> WebSocketConnection<Stream>::writer() {
    auto self = this->shared_from_this();
    for (;;) {
        if (queue_.empty()) {
            if (closing_) break;
            wake_writer_.expires_at(asio::steady_timer::time_point::max());
            co_await wake_writer_.async_wait(use_nothrow);
            continue;
        }
        Outgoing next = std::move(queue_.front());
        queue_.pop_front();
        ws_.text(true);
        auto [ec, n] = co_await ws_.async_write(asio::buffer(next.text), use_nothrow);
        if (ec) {
            closing_ = true;
            queue_.clear();
            co_return;
        }
    }
    if (close_reason_.code != websocket::close_code::none && ws_.is_open()) {
        co_await ws_.async_close(close_reason_, use_nothrow);
    }
}

template <class Stream>
asio::awaitable<void> WebSocketConnection<Stream>::idle_watchdog() {
    auto self = this->shared_from_this();
    const auto idle = std::chrono::milliseconds(limits_.idle_timeout_ms);
    while (!closing_) {
        idle_timer_.expires_at(last_activity_ + idle);
        co_await idle_timer_.async_wait(use_nothrow);  // woken early only by cancel
        if (closing_) break;
        if (std::chrono::steady_clock::now() >= last_activity_ + idle) {
            log::info("session idle: closing", {{"session", id_}});
            send_event(protocol::events::error(protocol::ProtocolError{
                           "session_idle_timeout",
                           "No client event for " + std::to_string(limits_.idle_timeout_ms) +
                               " ms; the session is closed.",
                           "", ""}),
                       {});
            close(static_cast<int>(websocket::close_code::normal), "idle timeout");
            break;
        }
    }
}

}  // namespace

template <class Stream>
asio::awaitable<void> serve_websocket(Stream stream, http::request<http::string_body> request,
                                      ServerContext& context) {
    auto connection = std::make_shared<WebSocketConnection<Stream>>(std::move(stream), context);
    co_await connection->run(std::move(request));
}

template asio::awaitable<void> serve_websocket<beast::tcp_stream>(beast::tcp_stream,
                                                                  http::request<http::string_body>,
                                                                  ServerContext&);
template asio::awaitable<void> serve_websocket<beast::ssl_stream<beast::tcp_stream>>(
    beast::ssl_stream<beast::tcp_stream>, http::request<http::string_body>, ServerContext&);

}  // namespace confab::net
