#include "net/close_cause.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/websocket/error.hpp>

namespace confab::net {
namespace websocket = boost::beast::websocket;

namespace {
struct Names {
    std::string_view label;
    std::string_view description;
};

Names names_of(CloseCause cause) {
    switch (cause) {
        case CloseCause::client_closed:
            return {"client_closed", "client closed"};
        case CloseCause::message_too_big:
            return {"message_too_big", "message too big (1009)"};
        case CloseCause::ping_timeout:
            return {"ping_timeout", "peer unresponsive (ping timeout)"};
        case CloseCause::network_error:
            return {"network_error", "network error"};
        case CloseCause::idle_timeout:
            return {"idle_timeout", "idle timeout"};
        case CloseCause::shutdown:
            return {"shutdown", "server shutting down"};
        case CloseCause::slow_client:
            return {"slow_client", "client too slow to read"};
        case CloseCause::drain_deadline:
            return {"drain_deadline", "drain deadline passed"};
    }
    return {"network_error", "network error"};
}
}  // namespace

std::string_view close_label(CloseCause cause) {
    return names_of(cause).label;
}

std::string_view close_description(CloseCause cause) {
    return names_of(cause).description;
}

websocket::close_code close_code_of(CloseCause cause) {
    switch (cause) {
        case CloseCause::shutdown:
            return websocket::close_code::going_away;
        case CloseCause::slow_client:
            return websocket::close_code::policy_error;
        case CloseCause::message_too_big:
            return websocket::close_code::too_big;
        case CloseCause::idle_timeout:
        case CloseCause::client_closed:
            return websocket::close_code::normal;
        default:
            return websocket::close_code::abnormal;  // no frame: the socket is cut
    }
}

CloseCause close_cause_of_read_error(const boost::system::error_code& ec) {
    if (!ec || ec == websocket::error::closed) return CloseCause::client_closed;
    if (ec == websocket::error::message_too_big) return CloseCause::message_too_big;
    if (ec == boost::beast::error::timeout) return CloseCause::ping_timeout;
    return CloseCause::network_error;
}

}  // namespace confab::net
