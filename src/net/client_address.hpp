// Who a connection's client is, as the limits, the audit log and the session
// log see it: the TCP peer, or, when that peer is a trusted proxy
// (`server.trusted_proxies`), the address the proxy vouches for
// (X-Forwarded-For, or the PROXY protocol header).
//
// A plain value, resolved by the HTTP layer (serve_http) per request and
// handed to serve_websocket with the upgrade.
#pragma once
#include <boost/asio/ip/address.hpp>
#include <string>

namespace confab::net {

struct ClientAddress {
    boost::asio::ip::address address;  // normalised: IPv4-mapped IPv6 is IPv4
    bool via_proxy = false;            // named by a trusted proxy, not the TCP peer itself

    std::string text() const { return address.to_string(); }
    bool operator==(const ClientAddress&) const = default;
};

}  // namespace confab::net
