// Reads the PROXY protocol header (proxy_header.hpp) a trusted proxy sends
// before anything else. Bytes read past it (the first of the request or of
// the TLS handshake) stay in `buffer` for whoever reads next. Bounded by the
// stream's deadline, which the caller sets, and by kMaxProxyHeaderBytes.
//
// Runs on the connection's strand, in its coroutine.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "net/proxy_header.hpp"

namespace confab::net {

// complete (the header consumed from `buffer`) or invalid (broken, missing,
// too long, or the stream failed or timed out first).
boost::asio::awaitable<ProxyHeader> read_proxy_header(boost::beast::tcp_stream& stream,
                                                      boost::beast::flat_buffer& buffer);

}  // namespace confab::net
