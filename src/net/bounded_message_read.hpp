// Reads one WebSocket message, holding at most `max_bytes` of it.
//
// Beast's own limit (read_message_max) cannot be used for the documented
// 1009: when it trips, Beast sends the close frame and then tears the socket
// down itself, and its TCP teardown closes as soon as one read returns data
// (websocket/impl/teardown.hpp, the "bytes_transferred == 0" check, which
// looks at a variable the read never sets). A client still sending the rest
// of its big message then gets a reset, which discards the close frame:
// it sees 1006. So the stream's limit is off and the message is read in
// pieces here; past the bound the caller closes with 1009 through
// async_close, whose close handshake reads and drops the rest of the message
// until the client's close frame arrives (bounded by the handshake timeout).
//
// Runs on the stream's strand, as its one reader.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/beast/websocket/error.hpp>
#include <cstddef>

#include "net/use_nothrow.hpp"

namespace confab::net {

// {} once a whole message is in `buffer` (appended to what it held);
// websocket::error::message_too_big once it exceeds `max_bytes` (at most
// max_bytes + 1 are held then); else the read's error.
template <class WebSocket, class DynamicBuffer>
boost::asio::awaitable<boost::system::error_code> read_bounded_message(WebSocket& ws,
                                                                       DynamicBuffer& buffer,
                                                                       std::size_t max_bytes) {
    for (;;) {
        // One byte more than the room left: enough to see the bound broken.
        const std::size_t room = max_bytes - std::min(max_bytes, buffer.size()) + 1;
        auto [ec, n] = co_await ws.async_read_some(buffer, room, use_nothrow);
        if (ec) co_return ec;
        if (buffer.size() > max_bytes) co_return boost::beast::websocket::error::message_too_big;
        if (ws.is_message_done()) co_return boost::system::error_code{};
    }
}

}  // namespace confab::net
