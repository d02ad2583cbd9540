#include "support/ws_client.hpp"

#include <boost/asio.hpp>

namespace confab::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

WsClient::WsClient(unsigned short port, std::string target)
    : ws_(ioc_), port_(port), target_(std::move(target)) {}

WsClient::~WsClient() {
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
}

void WsClient::add_header(std::string_view name, std::string_view value) {
    headers_.emplace_back(std::string(name), std::string(value));
}

bool WsClient::connect(std::chrono::milliseconds timeout) {
    beast::error_code result = asio::error::timed_out;
    bool done = false;
    const asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port_);
    if (receive_buffer_ > 0 || !source_.empty()) {
        auto& socket = beast::get_lowest_layer(ws_).socket();
        socket.open(ep.protocol());
        if (receive_buffer_ > 0)
            socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer_));
        if (!source_.empty()) socket.bind({asio::ip::make_address(source_), 0});
    }
    ws_.set_option(websocket::stream_base::decorator([this](websocket::request_type& req) {
        for (const auto& [name, value] : headers_) req.insert(name, value);
    }));
    beast::get_lowest_layer(ws_).async_connect(ep, [&](beast::error_code ec) {
        if (ec) {
            result = ec;
            done = true;
            return;
        }
        ws_.async_handshake(response_, "127.0.0.1:" + std::to_string(port_), target_,
                            [&](beast::error_code hec) {
                                result = hec;
                                done = true;
                            });
    });
    run_bounded(done, timeout);
    if (result) error_ = result.message();
    return !result;
}

bool WsClient::run_bounded(const bool& done, std::chrono::milliseconds timeout) {
    ioc_.restart();
    ioc_.run_for(timeout);
    if (done) return true;
    // Timed out: cancel the operation and let its handler run.
    beast::get_lowest_layer(ws_).cancel();
    ioc_.restart();
    ioc_.run();
    return false;
}

void WsClient::send(const boost::json::object& event) {
    send_text(boost::json::serialize(event));
}

void WsClient::send_text(const std::string& text) {
    ws_.text(true);
    beast::error_code ec;
    ws_.write(asio::buffer(text), ec);
    if (ec) error_ = ec.message();
}

void WsClient::send_binary(const std::string& bytes) {
    ws_.binary(true);
    beast::error_code ec;
    ws_.write(asio::buffer(bytes), ec);
    if (ec) error_ = ec.message();
}

std::optional<boost::json::object> WsClient::receive(std::chrono::milliseconds timeout) {
    if (closed_) return std::nullopt;
    bool done = false;
    beast::error_code result;
    ws_.async_read(buffer_, [&](beast::error_code ec, std::size_t) {
        result = ec;
        done = true;
    });
    if (!run_bounded(done, timeout)) {
        // Cancelling a websocket read tears the stream down, so a timeout
        // ends the connection for this client.
        closed_ = true;
        error_ = "timeout";
        return std::nullopt;
    }
    if (result) {
        closed_ = true;
        // The peer's close frame may be followed by a reset before our reply
        // goes out; its code is what counts.
        if (result == websocket::error::closed || ws_.reason().code != websocket::close_code::none)
            close_code_ = ws_.reason().code;
        error_ = result.message();
        return std::nullopt;
    }
    const std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    boost::system::error_code ec;
    auto value = boost::json::parse(text, ec);
    if (ec || !value.is_object()) {
        error_ = "non-JSON message: " + text;
        return std::nullopt;
    }
    return value.as_object();
}

std::optional<boost::json::object> WsClient::receive_type(std::string_view type,
                                                          std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        auto ev = receive(left);
        if (!ev) return std::nullopt;
        if (ev->at("type").as_string() == type) return ev;
    }
    return std::nullopt;
}

int WsClient::wait_closed(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return -1;
        receive(left);
    }
    return close_code_;
}

void WsClient::close() {
    if (closed_) return;
    beast::error_code ec;
    ws_.close(websocket::close_code::normal, ec);
    closed_ = true;
}

}  // namespace confab::test
