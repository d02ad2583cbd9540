#include "util/ip_network_list.hpp"

namespace confab {

namespace {
std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}
}  // namespace

std::optional<IpNetworkList> IpNetworkList::parse(std::string_view text, std::string& bad_entry) {
    IpNetworkList list;
    while (!text.empty()) {
        const auto comma = text.find(',');
        const auto entry = trim(text.substr(0, comma));
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        if (entry.empty()) continue;
        auto network = IpNetwork::parse(entry);
        if (!network) {
            bad_entry = std::string(entry);
            return std::nullopt;
        }
        list.networks_.push_back(*network);
    }
    return list;
}

bool IpNetworkList::contains(const boost::asio::ip::address& address) const {
    for (const auto& network : networks_) {
        if (network.contains(address)) return true;
    }
    return false;
}

}  // namespace confab
