// The edge's refusals, one row each: status, error code, a message naming
// the limit and its value, and the reason the audit log and metrics use.
#include "net/edge_refusal.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace confab::net {
namespace {
namespace http = boost::beast::http;

TEST(EdgeRefusal, EachRefusalHasItsStatusCodeAndReason) {
    Config config;
    config.server.max_header_bytes = 12345;
    config.limits.max_connections_per_address = 7;
    struct Row {
        EdgeRefusal refusal;
        http::status status;
        const char* code;
        const char* reason;
        const char* in_message;
    };
    const Row rows[] = {
        {EdgeRefusal::malformed_request, http::status::bad_request, "malformed_request",
         "malformed_request", "HTTP"},
        {EdgeRefusal::proxy_header, http::status::bad_request, "proxy_header_not_allowed",
         "proxy_header", "trusted proxy"},
        {EdgeRefusal::header_fields_too_large, http::status::request_header_fields_too_large,
         "request_header_fields_too_large", "max_header_bytes", "12345"},
        {EdgeRefusal::target_too_long, http::status::uri_too_long, "uri_too_long",
         "max_target_bytes", "8192"},
        {EdgeRefusal::body_too_large, http::status::payload_too_large, "payload_too_large",
         "max_body_bytes", "65536"},
        {EdgeRefusal::connections_per_address, http::status::too_many_requests,
         "rate_limit_exceeded", "connections_per_address", "at most 7"},
        {EdgeRefusal::unauthenticated_per_address, http::status::too_many_requests,
         "rate_limit_exceeded", "unauthenticated_per_address", "max_unauthenticated_per_address"},
        {EdgeRefusal::handshakes_per_address, http::status::too_many_requests,
         "rate_limit_exceeded", "handshakes_per_address", "handshakes_per_second_per_address"},
        {EdgeRefusal::tracked_addresses, http::status::too_many_requests, "rate_limit_exceeded",
         "tracked_addresses", "65536"},
    };
    for (const auto& row : rows) {
        const auto text = describe(row.refusal, config);
        EXPECT_EQ(text.status, row.status) << row.reason;
        EXPECT_EQ(text.code, row.code) << row.reason;
        EXPECT_EQ(text.reason, row.reason);
        EXPECT_NE(text.message.find(row.in_message), std::string::npos) << text.message;
        // Every reason starts at 0 in the metrics.
        EXPECT_NE(
            std::find(std::begin(kEdgeRefusalReasons), std::end(kEdgeRefusalReasons), text.reason),
            std::end(kEdgeRefusalReasons))
            << text.reason;
    }
}

TEST(EdgeRefusal, TheLimitsRefusalsMapToTheirRows) {
    using R = AddressLimits::Refusal;
    EXPECT_EQ(edge_refusal_of(R::connections), EdgeRefusal::connections_per_address);
    EXPECT_EQ(edge_refusal_of(R::unauthenticated), EdgeRefusal::unauthenticated_per_address);
    EXPECT_EQ(edge_refusal_of(R::handshakes), EdgeRefusal::handshakes_per_address);
    EXPECT_EQ(edge_refusal_of(R::tracked_addresses), EdgeRefusal::tracked_addresses);
}

}  // namespace
}  // namespace confab::net
