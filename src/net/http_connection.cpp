#include "net/http_connection.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>

#include "net/auth_routes.hpp"
#include "net/http_router.hpp"
#include "net/use_nothrow.hpp"
#include "net/websocket_connection.hpp"
#include "util/log.hpp"

namespace confab::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace std::chrono_literals;

namespace {

bool is_realtime_upgrade(const http::request<http::string_body>& req) {
    if (!beast::websocket::is_upgrade(req)) return false;
    const std::string_view target = req.target();
    return target.substr(0, target.find('?')) == "/v1/realtime";
}

template <class Stream>
asio::awaitable<void> serve_http(Stream stream, ServerContext& context) {
    beast::flat_buffer buffer;
    for (;;) {
        beast::get_lowest_layer(stream).expires_after(30s);
        http::request_parser<http::string_body> parser;
        parser.header_limit(16 * 1024);
        parser.body_limit(64 * 1024);
        auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_nothrow);
        if (ec) break;  // closed, timed out or malformed: nothing useful to answer
        auto req = parser.release();
        if (is_realtime_upgrade(req)) {
            co_await serve_websocket(std::move(stream), std::move(req), context);
            co_return;
        }
        const bool keep_alive = req.keep_alive();
        boost::system::error_code peer_ec;
        const std::string source =
            beast::get_lowest_layer(stream).socket().remote_endpoint(peer_ec).address().to_string();
        // The login checks a password off the I/O thread, so it is awaited
        // (in a statement of its own: g++ 12 miscompiles co_await inside ?:).
        std::optional<http::message_generator> response;
        if (is_login(req)) {
            auto login = co_await serve_login(req, context, source);
            response.emplace(std::move(login));
        } else {
            response.emplace(route_http(req, context, source));
        }
        auto [wec, wn] = co_await beast::async_write(stream, std::move(*response), use_nothrow);
        if (wec || !keep_alive) break;
    }
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
        beast::error_code ignored;
        stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    } else {
        beast::get_lowest_layer(stream).expires_after(2s);
        co_await stream.async_shutdown(use_nothrow);
    }
}

}  // namespace

asio::awaitable<void> serve_connection(asio::ip::tcp::socket socket, ServerContext& context) {
    beast::tcp_stream tcp(std::move(socket));
    if (context.tls == nullptr) {
        co_await serve_http(std::move(tcp), context);
        co_return;
    }
    beast::ssl_stream<beast::tcp_stream> tls(std::move(tcp), *context.tls);
    beast::get_lowest_layer(tls).expires_after(10s);
    auto [ec] = co_await tls.async_handshake(asio::ssl::stream_base::server, use_nothrow);
    if (ec) {
        log::debug("TLS handshake failed", {{"error", ec.message()}});
        co_return;
    }
    co_await serve_http(std::move(tls), context);
}

}  // namespace confab::net
