// ITU-T G.711 companding of 16-bit linear samples: mu-law (audio/pcmu, North
// America and Japan) and A-law (audio/pcma, elsewhere), as ITU-T G.191's
// reference software does it: an input is reduced to the codec's 14-bit
// (mu-law) or 13-bit (A-law) linear range, negative values by their ones'
// complement, so x and -x-1 share a code; decoding gives the middle of the
// code's quantisation interval, scaled back to 16 bits.
//
// Pure functions without shared state; safe from any thread.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace confab::audio::g711 {

std::uint8_t ulaw_from_linear(std::int16_t sample);
std::int16_t linear_from_ulaw(std::uint8_t code);
std::uint8_t alaw_from_linear(std::int16_t sample);
std::int16_t linear_from_alaw(std::uint8_t code);

enum class Law { mu, a };

// Appends one code per sample to `out`.
void encode(Law law, std::span<const std::int16_t> samples, std::vector<std::byte>& out);
// Appends one sample per code to `out`.
void decode(Law law, std::span<const std::byte> codes, std::vector<std::int16_t>& out);

}  // namespace confab::audio::g711
