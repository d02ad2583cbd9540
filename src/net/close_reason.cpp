#include "net/close_reason.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

namespace confab::net {
namespace websocket = boost::beast::websocket;

std::string close_label_for_server(int code, std::string_view reason) {
    if (code == static_cast<int>(websocket::close_code::going_away)) return "shutdown";
    if (code == static_cast<int>(websocket::close_code::policy_error)) return "slow_client";
    if (reason.find("idle") != std::string_view::npos) return "idle_timeout";
    return "server_closed";
}

std::string close_label_for_read_error(const boost::system::error_code& ec) {
    if (!ec || ec == websocket::error::closed) return "client_closed";
    if (ec == websocket::error::message_too_big) return "message_too_big";
    if (ec == boost::beast::error::timeout) return "ping_timeout";
    return "network_error";
}

}  // namespace confab::net
