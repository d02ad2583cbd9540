#include "support/raw_http.hpp"

#include <boost/asio.hpp>
#include <boost/beast/http.hpp>

namespace confab::test {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

RawConnection::RawConnection(unsigned short port, const std::string& source) : socket_(ioc_) {
    boost::system::error_code ec;
    socket_.open(tcp::v4(), ec);
    if (!ec) socket_.bind({asio::ip::make_address(source), 0}, ec);
    if (!ec) socket_.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
    connected_ = !ec;
}

RawConnection::~RawConnection() {
    boost::system::error_code ignored;
    socket_.close(ignored);
}

bool RawConnection::run_until(const bool& done, std::chrono::milliseconds timeout) {
    ioc_.restart();
    ioc_.run_for(timeout);
    if (done) return true;
    boost::system::error_code ignored;
    socket_.cancel(ignored);
    ioc_.restart();
    ioc_.run();
    return false;
}

bool RawConnection::send(std::string_view bytes, std::chrono::milliseconds timeout) {
    bool done = false;
    boost::system::error_code result;
    asio::async_write(socket_, asio::buffer(bytes), [&](boost::system::error_code ec, std::size_t) {
        result = ec;
        done = true;
    });
    return run_until(done, timeout) && !result;
}

std::optional<HttpResponse> RawConnection::exchange(std::string_view bytes,
                                                    std::chrono::milliseconds timeout) {
    bool read_done = false;
    boost::system::error_code read_ec;
    HttpResponse response;
    asio::async_write(socket_, asio::buffer(bytes), [](boost::system::error_code, std::size_t) {});
    http::async_read(socket_, buffer_, response, [&](boost::system::error_code ec, std::size_t) {
        read_ec = ec;
        read_done = true;
    });
    // Stops at the read's end; a write still under way is cancelled then.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    ioc_.restart();
    while (!read_done && std::chrono::steady_clock::now() < deadline) ioc_.run_one_until(deadline);
    boost::system::error_code ignored;
    socket_.cancel(ignored);
    ioc_.restart();
    ioc_.run();
    if (!read_done || read_ec) return std::nullopt;
    return response;
}

std::optional<HttpResponse> RawConnection::read(std::chrono::milliseconds timeout) {
    bool done = false;
    boost::system::error_code result;
    HttpResponse response;
    http::async_read(socket_, buffer_, response, [&](boost::system::error_code ec, std::size_t) {
        result = ec;
        done = true;
    });
    if (!run_until(done, timeout) || result) return std::nullopt;
    return response;
}

bool RawConnection::wait_closed(std::chrono::milliseconds timeout) {
    bool closed = false;
    std::array<char, 4096> sink;
    std::function<void()> next = [&] {
        socket_.async_read_some(asio::buffer(sink), [&](boost::system::error_code ec, std::size_t) {
            if (ec) {
                closed = ec != asio::error::operation_aborted;
                return;
            }
            next();
        });
    };
    next();
    run_until(closed, timeout);
    return closed;
}

std::optional<HttpResponse> raw_request(unsigned short port, std::string_view bytes,
                                        const std::string& source) {
    RawConnection connection(port, source);
    if (!connection.connected()) return std::nullopt;
    return connection.exchange(bytes);
}

}  // namespace confab::test
