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

HttpReply http_get(unsigned short port, const std::string& target,
                   const std::vector<std::pair<std::string, std::string>>& headers) {
    boost::asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    beast::error_code ec;
    stream.socket().connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
    if (ec) return {};
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(false);
    for (const auto& [name, value] : headers) req.set(name, value);
    http::write(stream, req, ec);
    if (ec) return {};
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res, ec);
    if (ec) return {};
    return HttpReply{static_cast<int>(res.result_int()), res.body(),
                     std::string(res[http::field::content_type])};
}

}  // namespace confab::test
