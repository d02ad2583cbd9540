#include "net/websocket_connection.hpp"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/serialize.hpp>

#include "metrics/metrics.hpp"
#include "net/admission_refusal.hpp"
#include "net/auth_gate.hpp"
#include "net/bounded_message_read.hpp"
#include "net/client_credential.hpp"
#include "net/close_cause.hpp"
#include "net/connection_errors.hpp"
#include "net/http_response.hpp"
#include "net/query_param.hpp"
#include "net/subprotocol_offer.hpp"
#include "net/use_nothrow.hpp"
#include "net/websocket_writer.hpp"
#include "protocol/server_events.hpp"
#include "session/realtime_session.hpp"
#include "session/session_resumption.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"

namespace confab::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;
using namespace std::chrono_literals;

namespace {

template <class Stream>
class WebSocketConnection final : public std::enable_shared_from_this<WebSocketConnection<Stream>>,
                                  public session::SessionControl,
                                  public pipeline::EventSink {
public:
    WebSocketConnection(Stream&& stream, ServerContext& context, ClientAddress peer,
                        AddressTicket ticket)
        : ws_(std::move(stream)),
          context_(context),
          ticket_(std::move(ticket)),
          limits_(context.config.limits),
          resumption_(context.resume_store, *this),
          source_address_(peer.text()),
          via_proxy_(peer.via_proxy),
          writer_(
              ws_,
              {limits_.max_outgoing_bytes, std::chrono::milliseconds(limits_.max_outgoing_lag_ms)},
              id_, context.metrics, [this](const std::string& why) { close_slow_client(why); }),
          idle_timer_(ws_.get_executor()) {}

    asio::awaitable<void> run(http::request<http::string_body> request);

    // SessionControl: called from any thread; hops onto the strand.
    void request_shutdown() override {
        asio::post(ws_.get_executor(),
                   [self = this->shared_from_this()] { self->on_shutdown_requested(); });
    }
    void force_close() override {
        asio::post(ws_.get_executor(), [self = this->shared_from_this()] {
            log::info("drain deadline passed: closing session", {{"session", self->id_}});
            if (!self->cause_) self->cause_ = CloseCause::drain_deadline;
            beast::get_lowest_layer(self->ws_).close();
        });
    }

    // EventSink: called on the strand by the session.
    void send_event(boost::json::object event, const std::string& response_id) override {
        if (writer_.closing()) return;
        if (context_.metrics != nullptr) count_if_error(event);
        if (context_.audit != nullptr && pass_) {
            // Limits refused inside the session are audited like those at the door.
            if (auto reason = refused_limit(event))
                audit_session("excess_rate_limit_exceeded", std::move(*reason));
        }
        writer_.push(boost::json::serialize(event), response_id);
    }
    std::size_t drop_response(const std::string& response_id) override {
        return writer_.drop_response(response_id);
    }

    // SessionControl: the admin view, from any thread.
    std::optional<session::SessionStats::Snapshot> snapshot() const override {
        const auto stats = stats_.load();
        if (!stats) return std::nullopt;
        return stats->read(id_, model_);
    }

private:
    // Flushes what is queued, then closes with the cause's code and `reason`
    // as the close frame's text.
    void close(CloseCause cause, const std::string& reason) {
        if (writer_.closing()) return;
        if (!cause_) cause_ = cause;
        writer_.close(websocket::close_reason(close_code_of(cause), reason));
    }

    // A client that does not read loses what is queued and is closed with
    // 1008. Its in-flight write may never finish (the peer's window is
    // shut), so the socket is cut if the close frame cannot go out in time.
    void close_slow_client(const std::string& why) {
        if (writer_.closing()) return;
        const std::size_t discarded = writer_.discard();
        log::warn(
            "slow client: closing with 1008",
            {{"session", id_}, {"why", why}, {"discarded_events", std::to_string(discarded)}});
        close(CloseCause::slow_client, "client too slow: " + why);
        auto cut =
            std::make_shared<asio::steady_timer>(ws_.get_executor(), std::chrono::seconds(2));
        cut->async_wait([self = this->shared_from_this(), cut](const boost::system::error_code&) {
            if (self->ws_.is_open()) beast::get_lowest_layer(self->ws_).close();
        });
    }

    void on_shutdown_requested() {
        if (!session_ || writer_.closing()) return;
        shutdown_requested_ = true;
        session_->notify_shutdown();
        if (!session_->busy()) close(CloseCause::shutdown, "server shutting down");
    }

    void configure_socket(std::optional<std::string_view> subprotocol);
    asio::awaitable<void> refuse_upgrade(const http::request<http::string_body>& request,
                                         const GateRefusal& refusal);
    void audit_session(std::string event, std::string reason) {
        if (context_.audit != nullptr)
            context_.audit->record(session_audit_entry(*pass_, source_address_, id_,
                                                       std::move(event), std::move(reason)));
    }
    std::optional<AdmissionRefusal> admit();
    asio::awaitable<void> read_until_closed();
    asio::awaitable<void> idle_watchdog();
    asio::awaitable<void> refuse(AdmissionRefusal refusal);
    void count_if_error(const boost::json::object& event) {
        if (const auto code = protocol::events::error_code_of(event))
            context_.metrics->errors_sent(*code).inc();
    }
    websocket::stream<Stream> ws_;
    ServerContext& context_;
    AddressTicket ticket_;  // the client's place in the per-address limits
    const SessionLimits& limits_;
    std::string id_ = make_id("sess");
    std::unique_ptr<session::SessionRegistry::Membership> membership_;
    std::unique_ptr<session::RealtimeSession> session_;
    session::SessionResumption resumption_;
    std::string model_;  // set before admission, then read-only (admin snapshots)
    // Who the client says it is (never logged), and who the auth gate found
    // it to be, with the key's session slot and quota for the session's life.
    ClientCredential credential_;
    std::optional<GatePass> pass_;
    std::string source_address_;  // the client, as the HTTP layer resolved it (trusted proxies)
    const bool via_proxy_;        // the request came through a trusted proxy
    std::atomic<std::shared_ptr<const session::SessionStats>> stats_;  // once the session exists
    std::optional<CloseCause> cause_;  // why the connection ends, once known
    std::string read_error_;           // the read error that ended it, if any
    std::size_t memory_at_end_ = 0;    // what the session held when it ended

    WebSocketWriter<websocket::stream<Stream>> writer_;
    bool shutdown_requested_ = false;

    asio::steady_timer idle_timer_;
    std::chrono::steady_clock::time_point last_activity_ = std::chrono::steady_clock::now();
};

template <class Stream>
asio::awaitable<void> WebSocketConnection<Stream>::refuse(AdmissionRefusal refusal) {
    const auto event =
        protocol::events::error(protocol::ProtocolError{refusal.code, refusal.message, "", ""});
    const std::string text = boost::json::serialize(event);
    if (context_.metrics != nullptr) count_if_error(event);
    ws_.text(true);
    co_await ws_.async_write(asio::buffer(text), use_nothrow);
    // A named local, not a temporary inside co_await: g++ 12 miscompiles those.
    const websocket::close_reason frame(static_cast<websocket::close_code>(refusal.close_code),
                                        refusal.close_text);
    co_await ws_.async_close(frame, use_nothrow);
}

// A handshake refused before the upgrade (an offer without `realtime`, the
// auth gate's 401/403/429): an HTTP answer with a Realtime error body that
// never repeats the offer or the credential.
template <class Stream>
asio::awaitable<void> WebSocketConnection<Stream>::refuse_upgrade(
    const http::request<http::string_body>& request, const GateRefusal& refusal) {
    log::info("websocket upgrade refused",
              {{"status", std::to_string(refusal.status)}, {"code", refusal.code}});
    auto response =
        respond_refused_upgrade(request, static_cast<http::status>(refusal.status), refusal.code,
                                refusal.message, refusal.retry_after_seconds);
    // The HTTP layer's read deadline still bounds this write.
    co_await beast::async_write(ws_.next_layer(), std::move(response), use_nothrow);
}

template <class Stream>
void WebSocketConnection<Stream>::configure_socket(std::optional<std::string_view> subprotocol) {
    // Beast pings after half the idle period without traffic and tears the
    // connection down after the whole period: this reaps dead peers.
    // The HTTP layer's read deadline must not apply to a long-lived socket.
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = 10s;
    timeouts.idle_timeout = std::chrono::milliseconds(2 * limits_.ping_interval_ms);
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    // Beast's own refusals (400, 426) pass through the decorator too; only
    // the 101 names the protocol.
    ws_.set_option(websocket::stream_base::decorator(
        [protocol = std::string(subprotocol.value_or(""))](websocket::response_type& res) {
            res.set(http::field::server, "confab");
            if (!protocol.empty() && res.result() == http::status::switching_protocols)
                res.set(http::field::sec_websocket_protocol, protocol);
        }));
    // Beast's limit off: read_until_closed applies ours, with a clean 1009 (bounded_message_read).
    ws_.read_message_max(0);
    if (limits_.socket_send_buffer_bytes > 0) {
        boost::system::error_code ignored;
        beast::get_lowest_layer(ws_).socket().set_option(
            asio::socket_base::send_buffer_size(limits_.socket_send_buffer_bytes), ignored);
    }
}

// Admission by the registry: a place, or what to tell the client (AdmissionRefusal's).
template <class Stream>
std::optional<AdmissionRefusal> WebSocketConnection<Stream>::admit() {
    session::SessionRegistry::Refusal why{};
    membership_ = context_.registry.try_admit(id_, model_, this->shared_from_this(), why);
    if (membership_) return std::nullopt;
    auto refusal = admission_refusal(why, context_.registry);
    if (context_.metrics != nullptr) context_.metrics->sessions_refused(refusal.label).inc();
    log::warn("session refused", {{"session", id_}, {"reason", refusal.label}});
    return refusal;
}

template <class Stream>
asio::awaitable<void> WebSocketConnection<Stream>::run(http::request<http::string_body> request) {
    auto self = this->shared_from_this();
    const std::string model_param = query_param(request.target(), "model");
    const std::string model = model_param.empty() ? "confab" : model_param;
    const auto offer = SubprotocolOffer::parse(request);
    if (!offer.acceptable()) {
        const GateRefusal refusal{400, "unsupported_subprotocol",
                                  std::string(SubprotocolOffer::kUnacceptable), 0};
        co_await refuse_upgrade(request, refusal);
        co_return;
    }
    credential_ = ClientCredential::from(request, offer);
    auto gate = check_upgrade(request, credential_, context_, source_address_, id_);
    if (!gate.pass) {
        co_await refuse_upgrade(request, gate.refusal);
        co_return;
    }
    pass_ = std::move(gate.pass);

    // Admitted before the upgrade: a trusted proxy is told 503, which HAProxy
    // retries on another node (deploy/haproxy.cfg); a direct client, in the socket.
    model_ = model;
    auto refusal = admit();
    if (refusal && via_proxy_) {
        const GateRefusal busy{503, refusal->code, refusal->message, 1};  // named: g++ 12
        co_await refuse_upgrade(request, busy);
        co_return;
    }
    configure_socket(offer.selected());
    auto [accept_ec] = co_await ws_.async_accept(request, use_nothrow);
    if (accept_ec) {
        log::info("websocket handshake failed", {{"error", accept_ec.message()}});
        co_return;
    }
    if (refusal) {
        co_await refuse(std::move(*refusal));
        co_return;
    }
    ticket_.authenticated();  // admitted: no longer counted as unauthenticated for its address
    if (context_.metrics != nullptr) context_.metrics->sessions_admitted.inc();
    log::info("session started", {{"session", id_},
                                  {"model", model},
                                  {"auth", credential_.source_name()},
                                  {"subprotocol", offer.selected().value_or("none")},
                                  {"key", pass_->identity.key_id},
                                  {"user", pass_->identity.user},
                                  {"address", source_address_}});
    audit_session("session_created", pass_->identity.via);

    resumption_.set_owner(pass_->identity.key_id);
    const std::string resume_token = resume_token_of(request);
    auto resumed = co_await resumption_.take(resume_token);
    session_ = std::make_unique<session::RealtimeSession>(ws_.get_executor(), context_.config,
                                                          context_.constraints, context_.engines,
                                                          *this, id_, model);
    stats_.store(session_->stats());
    session_->set_key_quota(pass_->quota);
    std::optional<protocol::ProtocolError> preset_error;
    if (pass_->identity.session) preset_error = session_->preset(*pass_->identity.session);
    // During shutdown a session closes as soon as its reply has finished.
    session_->on_idle([this] {
        if (shutdown_requested_) close(CloseCause::shutdown, "server shutting down");
    });
    resumption_.start(*session_, resume_token, std::move(resumed));
    // Checked when minted; a configuration that no longer applies (a voice
    // gone since) is said, and the session goes on with the defaults.
    if (preset_error) send_event(protocol::events::error(*preset_error), {});

    // The connection's lifetime, in one expression: it lasts until its
    // reader, its writer and both watchdogs have ended. The reader ends when
    // the client's side does (a close, an error, the socket cut by a
    // watchdog or the drain deadline) and then stops the other three; a
    // close the server decides is written by the writer, after what is
    // queued, and ends the reader in turn.
    using namespace asio::experimental::awaitable_operators;
    co_await (read_until_closed() && writer_.run() && writer_.watch_lag() && idle_watchdog());

    const auto reason = close_label(*cause_);
    if (context_.metrics != nullptr) context_.metrics->sessions_closed(reason).inc();
    log::info("session ended", {{"session", id_},
                                {"cause", close_description(*cause_)},
                                {"reason", reason},
                                {"read_error", read_error_},
                                {"memory_bytes", std::to_string(memory_at_end_)},
                                {"outgoing_peak_bytes", std::to_string(writer_.peak_bytes())},
                                {"audio_shed_chunks", std::to_string(writer_.shed_messages())},
                                {"audio_shed_bytes", std::to_string(writer_.shed_bytes())}});
    audit_session("session_expired", std::string(reason));
    membership_.reset();
}

template <class Stream>
asio::awaitable<void> WebSocketConnection<Stream>::read_until_closed() {
    beast::flat_buffer buffer;
    for (;;) {
        const auto ec = co_await read_bounded_message(ws_, buffer, limits_.max_message_bytes);
        if (ec) {
            if (ec != websocket::error::closed) read_error_ = ec.message();
            // 1009, by the writer; its close handshake drops the rest (bounded_message_read.hpp).
            if (ec == websocket::error::message_too_big)
                close(CloseCause::message_too_big, "message too big");
            if (!cause_) cause_ = close_cause_of_read_error(ec);
            break;
        }
        last_activity_ = std::chrono::steady_clock::now();
        if (!ws_.got_text()) {
            send_event(protocol::events::error(binary_frame_error()), {});
            buffer.consume(buffer.size());
            continue;
        }
        const auto data = buffer.cdata();
        session_->handle_text(std::string_view(static_cast<const char*>(data.data()), data.size()));
        buffer.consume(buffer.size());
    }

    // Stop the others. The session is parked at once (a client that
    // reconnects finds it) and destroyed, which cancels whatever it owns.
    writer_.stop();
    idle_timer_.cancel();
    memory_at_end_ = session_->memory_bytes() + writer_.bytes();
    resumption_.park(*session_);
    session_.reset();
}

template <class Stream>
asio::awaitable<void> WebSocketConnection<Stream>::idle_watchdog() {
    const auto idle = std::chrono::milliseconds(limits_.idle_timeout_ms);
    while (!writer_.closing()) {
        idle_timer_.expires_at(last_activity_ + idle);
        co_await idle_timer_.async_wait(use_nothrow);  // woken early only by cancel
        if (writer_.closing()) break;
        if (std::chrono::steady_clock::now() >= last_activity_ + idle) {
            log::info("session idle: closing", {{"session", id_}});
            send_event(protocol::events::error(idle_timeout_error(limits_.idle_timeout_ms)), {});
            close(CloseCause::idle_timeout, "idle timeout");
            break;
        }
    }
}

}  // namespace

template <class Stream>
asio::awaitable<void> serve_websocket(Stream stream, http::request<http::string_body> request,
                                      ServerContext& context, ClientAddress peer,
                                      AddressTicket ticket) {
    auto connection = std::make_shared<WebSocketConnection<Stream>>(std::move(stream), context,
                                                                    peer, std::move(ticket));
    co_await connection->run(std::move(request));
}

template asio::awaitable<void> serve_websocket<beast::tcp_stream>(beast::tcp_stream,
                                                                  http::request<http::string_body>,
                                                                  ServerContext&, ClientAddress,
                                                                  AddressTicket);
template asio::awaitable<void> serve_websocket<beast::ssl_stream<beast::tcp_stream>>(
    beast::ssl_stream<beast::tcp_stream>, http::request<http::string_body>, ServerContext&,
    ClientAddress, AddressTicket);

}  // namespace confab::net
