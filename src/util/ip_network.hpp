// One IP network, as written in `server.trusted_proxies`: an address with a
// prefix length ("10.0.0.0/8", "2001:db8::/32") or a single address
// ("192.0.2.1", "::1", a /32 or /128).
//
// IPv4 peers often reach a dual-stack socket as IPv4-mapped IPv6 addresses
// (::ffff:192.0.2.1); every address is unmapped first (normalize()), so an
// IPv4 network matches such a peer and the limits count it once.
//
// A plain value: immutable after parse(), safe to read from any thread.
#pragma once
#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace confab {

class IpNetwork {
public:
    // "a.b.c.d", "a.b.c.d/n" (n 0..32), "v6", "v6/n" (n 0..128); spaces around
    // are the caller's to trim. nullopt for anything else, and for a network
    // with bits set after its prefix ("10.0.0.1/8" is a typo for a host or for
    // 10.0.0.0/8; which one is not ours to guess).
    static std::optional<IpNetwork> parse(std::string_view text);

    bool contains(const boost::asio::ip::address& address) const;
    std::string to_string() const;

private:
    IpNetwork(boost::asio::ip::address base, unsigned prefix) : base_(base), prefix_(prefix) {}

    boost::asio::ip::address base_;
    unsigned prefix_;
};

// The address as the limits and logs see it: IPv4-mapped IPv6 becomes IPv4.
boost::asio::ip::address normalize(const boost::asio::ip::address& address);

}  // namespace confab
