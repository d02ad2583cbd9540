// What a WebSocket request names: one query parameter, and the resume token
// from the query or, failing that, the Confab-Resume header.
#include "net/query_param.hpp"

#include <gtest/gtest.h>

namespace confab::net {
namespace {

namespace http = boost::beast::http;

http::request<http::string_body> upgrade(std::string target) {
    http::request<http::string_body> request{http::verb::get, target, 11};
    request.set(http::field::upgrade, "websocket");
    return request;
}

TEST(QueryParamTest, ReadsOneParameterAndDecodesIt) {
    EXPECT_EQ(query_param("/v1/realtime?model=gpt-realtime&x=1", "model"), "gpt-realtime");
    EXPECT_EQ(query_param("/v1/realtime?model=a%20b", "model"), "a b");
    EXPECT_EQ(query_param("/v1/realtime", "model"), "");
    EXPECT_EQ(query_param("not a target", "model"), "");
}

TEST(QueryParamTest, ResumeTokenFromTheQueryFirstThenTheHeader) {
    auto by_query = upgrade("/v1/realtime?model=m&confab_resume=abc");
    by_query.set("Confab-Resume", "ignored");
    EXPECT_EQ(resume_token_of(by_query), "abc");

    auto by_header = upgrade("/v1/realtime?model=m");
    by_header.set("confab-resume", "def");  // header names are case-insensitive
    EXPECT_EQ(resume_token_of(by_header), "def");

    EXPECT_EQ(resume_token_of(upgrade("/v1/realtime?model=m")), "");
}

}  // namespace
}  // namespace confab::net
