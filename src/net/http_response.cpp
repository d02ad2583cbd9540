#include "net/http_response.hpp"

#include <boost/beast/http.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace confab::net {
namespace http = boost::beast::http;

http::message_generator respond(const http::request<http::string_body>& req, http::status status,
                                std::string body, std::string_view content_type) {
    http::response<http::string_body> res{status, req.version()};
    res.set(http::field::server, "confab");
    res.set(http::field::content_type, content_type);
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

http::message_generator respond_file(const http::request<http::string_body>& req,
                                     http::file_body::value_type body,
                                     std::string_view content_type) {
    const auto size = body.size();
    http::response<http::file_body> res{std::piecewise_construct, std::make_tuple(std::move(body)),
                                        std::make_tuple(http::status::ok, req.version())};
    res.set(http::field::server, "confab");
    res.set(http::field::content_type, content_type);
    res.set(http::field::cache_control, "no-cache");
    res.content_length(size);
    res.keep_alive(req.keep_alive());
    return res;
}

namespace {
// The refusals' common shape: a Realtime error body, never cached, closing.
http::response<http::string_body> refusal(unsigned version, http::status status,
                                          std::string_view code, std::string_view message,
                                          long retry_after_seconds) {
    const boost::json::value body = {
        {"error", {{"type", "invalid_request_error"}, {"code", code}, {"message", message}}}};
    http::response<http::string_body> res{status, version};
    res.set(http::field::server, "confab");
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    if (retry_after_seconds > 0)
        res.set(http::field::retry_after, std::to_string(retry_after_seconds));
    res.keep_alive(false);
    res.body() = boost::json::serialize(body);
    return res;
}
}  // namespace

http::message_generator respond_refused_upgrade(const http::request<http::string_body>& req,
                                                http::status status, std::string_view code,
                                                std::string_view message, int retry_after_seconds) {
    auto res = refusal(req.version(), status, code, message, retry_after_seconds);
    if (status == http::status::unauthorized)
        res.set(http::field::www_authenticate, "Bearer realm=\"confab\"");
    res.prepare_payload();
    return res;
}

http::message_generator respond_refused(unsigned version, http::status status,
                                        std::string_view code, std::string_view message,
                                        std::chrono::seconds retry_after) {
    auto res = refusal(version, status, code, message, static_cast<long>(retry_after.count()));
    res.prepare_payload();
    return res;
}

}  // namespace confab::net
