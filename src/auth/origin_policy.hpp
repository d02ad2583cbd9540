// Which web pages may open a WebSocket to us (cross-site WebSocket hijacking:
// a page on another site must not ride on a browser's reach or cookies).
//
// Browsers always send Origin on a WebSocket handshake; programs (SDKs,
// servers) usually send none, and are let through here — with auth on they
// need a credential like anyone. This server's own origin (the request's
// Host: the bundled page) is always allowed; beyond it, the origins listed in
// auth.allowed_origins, or, when that is empty, localhost ones. "*" allows
// every origin.
// Immutable after construction; any thread.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace confab::auth {

class OriginPolicy {
public:
    // `allowed`: comma-separated origins, e.g. "https://app.example.com, http://localhost:5173".
    explicit OriginPolicy(std::string_view allowed);

    // `origin`: the Origin header ("" when absent); `host`: the Host header.
    bool allows(std::string_view origin, std::string_view host) const;
    // "scheme://host[:port]" lower-cased without a trailing slash; "" if it is not one.
    static std::string normalise(std::string_view origin);

private:
    std::vector<std::string> allowed_;
    bool any_ = false;
};

}  // namespace confab::auth
