#include "util/ip_network.hpp"

#include <array>
#include <charconv>

namespace confab {
namespace ip = boost::asio::ip;

namespace {

// The address's bytes in network order (4 for IPv4, 16 for IPv6).
std::array<unsigned char, 16> bytes_of(const ip::address& address, std::size_t& size) {
    std::array<unsigned char, 16> out{};
    if (address.is_v4()) {
        const auto v4 = address.to_v4().to_bytes();
        std::copy(v4.begin(), v4.end(), out.begin());
        size = v4.size();
    } else {
        out = address.to_v6().to_bytes();
        size = out.size();
    }
    return out;
}

// Whether the first `prefix` bits of `a` and `b` (of `size` bytes) agree.
bool same_prefix(const std::array<unsigned char, 16>& a, const std::array<unsigned char, 16>& b,
                 unsigned prefix) {
    const unsigned whole = prefix / 8;
    for (unsigned i = 0; i < whole; ++i) {
        if (a[i] != b[i]) return false;
    }
    const unsigned rest = prefix % 8;
    if (rest == 0) return true;
    const auto mask = static_cast<unsigned char>(0xFFu << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

}  // namespace

ip::address normalize(const ip::address& address) {
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        return ip::make_address_v4(ip::v4_mapped, address.to_v6());
    return address;
}

std::optional<IpNetwork> IpNetwork::parse(std::string_view text) {
    const auto slash = text.find('/');
    boost::system::error_code ec;
    const auto base = normalize(ip::make_address(std::string(text.substr(0, slash)), ec));
    if (ec) return std::nullopt;
    const unsigned bits = base.is_v4() ? 32 : 128;
    unsigned prefix = bits;
    if (slash != std::string_view::npos) {
        const auto digits = text.substr(slash + 1);
        const auto [end, err] =
            std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
        if (digits.empty() || err != std::errc{} || end != digits.data() + digits.size() ||
            prefix > bits)
            return std::nullopt;
    }
    // Bits after the prefix must be zero: compare the base with itself masked.
    std::size_t size = 0;
    const auto raw = bytes_of(base, size);
    std::array<unsigned char, 16> masked{};
    for (unsigned i = 0; i < prefix / 8; ++i) masked[i] = raw[i];
    if (prefix % 8 != 0)
        masked[prefix / 8] =
            static_cast<unsigned char>(raw[prefix / 8] & (0xFFu << (8 - prefix % 8)));
    if (masked != raw) return std::nullopt;
    return IpNetwork(base, prefix);
}

bool IpNetwork::contains(const ip::address& address) const {
    const auto a = normalize(address);
    if (a.is_v4() != base_.is_v4()) return false;
    std::size_t size = 0;
    return same_prefix(bytes_of(a, size), bytes_of(base_, size), prefix_);
}

std::string IpNetwork::to_string() const {
    return base_.to_string() + "/" + std::to_string(prefix_);
}

}  // namespace confab
