// A small blocking WebSocket client for integration tests, on Beast.
// Every wait is bounded by a timeout; not thread-safe.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace confab::test {

class WsClient {
public:
    explicit WsClient(unsigned short port, std::string target = "/v1/realtime?model=test-model");
    ~WsClient();

    // Performs the handshake; false (with the reason in error()) on failure.
    bool connect(std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // Before connect(): a small fixed kernel receive buffer, so that a test
    // that stops reading fills the server's queue quickly.
    void set_receive_buffer(int bytes) { receive_buffer_ = bytes; }
    // Before connect(): the local address to connect from (127.0.0.2, ...),
    // so that a test can be several client addresses.
    void set_source(std::string address) { source_ = std::move(address); }
    // Before connect(): one more header line of the upgrade request
    // (`Sec-WebSocket-Protocol`, `Authorization`); a name may repeat.
    // (Out of line: inlined, g++ 12 -O2 raises a false -Warray-bounds.)
    void add_header(std::string_view name, std::string_view value);
    // After connect(), even a refused one: the server's answer to the upgrade.
    const boost::beast::websocket::response_type& handshake_response() const { return response_; }
    void send(const boost::json::object& event);
    void send_text(const std::string& text);
    void send_binary(const std::string& bytes);

    // The next event, or nullopt when none arrived in time or the socket closed.
    std::optional<boost::json::object> receive(
        std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // Skips events until one of `type` arrives (nullopt on timeout/close).
    std::optional<boost::json::object> receive_type(
        std::string_view type, std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // Waits for the server to close; returns its close code (-1 if it did not).
    int wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(5));
    bool closed() const { return closed_; }
    void close();
    const std::string& error() const { return error_; }

private:
    // Runs the io_context until `done` or the timeout (then cancels); true if done.
    bool run_bounded(const bool& done, std::chrono::milliseconds timeout);

    boost::asio::io_context ioc_;
    boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
    unsigned short port_;
    std::string target_;
    boost::beast::flat_buffer buffer_;
    bool closed_ = false;
    int close_code_ = -1;
    int receive_buffer_ = 0;
    std::string source_;
    std::vector<std::pair<std::string, std::string>> headers_;
    boost::beast::websocket::response_type response_;
    std::string error_;
};

}  // namespace confab::test
