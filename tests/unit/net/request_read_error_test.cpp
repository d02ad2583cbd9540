// Which answer a failed request read gets: 431 for a head over the limit,
// 414 when it is the target that is too long (even past the head limit), 413
// for a body, 400 for malformed requests, nothing when the peer went away.
#include "net/request_read_error.hpp"

#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <string>

namespace confab::net {
namespace {
namespace http = boost::beast::http;

TEST(RequestReadError, TheTargetIsMeasuredInWhatWasRead) {
    EXPECT_EQ(request_target_length("GET /abc HTTP/1.1\r\n"), 4u);
    EXPECT_EQ(request_target_length("GET /abcdef"), 7u);  // still arriving
    EXPECT_EQ(request_target_length("GET"), 0u);
    EXPECT_EQ(request_target_length("GET /a\r\n"), 2u);
}

TEST(RequestReadError, AnOversizeHeadIs431UnlessItsTargetIsTooLong) {
    // The request line was parsed (and consumed): the parsed target counts.
    const std::string long_field = "X-Big: " + std::string(20000, 'a');
    EXPECT_EQ(refusal_for_read_error(http::error::header_limit, "/", long_field, 8192),
              EdgeRefusal::header_fields_too_large);
    EXPECT_EQ(
        refusal_for_read_error(http::error::header_limit, std::string(9000, 'a'), long_field, 8192),
        EdgeRefusal::target_too_long);
    // The request line itself is over the head limit: measured in the bytes read.
    const std::string long_target = "GET /" + std::string(20000, 'a');
    EXPECT_EQ(refusal_for_read_error(http::error::header_limit, "", long_target, 8192),
              EdgeRefusal::target_too_long);
    EXPECT_EQ(refusal_for_read_error(http::error::header_limit, "", "GET / HTTP/1.1\r\nX: y", 8192),
              EdgeRefusal::header_fields_too_large);
}

TEST(RequestReadError, BodiesAndMalformedRequests) {
    EXPECT_EQ(refusal_for_read_error(http::error::body_limit, "/", "", 8192),
              EdgeRefusal::body_too_large);
    for (const auto ec :
         {http::error::bad_method, http::error::bad_target, http::error::bad_version,
          http::error::bad_field, http::error::bad_value, http::error::bad_content_length,
          http::error::bad_chunk, http::error::bad_line_ending}) {
        EXPECT_EQ(refusal_for_read_error(ec, "", "GET / HTTX\r\n", 8192),
                  EdgeRefusal::malformed_request)
            << http::make_error_code(ec).message();
    }
}

TEST(RequestReadError, APeerThatSentAProxyHeaderIsToldSo) {
    EXPECT_EQ(
        refusal_for_read_error(http::error::bad_version, "",
                               "PROXY TCP4 192.0.2.1 192.0.2.2 1 2\r\nGET / HTTP/1.1\r\n", 8192),
        EdgeRefusal::proxy_header);
}

TEST(RequestReadError, NothingIsAnsweredToAPeerThatWentAwayOrTimedOut) {
    for (const boost::system::error_code ec :
         {boost::system::error_code(http::error::end_of_stream),
          boost::system::error_code(http::error::partial_message),
          boost::system::error_code(boost::beast::error::timeout),
          boost::system::error_code(boost::asio::error::connection_reset),
          boost::system::error_code(boost::asio::error::eof)}) {
        EXPECT_EQ(refusal_for_read_error(ec, "", "GET / HT", 8192), std::nullopt) << ec.message();
    }
}

}  // namespace
}  // namespace confab::net
