#include "net/edge_refusal.hpp"

namespace confab::net {
namespace http = boost::beast::http;

namespace {
std::string rate_message(std::string_view what, int limit, std::string_view option) {
    return "Too many " + std::string(what) + " from your address (at most " +
           std::to_string(limit) + ", " + std::string(option) + "); retry after the Retry-After " +
           "delay.";
}
}  // namespace

EdgeRefusalText describe(EdgeRefusal refusal, const Config& config) {
    const auto& server = config.server;
    const auto& limits = config.limits;
    switch (refusal) {
        case EdgeRefusal::malformed_request:
            return {http::status::bad_request, "malformed_request",
                    "The request is not valid HTTP/1.1.", "malformed_request"};
        case EdgeRefusal::proxy_header:
            return {http::status::bad_request, "proxy_header_not_allowed",
                    "A PROXY protocol header is accepted only from a trusted proxy.",
                    "proxy_header"};
        case EdgeRefusal::header_fields_too_large:
            return {http::status::request_header_fields_too_large,
                    "request_header_fields_too_large",
                    "The request head exceeds " + std::to_string(server.max_header_bytes) +
                        " bytes (server.max_header_bytes).",
                    "max_header_bytes"};
        case EdgeRefusal::target_too_long:
            return {http::status::uri_too_long, "uri_too_long",
                    "The request target exceeds " + std::to_string(server.max_target_bytes) +
                        " bytes (server.max_target_bytes).",
                    "max_target_bytes"};
        case EdgeRefusal::body_too_large:
            return {http::status::payload_too_large, "payload_too_large",
                    "The request body exceeds " + std::to_string(server.max_body_bytes) +
                        " bytes (server.max_body_bytes).",
                    "max_body_bytes"};
        case EdgeRefusal::connections_per_address:
            return {http::status::too_many_requests, "rate_limit_exceeded",
                    rate_message("open connections", limits.max_connections_per_address,
                                 "limits.max_connections_per_address"),
                    "connections_per_address"};
        case EdgeRefusal::unauthenticated_per_address:
            return {http::status::too_many_requests, "rate_limit_exceeded",
                    rate_message("connections without a session",
                                 limits.max_unauthenticated_per_address,
                                 "limits.max_unauthenticated_per_address"),
                    "unauthenticated_per_address"};
        case EdgeRefusal::handshakes_per_address:
            return {http::status::too_many_requests, "rate_limit_exceeded",
                    rate_message("WebSocket handshakes per second",
                                 limits.handshakes_per_second_per_address,
                                 "limits.handshakes_per_second_per_address"),
                    "handshakes_per_address"};
        case EdgeRefusal::tracked_addresses:
            break;
    }
    return {http::status::too_many_requests, "rate_limit_exceeded",
            "The server is tracking as many client addresses as it may (" +
                std::to_string(limits.max_tracked_addresses) +
                ", limits.max_tracked_addresses); retry after the Retry-After delay.",
            "tracked_addresses"};
}

EdgeRefusal edge_refusal_of(AddressLimits::Refusal refusal) {
    switch (refusal) {
        case AddressLimits::Refusal::connections:
            return EdgeRefusal::connections_per_address;
        case AddressLimits::Refusal::unauthenticated:
            return EdgeRefusal::unauthenticated_per_address;
        case AddressLimits::Refusal::handshakes:
            return EdgeRefusal::handshakes_per_address;
        case AddressLimits::Refusal::tracked_addresses:
        case AddressLimits::Refusal::none:
            break;
    }
    return EdgeRefusal::tracked_addresses;
}

}  // namespace confab::net
