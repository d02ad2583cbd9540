// The PROXY protocol header (HAProxy's `send-proxy`, `send-proxy-v2`; AWS
// NLB, and others) that a load balancer sends before anything else on a
// connection, naming the client it accepted the connection from.
//
// Version 1 is one text line: "PROXY TCP4 192.0.2.1 198.51.100.1 56324 443\r\n"
// (at most 107 bytes; "PROXY UNKNOWN ...\r\n" names nobody). Version 2 is
// binary: a 12-byte signature, version/command, family/protocol, a 16-bit
// length and the addresses (then TLVs, which are skipped). A LOCAL command
// (the balancer's own health check) or an unspecified family names nobody:
// the TCP peer is the client.
//
// Only trusted peers may send it (`server.trusted_proxies`), and from those
// it is required when `server.proxy_protocol` is on. Pure functions; any
// thread.
#pragma once
#include <boost/asio/ip/address.hpp>
#include <cstddef>
#include <optional>
#include <string_view>

namespace confab::net {

struct ProxyHeader {
    enum class Status { incomplete, invalid, complete };
    Status status = Status::incomplete;
    std::size_t size = 0;  // complete: the header's length; the bytes after it are the stream's
    // complete: the client the proxy names; nullopt for LOCAL, UNKNOWN or an
    // unspecified family (the TCP peer is the client then).
    std::optional<boost::asio::ip::address> source;
};

// The longest header accepted: a v1 line is at most 107 bytes; a v2 header
// may carry TLVs up to 64 KiB, of which we allow this many bytes in all
// (AWS and GCP send tens of bytes).
inline constexpr std::size_t kMaxProxyHeaderBytes = 4096;

// Parses the header at the start of `data` (what has been read so far).
// incomplete: read more (data is a prefix of a header that may still be
// valid); invalid: not a PROXY header, or a broken one.
ProxyHeader parse_proxy_header(std::string_view data);

// Whether `data` starts like a PROXY header (v1 "PROXY " or the v2
// signature), to tell apart an untrusted peer that sent one.
bool starts_like_proxy_header(std::string_view data);

}  // namespace confab::net
