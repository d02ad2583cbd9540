#include "audio/g711.hpp"

#include <array>

namespace confab::audio::g711 {
namespace {

// mu-law: the 14-bit magnitude plus a bias of 33 puts every segment's start
// on a power of two, so the segment is the position of the highest bit.
constexpr int kUlawBias = 33;
constexpr int kUlawMax = 0x1FFF;  // the biased magnitude's ceiling: clips at +-32124

constexpr std::int16_t expand_ulaw(std::uint8_t code) {
    // Codes are sent inverted, so that silence is not a run of zero bytes.
    const int inverted = ~code & 0xFF;
    const int exponent = (inverted >> 4) & 0x07;
    const int mantissa = inverted & 0x0F;
    const int step = 4 << (exponent + 1);
    const int magnitude = (0x80 << exponent) + step * mantissa + step / 2 - 4 * kUlawBias;
    return static_cast<std::int16_t>(code & 0x80 ? magnitude : -magnitude);
}

constexpr std::int16_t expand_alaw(std::uint8_t code) {
    // Even bits are inverted on the wire (0x55), for the same reason.
    const int value = (code ^ 0x55) & 0x7F;
    const int exponent = value >> 4;
    int mantissa = value & 0x0F;
    if (exponent > 0) mantissa += 16;  // the implicit leading bit above segment 0
    mantissa = (mantissa << 4) + 8;    // the middle of the interval
    if (exponent > 1) mantissa <<= exponent - 1;
    return static_cast<std::int16_t>(code & 0x80 ? mantissa : -mantissa);
}

template <std::int16_t (*Expand)(std::uint8_t)>
constexpr std::array<std::int16_t, 256> table() {
    std::array<std::int16_t, 256> t{};
    for (int code = 0; code < 256; ++code) t[code] = Expand(static_cast<std::uint8_t>(code));
    return t;
}

// Decoding is a lookup: 256 entries each, computed at compile time.
constexpr auto kUlawTable = table<expand_ulaw>();
constexpr auto kAlawTable = table<expand_alaw>();

// The ones' complement (~x = -x - 1) keeps -32768 in range and makes the
// quantiser symmetric: x and -x-1 get the same magnitude.
constexpr int magnitude_of(std::int16_t sample) {
    return sample < 0 ? ~static_cast<int>(sample) : sample;
}

}  // namespace

std::uint8_t ulaw_from_linear(std::int16_t sample) {
    int biased = (magnitude_of(sample) >> 2) + kUlawBias;
    if (biased > kUlawMax) biased = kUlawMax;
    // The segment (1..8) is one more than the highest set bit above bit 5.
    int segment = 1;
    for (int rest = biased >> 6; rest != 0; rest >>= 1) ++segment;
    const int high = 8 - segment;
    const int low = 15 - ((biased >> segment) & 0x0F);
    int code = (high << 4) | low;
    if (sample >= 0) code |= 0x80;
    return static_cast<std::uint8_t>(code);
}

std::int16_t linear_from_ulaw(std::uint8_t code) {
    return kUlawTable[code];
}

std::uint8_t alaw_from_linear(std::int16_t sample) {
    int value = magnitude_of(sample) >> 4;  // 13-bit sign-magnitude: 0..2047
    if (value > 15) {
        // Segments 1..7 each double the step; the leading bit is implicit.
        int exponent = 1;
        while (value > 31) {
            value >>= 1;
            ++exponent;
        }
        value = (value - 16) + (exponent << 4);
    }
    if (sample >= 0) value |= 0x80;
    return static_cast<std::uint8_t>(value ^ 0x55);
}

std::int16_t linear_from_alaw(std::uint8_t code) {
    return kAlawTable[code];
}

void encode(Law law, std::span<const std::int16_t> samples, std::vector<std::byte>& out) {
    out.reserve(out.size() + samples.size());
    for (const std::int16_t s : samples) {
        out.push_back(
            static_cast<std::byte>(law == Law::mu ? ulaw_from_linear(s) : alaw_from_linear(s)));
    }
}

void decode(Law law, std::span<const std::byte> codes, std::vector<std::int16_t>& out) {
    const auto& t = law == Law::mu ? kUlawTable : kAlawTable;
    out.reserve(out.size() + codes.size());
    for (const std::byte c : codes) out.push_back(t[std::to_integer<std::uint8_t>(c)]);
}

}  // namespace confab::audio::g711
