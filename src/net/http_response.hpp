// The server's HTTP answers (health, readiness, metrics, admin JSON, static
// files): one place that sets the headers every one of them carries.
#pragma once
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/message_generator.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <string>
#include <string_view>

namespace confab::net {

// A complete response with `body`, never cached, keeping the request's keep-alive.
boost::beast::http::message_generator respond(
    const boost::beast::http::request<boost::beast::http::string_body>& req,
    boost::beast::http::status status, std::string body,
    std::string_view content_type = "text/plain; charset=utf-8");

// A 200 whose body is the opened file `body`, keeping the request's
// keep-alive. Revalidated on every use (no-cache) rather than never stored:
// the files are the web client and dashboard, which change with the server.
boost::beast::http::message_generator respond_file(
    const boost::beast::http::request<boost::beast::http::string_body>& req,
    boost::beast::http::file_body::value_type body, std::string_view content_type);

// An upgrade refused before the WebSocket exists: `status` with a Realtime
// error body (`{"error":{"type":"invalid_request_error","code","message"}}`),
// then the connection closes. `retry_after_seconds` > 0 adds Retry-After (429).
boost::beast::http::message_generator respond_refused_upgrade(
    const boost::beast::http::request<boost::beast::http::string_body>& req,
    boost::beast::http::status status, std::string_view code, std::string_view message,
    int retry_after_seconds = 0);

// The same for a request refused at the edge, perhaps before it was read
// (431, 414, 413, 400, 429): HTTP/1.`version`'s `status`, the Realtime error
// body, `Retry-After` in seconds when `retry_after` is positive, and
// Connection: close.
boost::beast::http::message_generator respond_refused(unsigned version,
                                                      boost::beast::http::status status,
                                                      std::string_view code,
                                                      std::string_view message,
                                                      std::chrono::seconds retry_after = {});

}  // namespace confab::net
