// Serves one upgraded WebSocket on /v1/realtime: admission, one RealtimeSession,
// the single writer with its bounded outgoing queue, keep-alive pings and the
// idle timeout. Runs entirely on the connection's strand.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "net/address_ticket.hpp"
#include "net/client_address.hpp"
#include "net/server_context.hpp"

namespace confab::net {

// Stream is beast::tcp_stream or beast::ssl_stream<beast::tcp_stream>
// (explicitly instantiated in the .cpp). `peer`: the client, as the HTTP
// layer resolved it (trusted proxies); `ticket`: its place in the
// per-address limits, marked authenticated once the session is admitted.
template <class Stream>
boost::asio::awaitable<void> serve_websocket(
    Stream stream, boost::beast::http::request<boost::beast::http::string_body> request,
    ServerContext& context, ClientAddress peer, AddressTicket ticket);

}  // namespace confab::net
