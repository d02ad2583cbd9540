// Raw HTTP/1.1 over TCP for the edge's integration tests: requests the
// regular clients would not send (oversize heads, trickled lines, PROXY
// headers), from a chosen loopback source address (127.0.0.2, ...: Linux
// routes all of 127.0.0.0/8 to lo, so each is a distinct client address).
// Every wait is bounded; not thread-safe.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace confab::test {

using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

class RawConnection {
public:
    // Connects to 127.0.0.1:`port` from `source` (port chosen by the kernel).
    RawConnection(unsigned short port, const std::string& source = "127.0.0.1");
    ~RawConnection();

    bool connected() const { return connected_; }
    // Writes `bytes` (bounded by `timeout`); false if the server stopped
    // taking them (closed, reset, or not reading).
    bool send(std::string_view bytes, std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // Sends `bytes` while reading the answer, as a client would whose server
    // answers before the request is whole: a write that fails is ignored.
    std::optional<HttpResponse> exchange(
        std::string_view bytes, std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // Reads one response; nullopt if none arrived in time or the socket closed.
    std::optional<HttpResponse> read(std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // Waits until the server closes (EOF or reset); false on timeout.
    bool wait_closed(std::chrono::milliseconds timeout);

private:
    bool run_until(const bool& done, std::chrono::milliseconds timeout);

    boost::asio::io_context ioc_;
    boost::asio::ip::tcp::socket socket_;
    boost::beast::flat_buffer buffer_;
    bool connected_ = false;
};

// One request on a fresh connection from `source`; the answer, if any.
std::optional<HttpResponse> raw_request(unsigned short port, std::string_view bytes,
                                        const std::string& source = "127.0.0.1");

}  // namespace confab::test
