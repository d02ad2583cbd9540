// The server's small HTTP answers (health, readiness, metrics, admin JSON):
// one place that sets the headers every one of them carries.
#pragma once
#include <boost/beast/http/message_generator.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <string_view>

namespace confab::net {

// A complete response with `body`, never cached, keeping the request's keep-alive.
boost::beast::http::message_generator respond(
    const boost::beast::http::request<boost::beast::http::string_body>& req,
    boost::beast::http::status status, std::string body,
    std::string_view content_type = "text/plain; charset=utf-8");

}  // namespace confab::net
