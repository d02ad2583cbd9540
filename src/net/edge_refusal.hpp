// What a client is told when the HTTP edge refuses it before any session
// exists: one row per refusal (HTTP status, error code, message naming the
// limit, the audit reason and metrics label), so the wording is decided in
// one place (docs/protocol.md, "Connecting"). Answered with a JSON error
// body and Connection: close (respond_refused); 429s carry Retry-After.
#pragma once
#include <boost/beast/http/status.hpp>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "net/address_limits.hpp"

namespace confab::net {

enum class EdgeRefusal {
    malformed_request,            // 400: not HTTP/1.x we can parse
    proxy_header,                 // 400: a PROXY header from a peer that is not a trusted proxy
    header_fields_too_large,      // 431: server.max_header_bytes
    target_too_long,              // 414: server.max_target_bytes
    body_too_large,               // 413: server.max_body_bytes
    connections_per_address,      // 429: limits.max_connections_per_address
    unauthenticated_per_address,  // 429: limits.max_unauthenticated_per_address
    handshakes_per_address,       // 429: limits.handshakes_per_second_per_address
    tracked_addresses,            // 429: limits.max_tracked_addresses
};

struct EdgeRefusalText {
    boost::beast::http::status status;
    std::string code;     // error.code of the JSON body
    std::string message;  // error.message: which limit, and its value
    std::string reason;   // the audit entry's reason, confab_http_refused_total{reason}
};

EdgeRefusalText describe(EdgeRefusal refusal, const Config& config);
EdgeRefusal edge_refusal_of(AddressLimits::Refusal refusal);

// Every reason describe() can give, plus "header_timeout" (a head that did
// not arrive in time, closed without an answer) and "proxy_header_missing"
// (a trusted proxy's connection without a valid PROXY header, closed):
// the metrics start each at 0.
inline constexpr std::string_view kEdgeRefusalReasons[] = {"malformed_request",
                                                           "proxy_header",
                                                           "max_header_bytes",
                                                           "max_target_bytes",
                                                           "max_body_bytes",
                                                           "connections_per_address",
                                                           "unauthenticated_per_address",
                                                           "handshakes_per_address",
                                                           "tracked_addresses",
                                                           "header_timeout",
                                                           "proxy_header_missing"};

}  // namespace confab::net
