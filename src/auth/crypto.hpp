// The few cryptographic primitives authentication needs, over OpenSSL:
// SHA-256 (API keys are stored as their hash), HMAC-SHA256 (client secrets are
// signed), PBKDF2-HMAC-SHA256 (login passwords are stored slowly hashed), a
// CSPRNG, constant-time comparison and unpadded base64url (RFC 4648 §5),
// which is what a token may carry inside an HTTP header or a subprotocol.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace confab::auth {

std::string sha256(std::string_view data);                             // 32 raw bytes
std::string hmac_sha256(std::string_view key, std::string_view data);  // 32 raw bytes
std::string pbkdf2_sha256(std::string_view password, std::string_view salt, int iterations,
                          std::size_t length = 32);
std::string random_bytes(std::size_t count);  // throws std::runtime_error if the CSPRNG fails

// Time depends only on the lengths, never on where the first difference is.
bool constant_time_equal(std::string_view a, std::string_view b);

std::string to_hex(std::string_view bytes);
std::optional<std::string> from_hex(std::string_view hex);  // nullopt unless even-length hex

std::string base64url_encode(std::string_view bytes);  // no padding
// nullopt unless `text` is unpadded base64url with no stray bits.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace confab::auth
