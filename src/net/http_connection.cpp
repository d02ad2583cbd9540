#include "net/http_connection.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>

#include "net/auth_routes.hpp"
#include "net/connection_edge.hpp"
#include "net/http_response.hpp"
#include "net/http_router.hpp"
#include "net/lingering_close.hpp"
#include "net/proxy_header_reader.hpp"
#include "net/request_read_error.hpp"
#include "net/use_nothrow.hpp"
#include "net/websocket_connection.hpp"
#include "util/log.hpp"

// g++ 12 false positive on Asio coroutine frames inlined into their caller
// (see engines/llm/openai_chat_model.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace confab::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace std::chrono_literals;

namespace {

// A response (static files included) must be taken by the client within
// this; the head and body deadlines are the configured ones.
constexpr auto kWriteTimeout = 30s;

bool is_realtime_upgrade(const http::request<http::string_body>& req) {
    if (!beast::websocket::is_upgrade(req)) return false;
    const std::string_view target = req.target();
    return target.substr(0, target.find('?')) == "/v1/realtime";
}

std::string_view bytes_of(const beast::flat_buffer& buffer) {
    const auto data = buffer.cdata();
    return {static_cast<const char*>(data.data()), data.size()};
}

// Answers `refusal` (recorded first), then closes without a reset.
template <class Stream>
asio::awaitable<void> refuse(Stream& stream, const ConnectionEdge& edge, EdgeRefusal refusal,
                             const ConnectionEdge::Head* head) {
    const auto text = describe(refusal, edge.context().config);
    edge.record(text.reason, head);
    const unsigned version = head != nullptr && head->version() == 10 ? 10 : 11;
    std::chrono::seconds retry_after{0};
    if (text.status == http::status::too_many_requests) retry_after = edge.retry_after();
    auto response = respond_refused(version, text.status, text.code, text.message, retry_after);
    beast::get_lowest_layer(stream).expires_after(
        std::chrono::milliseconds(edge.context().config.server.header_timeout_ms));
    auto [ec, n] = co_await beast::async_write(stream, std::move(response), use_nothrow);
    if (!ec) co_await lingering_close(stream);
}

template <class Stream>
asio::awaitable<void> close_gracefully(Stream& stream) {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
        beast::error_code ignored;
        stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    } else {
        beast::get_lowest_layer(stream).expires_after(2s);
        co_await stream.async_shutdown(use_nothrow);
    }
}

// The keep-alive loop. Each request head must arrive whole within
// server.header_timeout_ms of the previous response (or of the accept): a
// client that trickles its head, or idles, is closed then. Its body gets
// server.body_timeout_ms of its own. Oversize heads, targets and bodies,
// malformed requests and the per-address limits are answered (431, 414,
// 413, 400, 429) before the connection closes.
template <class Stream>
asio::awaitable<void> serve_http(Stream stream, beast::flat_buffer buffer, ServerContext& context,
                                 ConnectionEdge edge, std::optional<EdgeRefusal> at_accept) {
    const ServerConfig& server = context.config.server;
    auto& tcp = beast::get_lowest_layer(stream);
    // Over a limit on open connections: answered at once, unread.
    if (at_accept) {
        co_await refuse(stream, edge, *at_accept, nullptr);
        co_return;
    }
    for (;;) {
        tcp.expires_after(std::chrono::milliseconds(server.header_timeout_ms));
        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(server.max_header_bytes));
        parser.body_limit(server.max_body_bytes);
        auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_nothrow);
        std::optional<EdgeRefusal> refusal;
        if (ec) {
            refusal = refusal_for_read_error(ec, parser.get().target(), bytes_of(buffer),
                                             server.max_target_bytes);
            // A head begun but not finished in time: a trickling client.
            if (!refusal && ec == beast::error::timeout && parser.got_some())
                edge.record("header_timeout", nullptr);
            if (!refusal) break;
        } else if (parser.get().target().size() > server.max_target_bytes) {
            refusal = EdgeRefusal::target_too_long;
        } else {
            refusal = edge.on_request(parser.get().base());
        }
        // The parsed fields (user agent, origin) are there unless the head itself was refused.
        const bool head_read = !ec || ec == http::error::body_limit;
        const ConnectionEdge::Head* head = head_read ? &parser.get().base() : nullptr;
        if (refusal) {
            co_await refuse(stream, edge, *refusal, head);
            co_return;
        }
        if (!parser.is_done()) {
            tcp.expires_after(std::chrono::milliseconds(server.body_timeout_ms));
            auto [body_ec, body_n] = co_await http::async_read(stream, buffer, parser, use_nothrow);
            if (body_ec) {
                refusal = refusal_for_read_error(body_ec, {}, {}, server.max_target_bytes);
                if (refusal) co_await refuse(stream, edge, *refusal, head);
                co_return;
            }
        }
        auto req = parser.release();
        if (is_realtime_upgrade(req)) {
            refusal = edge.on_upgrade();
            if (refusal) {
                co_await refuse(stream, edge, *refusal, &req.base());
                co_return;
            }
            // Bounds a refusal the WebSocket layer writes before its upgrade;
            // an accepted WebSocket sets its own timeouts.
            tcp.expires_after(std::chrono::milliseconds(server.header_timeout_ms));
            co_await serve_websocket(std::move(stream), std::move(req), context, edge.client(),
                                     edge.take_ticket());
            co_return;
        }
        const bool keep_alive = req.keep_alive();
        // The client as resolved above (trusted proxies), for the auth endpoints' audit lines.
        const std::string source = edge.client().text();
        // The login checks a password off the I/O thread, so it is awaited
        // (in a statement of its own: g++ 12 miscompiles co_await inside ?:).
        std::optional<http::message_generator> response;
        if (is_login(req)) {
            auto login = co_await serve_login(req, context, source);
            response.emplace(std::move(login));
        } else {
            response.emplace(route_http(req, context, source));
        }
        tcp.expires_after(kWriteTimeout);
        auto [wec, wn] = co_await beast::async_write(stream, std::move(*response), use_nothrow);
        if (wec || !keep_alive) break;
    }
    co_await close_gracefully(stream);
}

}  // namespace

asio::awaitable<void> serve_connection(asio::ip::tcp::socket socket, ServerContext& context) {
    boost::system::error_code peer_ec;
    const auto peer = socket.remote_endpoint(peer_ec);
    if (peer_ec) co_return;  // reset before we got to it
    ConnectionEdge edge(context, peer.address());
    beast::tcp_stream tcp(std::move(socket));
    const auto head_deadline = std::chrono::milliseconds(context.config.server.header_timeout_ms);
    beast::flat_buffer buffer;
    if (edge.expects_proxy_header()) {
        tcp.expires_after(head_deadline);
        const auto header = co_await read_proxy_header(tcp, buffer);
        if (header.status != ProxyHeader::Status::complete) {
            edge.record("proxy_header_missing", nullptr);
            co_return;
        }
        edge.set_proxy_source(header.source);
    }
    auto at_accept = edge.on_accept();
    if (context.tls == nullptr) {
        co_await serve_http(std::move(tcp), std::move(buffer), context, std::move(edge), at_accept);
        co_return;
    }
    beast::ssl_stream<beast::tcp_stream> tls(std::move(tcp), *context.tls);
    beast::get_lowest_layer(tls).expires_after(head_deadline);
    // Bytes read past a PROXY header are the start of the TLS handshake.
    auto [ec, used] =
        co_await tls.async_handshake(asio::ssl::stream_base::server, buffer.data(), use_nothrow);
    if (ec) {
        log::debug("TLS handshake failed", {{"error", ec.message()}});
        co_return;
    }
    buffer.consume(buffer.size());
    co_await serve_http(std::move(tls), std::move(buffer), context, std::move(edge), at_accept);
}

}  // namespace confab::net
