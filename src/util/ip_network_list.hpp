// A set of IP networks given as one comma-separated setting
// (`server.trusted_proxies = "10.0.0.0/8, 192.0.2.7"`).
//
// A plain value: immutable after parse(), safe to read from any thread.
#pragma once
#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/ip_network.hpp"

namespace confab {

class IpNetworkList {
public:
    IpNetworkList() = default;  // empty: contains nothing

    // Entries separated by commas, spaces around each ignored, empty entries
    // skipped. On an entry IpNetwork::parse refuses, nullopt and `bad_entry`
    // names it.
    static std::optional<IpNetworkList> parse(std::string_view text, std::string& bad_entry);

    bool contains(const boost::asio::ip::address& address) const;
    bool empty() const { return networks_.empty(); }
    std::size_t size() const { return networks_.size(); }

private:
    std::vector<IpNetwork> networks_;
};

}  // namespace confab
