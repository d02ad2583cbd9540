#include "net/client_credential.hpp"

#include <cctype>

namespace confab::net {
namespace http = boost::beast::http;

namespace {

// The token of `Bearer <token>`: the scheme is case-insensitive (RFC 7235
// 2.1), spaces around the token are not part of it. Empty if not Bearer.
std::string_view bearer_token(std::string_view value) {
    constexpr std::string_view kScheme = "bearer";
    if (value.size() <= kScheme.size() || (value[kScheme.size()] != ' ')) return {};
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(value[i])) != kScheme[i]) return {};
    }
    value.remove_prefix(kScheme.size());
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    return value;
}

}  // namespace

ClientCredential ClientCredential::from(const http::fields& headers,
                                        const SubprotocolOffer& offer) {
    const auto it = headers.find(http::field::authorization);
    if (it != headers.end()) {
        const auto token = bearer_token(it->value());
        if (!token.empty()) return {Source::bearer, std::string(token)};
    }
    if (offer.api_key()) return {Source::subprotocol, *offer.api_key()};
    return {};
}

std::string_view ClientCredential::source_name() const {
    switch (source_) {
        case Source::bearer:
            return "bearer";
        case Source::subprotocol:
            return "subprotocol";
        case Source::none:
            break;
    }
    return "none";
}

}  // namespace confab::net
