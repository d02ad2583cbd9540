#include "net/subprotocol_offer.hpp"

#include <algorithm>

namespace confab::net {
namespace http = boost::beast::http;

namespace {

constexpr std::string_view kApiKeyPrefix = "openai-insecure-api-key.";
constexpr std::string_view kAgentsSdkPrefix = "openai-agents-sdk.";
constexpr std::string_view kBetaRealtimeV1 = "openai-beta.realtime-v1";

std::string_view trim(std::string_view s) {
    const auto space = [](char c) { return c == ' ' || c == '\t'; };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

// RFC 6455 4.1: a subprotocol is an HTTP token (RFC 7230 3.2.6). Anything
// else cannot name a protocol, so it counts as unknown.
bool is_token(std::string_view s) {
    constexpr std::string_view kSeparators = "()<>@,;:\\\"/[]?={} \t";
    return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7f && kSeparators.find(c) == std::string_view::npos;
    });
}

}  // namespace

SubprotocolOffer SubprotocolOffer::parse(const http::fields& headers) {
    SubprotocolOffer offer;
    const auto [first, last] = headers.equal_range(http::field::sec_websocket_protocol);
    for (auto it = first; it != last; ++it) offer.add(it->value());
    return offer;
}

void SubprotocolOffer::add(std::string_view header_value) {
    // A list may hold empty elements ("a, , b"); RFC 7230 7 says to ignore them.
    while (!header_value.empty()) {
        const auto comma = header_value.find(',');
        add_protocol(trim(header_value.substr(0, comma)));
        if (comma == std::string_view::npos) break;
        header_value.remove_prefix(comma + 1);
    }
}

void SubprotocolOffer::add_protocol(std::string_view protocol) {
    if (protocol.empty()) return;
    ++offered_;
    if (!is_token(protocol)) {
        ++unknown_;
    } else if (protocol == kRealtime) {
        realtime_ = true;
    } else if (protocol == kBetaRealtimeV1) {
        beta_realtime_v1_ = true;
    } else if (protocol.starts_with(kApiKeyPrefix)) {
        // An empty key is no credential; a second key does not replace the first.
        const auto key = protocol.substr(kApiKeyPrefix.size());
        if (!api_key_ && !key.empty()) api_key_ = std::string(key);
    } else if (protocol.starts_with(kAgentsSdkPrefix)) {
        if (!agents_sdk_version_)
            agents_sdk_version_ = std::string(protocol.substr(kAgentsSdkPrefix.size()));
    } else {
        ++unknown_;
    }
}

}  // namespace confab::net
