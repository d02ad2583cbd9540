#include "net/proxy_header_reader.hpp"

#include <boost/asio/buffer.hpp>
#include <string_view>

#include "net/use_nothrow.hpp"

namespace confab::net {

boost::asio::awaitable<ProxyHeader> read_proxy_header(boost::beast::tcp_stream& stream,
                                                      boost::beast::flat_buffer& buffer) {
    for (;;) {
        const auto data = buffer.cdata();
        auto header = parse_proxy_header(
            std::string_view(static_cast<const char*>(data.data()), data.size()));
        if (header.status == ProxyHeader::Status::complete) {
            buffer.consume(header.size);
            co_return header;
        }
        if (header.status == ProxyHeader::Status::invalid) co_return header;
        // A proxy sends the header in one piece, mostly in one segment; small
        // reads keep what we over-read (and must hand on) small too.
        auto [ec, n] = co_await stream.async_read_some(buffer.prepare(512), use_nothrow);
        if (ec) co_return ProxyHeader{ProxyHeader::Status::invalid, 0, std::nullopt};
        buffer.commit(n);
    }
}

}  // namespace confab::net
