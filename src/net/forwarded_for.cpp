#include "net/forwarded_for.hpp"

#include "util/ip_network.hpp"

namespace confab::net {
namespace ip = boost::asio::ip;

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::optional<ip::address> parse_address(std::string_view text) {
    boost::system::error_code ec;
    const auto address = ip::make_address(std::string(text), ec);
    if (ec) return std::nullopt;
    return normalize(address);
}

}  // namespace

std::optional<ip::address> parse_forwarded_entry(std::string_view entry) {
    entry = trim(entry);
    if (entry.empty()) return std::nullopt;
    if (entry.front() == '[') {
        // "[v6]" or "[v6]:port"
        const auto close = entry.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        const auto rest = entry.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') return std::nullopt;
        auto address = parse_address(entry.substr(1, close - 1));
        if (address && !address->is_v6()) return std::nullopt;
        return address;
    }
    if (auto address = parse_address(entry)) return address;
    // "v4:port": exactly one colon (a bare IPv6 address has several).
    const auto colon = entry.find(':');
    if (colon == std::string_view::npos || entry.find(':', colon + 1) != std::string_view::npos)
        return std::nullopt;
    auto address = parse_address(entry.substr(0, colon));
    if (address && !address->is_v4()) return std::nullopt;
    return address;
}

ip::address client_from_forwarded_for(const ip::address& peer,
                                      const std::vector<std::string_view>& header_values,
                                      const IpNetworkList& trusted) {
    std::vector<std::string_view> entries;
    for (auto value : header_values) {
        while (true) {
            const auto comma = value.find(',');
            entries.push_back(value.substr(0, comma));
            if (comma == std::string_view::npos) break;
            value.remove_prefix(comma + 1);
        }
    }
    ip::address client = normalize(peer);
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
        if (trim(*it).empty()) continue;  // "a, , b" or an empty header line
        const auto address = parse_forwarded_entry(*it);
        if (!address) break;  // the hop to its right is the last we can believe
        client = *address;
        if (!trusted.contains(client)) break;
    }
    return client;
}

}  // namespace confab::net
