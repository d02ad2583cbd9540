// Standard base64 (RFC 4648, with padding), as the Realtime API carries audio.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace confab::base64 {

std::string encode(std::span<const std::uint8_t> bytes);
// Returns nullopt unless `text` is well-formed base64 (padding optional,
// no whitespace or foreign characters).
std::optional<std::vector<std::uint8_t>> decode(std::string_view text);

}  // namespace confab::base64
