// Posts one chat-completions request to a fake LLM and decodes the streamed
// reply into its chunks, for tests of what the fake writes on the wire
// (tool-call deltas included) without going through confab's own decoder.
#pragma once
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <string>
#include <vector>

namespace confab::test {

struct ChatStream {
    unsigned status = 0;
    std::vector<boost::json::object> chunks;  // each `data:` event but [DONE], parsed
    bool done = false;                        // `data: [DONE]` came last
};

// Blocking; throws if the connection fails.
inline ChatStream post_chat(unsigned short port, const std::string& body) {
    namespace asio = boost::asio;
    namespace beast = boost::beast;
    namespace http = beast::http;
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    http::request<http::string_body> request{http::verb::post, "/v1/chat/completions", 11};
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::content_type, "application/json");
    request.body() = body;
    request.prepare_payload();
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);

    ChatStream result;
    result.status = response.result_int();
    const std::string& text = response.body();
    const std::string prefix = "data: ";
    for (std::size_t start = 0; start < text.size();) {
        std::size_t end = text.find("\n\n", start);
        if (end == std::string::npos) end = text.size();
        const std::string event = text.substr(start, end - start);
        start = end + 2;
        if (!event.starts_with(prefix)) continue;
        const std::string data = event.substr(prefix.size());
        result.done = data == "[DONE]";
        if (!result.done) result.chunks.push_back(boost::json::parse(data).as_object());
    }
    return result;
}

}  // namespace confab::test
