// Why a session's connection ended: one value, set once where the end is
// decided (the first cause wins), from which the metric label
// (confab_sessions_closed_total{reason}), the log line and, when the server
// is the one closing, the close frame's code all follow.
#pragma once
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/system/error_code.hpp>
#include <string_view>

namespace confab::net {

enum class CloseCause {
    // The client's side ended the read loop.
    client_closed,
    message_too_big,  // Beast closed with 1009
    ping_timeout,     // no pong within the idle period
    network_error,
    // The server closed.
    idle_timeout,    // no client event for limits.idle_timeout_ms (1000)
    shutdown,        // the server is draining (1001)
    slow_client,     // the client did not read its events (1008)
    drain_deadline,  // still open when the drain deadline passed (socket cut)
};

std::string_view close_label(CloseCause cause);
// The same in words, for the "session ended" log line.
std::string_view close_description(CloseCause cause);
// The close code the server sends for a cause it closes for.
boost::beast::websocket::close_code close_code_of(CloseCause cause);
CloseCause close_cause_of_read_error(const boost::system::error_code& ec);

}  // namespace confab::net
