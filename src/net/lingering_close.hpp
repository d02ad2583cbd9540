// Closes a connection after a refusal without destroying the answer.
//
// A refused client may still be sending (the rest of an oversize head or
// body, or a request we never read). Closing the socket with its bytes
// unread makes the kernel answer them with a reset, which can discard our
// response before the client has read it. So the send side is shut (the
// client sees the response, then EOF) and whatever still arrives is read
// and dropped, for at most kLingerTime and kLingerBytes, before closing. This
// works on the TCP layer under TLS too: the encrypted records are dropped
// unread (the response went out whole before; no close_notify follows).
//
// Runs on the connection's strand, in its coroutine.
#pragma once
#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <chrono>

#include "net/use_nothrow.hpp"

namespace confab::net {

inline constexpr std::chrono::seconds kLingerTime{2};
inline constexpr std::size_t kLingerBytes = 1 << 20;

template <class Stream>
boost::asio::awaitable<void> lingering_close(Stream& stream) {
    auto& tcp = boost::beast::get_lowest_layer(stream);
    boost::system::error_code ec;
    tcp.socket().shutdown(boost::asio::socket_base::shutdown_send, ec);
    tcp.expires_after(kLingerTime);
    std::array<char, 4096> sink;
    std::size_t dropped = 0;
    while (!ec && dropped < kLingerBytes) {
        auto [read_ec, n] = co_await tcp.async_read_some(boost::asio::buffer(sink), use_nothrow);
        ec = read_ec;
        dropped += n;
    }
    tcp.close();
}

}  // namespace confab::net
