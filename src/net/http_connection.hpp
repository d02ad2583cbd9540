// One accepted TCP connection: optional TLS handshake, then HTTP/1.1
// keep-alive request handling until a WebSocket upgrade hands the stream to
// serve_websocket. The coroutine runs on the connection's own strand.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "net/server_context.hpp"

namespace confab::net {

boost::asio::awaitable<void> serve_connection(boost::asio::ip::tcp::socket socket,
                                              ServerContext& context);

}  // namespace confab::net
