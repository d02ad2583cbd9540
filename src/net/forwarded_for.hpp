// The client address behind trusted proxies, from X-Forwarded-For.
//
// Each proxy appends the address it received the request from, so the list
// reads client, proxy1, proxy2, ... and only the entries appended by proxies
// we trust are trustworthy: anything to their left may be forged by the
// client. Hence the right-most address that is not itself a trusted proxy.
// Pure functions; any thread.
#pragma once
#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "util/ip_network_list.hpp"

namespace confab::net {

// One X-Forwarded-For entry: "192.0.2.1", "2001:db8::1", "[2001:db8::1]",
// "[2001:db8::1]:443" or "192.0.2.1:443" (some proxies add the port).
// nullopt for anything else ("unknown", an obfuscated node name, garbage).
std::optional<boost::asio::ip::address> parse_forwarded_entry(std::string_view entry);

// `peer`: the address the request came from (a trusted proxy, else this is
// not called). `header_values`: every X-Forwarded-For line, in order. Walks
// the entries right to left, skipping trusted proxies; the first other
// address is the client. An entry that is not an address stops the walk: the
// last trusted hop before it is the client as far as we can tell. If every
// entry is trusted (or there is none), the left-most trusted one is.
boost::asio::ip::address client_from_forwarded_for(
    const boost::asio::ip::address& peer, const std::vector<std::string_view>& header_values,
    const IpNetworkList& trusted);

}  // namespace confab::net
