#include "support/http_get.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace confab::test {
namespace beast = boost::beast;
namespace http = beast::http;

HttpReply http_get(unsigned short port, const std::string& target) {
    return http_get(port, target, {});
}

namespace {

HttpReply exchange(unsigned short port, http::request<http::string_body> req,
                   const std::vector<std::pair<std::string, std::string>>& headers) {
    boost::asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    beast::error_code ec;
    stream.socket().connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
    if (ec) return {};
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(false);
    for (const auto& [name, value] : headers) req.set(name, value);
    req.prepare_payload();
    http::write(stream, req, ec);
    if (ec) return {};
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res, ec);
    if (ec) return {};
    return HttpReply{static_cast<int>(res.result_int()), res.body(),
                     std::string(res[http::field::content_type]),
                     std::string(res[http::field::retry_after]),
                     std::string(res[http::field::www_authenticate])};
}

}  // namespace

HttpReply http_get(unsigned short port, const std::string& target,
                   const std::vector<std::pair<std::string, std::string>>& headers) {
    return exchange(port, http::request<http::string_body>{http::verb::get, target, 11}, headers);
}

HttpReply http_post(unsigned short port, const std::string& target, const std::string& body,
                    const std::vector<std::pair<std::string, std::string>>& headers,
                    const std::string& content_type) {
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::content_type, content_type);
    req.body() = body;
    return exchange(port, std::move(req), headers);
}

}  // namespace confab::test
