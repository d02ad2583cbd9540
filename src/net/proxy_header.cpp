#include "net/proxy_header.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <string>
#include <vector>

#include "util/ip_network.hpp"

namespace confab::net {
namespace ip = boost::asio::ip;

namespace {

constexpr std::string_view kV1Prefix = "PROXY ";
constexpr std::size_t kV1MaxLine = 107;  // the spec's bound, CRLF included
constexpr std::string_view kV2Signature("\r\n\r\n\0\r\nQUIT\n", 12);
constexpr std::size_t kV2FixedBytes = 16;

ProxyHeader invalid() {
    return {ProxyHeader::Status::invalid, 0, std::nullopt};
}

// Whether `data` and `prefix` agree on their common length.
bool agrees_with(std::string_view data, std::string_view prefix) {
    const auto n = std::min(data.size(), prefix.size());
    return data.substr(0, n) == prefix.substr(0, n);
}

bool parse_port(std::string_view text) {
    unsigned port = 0;
    const auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), port);
    return !text.empty() && err == std::errc{} && end == text.data() + text.size() && port <= 65535;
}

std::vector<std::string_view> split_spaces(std::string_view line) {
    std::vector<std::string_view> fields;
    while (!line.empty()) {
        const auto space = line.find(' ');
        fields.push_back(line.substr(0, space));
        if (space == std::string_view::npos) break;
        line.remove_prefix(space + 1);
    }
    return fields;
}

// "PROXY TCP4 src dst sport dport\r\n" (single spaces, as the spec writes).
ProxyHeader parse_v1(std::string_view data) {
    const auto eol = data.find("\r\n");
    if (eol == std::string_view::npos) return data.size() < kV1MaxLine ? ProxyHeader{} : invalid();
    if (eol + 2 > kV1MaxLine) return invalid();
    const auto fields = split_spaces(data.substr(kV1Prefix.size(), eol - kV1Prefix.size()));
    ProxyHeader header{ProxyHeader::Status::complete, eol + 2, std::nullopt};
    if (!fields.empty() && fields[0] == "UNKNOWN") return header;  // the rest is to be ignored
    if (fields.size() != 5 || (fields[0] != "TCP4" && fields[0] != "TCP6")) return invalid();
    boost::system::error_code ec;
    const auto source = ip::make_address(std::string(fields[1]), ec);
    if (ec) return invalid();
    const auto destination = ip::make_address(std::string(fields[2]), ec);
    if (ec) return invalid();
    const bool v4 = fields[0] == "TCP4";
    if (source.is_v4() != v4 || destination.is_v4() != v4) return invalid();
    if (!parse_port(fields[3]) || !parse_port(fields[4])) return invalid();
    header.source = normalize(source);
    return header;
}

ProxyHeader parse_v2(std::string_view data) {
    if (data.size() < kV2FixedBytes) return {};
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(data[i]); };
    const unsigned version = byte(12) >> 4, command = byte(12) & 0x0F;
    const unsigned family = byte(13) >> 4, protocol = byte(13) & 0x0F;
    const std::size_t length = (std::size_t{byte(14)} << 8) | byte(15);
    if (version != 2 || command > 1 || family > 3 || protocol > 2) return invalid();
    const std::size_t total = kV2FixedBytes + length;
    if (total > kMaxProxyHeaderBytes) return invalid();
    if (data.size() < total) return {};
    ProxyHeader header{ProxyHeader::Status::complete, total, std::nullopt};
    // LOCAL (0): the proxy's own connection; UNSPEC or UNIX: no IP to take.
    if (command == 0 || family == 0 || family == 3) return header;
    const std::size_t address_bytes = family == 1 ? 12 : 36;
    if (length < address_bytes) return invalid();
    const auto* at = reinterpret_cast<const unsigned char*>(data.data()) + kV2FixedBytes;
    if (family == 1) {
        ip::address_v4::bytes_type v4{};
        std::copy(at, at + v4.size(), v4.begin());
        header.source = ip::address_v4(v4);
    } else {
        ip::address_v6::bytes_type v6{};
        std::copy(at, at + v6.size(), v6.begin());
        header.source = normalize(ip::address_v6(v6));
    }
    return header;
}

}  // namespace

ProxyHeader parse_proxy_header(std::string_view data) {
    if (data.empty()) return {};
    if (agrees_with(data, kV1Prefix)) {
        if (data.size() < kV1Prefix.size()) return {};
        return parse_v1(data);
    }
    if (agrees_with(data, kV2Signature)) {
        if (data.size() < kV2Signature.size()) return {};
        return parse_v2(data);
    }
    return invalid();
}

bool starts_like_proxy_header(std::string_view data) {
    return data.starts_with(kV1Prefix) || data.starts_with(kV2Signature);
}

}  // namespace confab::net
