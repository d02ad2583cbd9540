// Client secrets, OpenAI-style ("ek_…"): short-lived credentials a backend
// mints with its API key and hands to a browser, which cannot keep a key.
//
// A secret is self-contained and signed: "ek_" + base64url(claims) + "." +
// base64url(HMAC-SHA256(signing key, "ek_" + base64url(claims))). The claims
// (JSON) name the minting key (kid), its user, the issue and expiry times, a
// random id, and the `session` configuration sessions opened with it start
// from. Any node holding the same signing key verifies it without shared
// state; revoking or removing the minting key revokes its secrets.
#pragma once
#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace confab::auth {

struct ClientSecretClaims {
    std::string key_id;
    std::string user;
    std::int64_t issued_at = 0;   // Unix seconds
    std::int64_t expires_at = 0;  // Unix seconds
    std::string secret_id;        // random, names the secret in audits
    boost::json::object session;  // the starting session configuration
};

// Bounds of expires_after.seconds, as OpenAI's API.
inline constexpr int kMinSecretSeconds = 10;
inline constexpr int kMaxSecretSeconds = 7200;
inline constexpr int kDefaultSecretSeconds = 600;
// A secret travels in a header (or subprotocol): it must stay well inside
// the server's header limit.
inline constexpr std::size_t kMaxSecretBytes = 8192;

std::string mint_client_secret(const ClientSecretClaims& claims, std::string_view signing_key);

// Why a presented secret is refused.
enum class SecretProblem { none, malformed, bad_signature, expired };
struct VerifiedSecret {
    SecretProblem problem = SecretProblem::malformed;
    ClientSecretClaims claims;  // valid when problem is none (or expired)
};
// Checks the form and the signature (in constant time), then the expiry
// against `now` (Unix seconds).
VerifiedSecret verify_client_secret(std::string_view value, std::string_view signing_key,
                                    std::int64_t now);

inline bool looks_like_client_secret(std::string_view value) {
    return value.substr(0, 3) == "ek_";
}

}  // namespace confab::auth
