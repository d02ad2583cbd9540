#include "store/session_store.hpp"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace confab::store {

std::string SessionStore::new_token() {
    std::array<unsigned char, 16> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        // Never fall back to a weaker generator: a guessable token would hand
        // one user's conversation to another.
        throw std::runtime_error("RAND_bytes failed: no resume token");
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string token;
    token.reserve(bytes.size() * 2);
    for (const unsigned char b : bytes) {
        token += kHex[b >> 4];
        token += kHex[b & 0xF];
    }
    return token;
}

}  // namespace confab::store
