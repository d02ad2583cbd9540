// G.711 against known vectors: the decoding tables of ITU-T G.191's
// reference software (the same as Sun's g711.c), codes of known inputs, the
// quantisation error bound over every 16-bit input, and clipping.
#include "audio/g711.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>

namespace confab::audio::g711 {
namespace {

constexpr int kMin = std::numeric_limits<std::int16_t>::min();
constexpr int kMax = std::numeric_limits<std::int16_t>::max();

std::int16_t s16(int v) {
    return static_cast<std::int16_t>(v);
}

TEST(G711Test, UlawEncodesKnownValues) {
    EXPECT_EQ(ulaw_from_linear(0), 0xFF);  // +0: codes are sent inverted
    EXPECT_EQ(ulaw_from_linear(1), 0xFF);
    EXPECT_EQ(ulaw_from_linear(100), 0xF2);
    EXPECT_EQ(ulaw_from_linear(1000), 0xCE);
    EXPECT_EQ(ulaw_from_linear(8159), 0x9F);
    EXPECT_EQ(ulaw_from_linear(32124), 0x80);
    EXPECT_EQ(ulaw_from_linear(kMax), 0x80);
    // Negative inputs by their ones' complement (G.191): -1 is -0, like +0 is 0.
    EXPECT_EQ(ulaw_from_linear(-1), 0x7F);
    EXPECT_EQ(ulaw_from_linear(-101), 0x72);
    EXPECT_EQ(ulaw_from_linear(-1001), 0x4E);
    EXPECT_EQ(ulaw_from_linear(s16(kMin)), 0x00);
}

TEST(G711Test, UlawDecodesTheReferenceTable) {
    // The first entries of the table, the zeros, the smallest steps and the peaks.
    const std::pair<int, int> known[] = {
        {0x00, -32124}, {0x01, -31100}, {0x0F, -16764}, {0x10, -15996}, {0x7E, -8},
        {0x7F, 0},      {0x80, 32124},  {0x8F, 16764},  {0xFE, 8},      {0xFF, 0}};
    for (const auto& [code, value] : known)
        EXPECT_EQ(linear_from_ulaw(static_cast<std::uint8_t>(code)), value) << code;
    // The two halves mirror each other.
    for (int code = 0; code < 128; ++code)
        EXPECT_EQ(linear_from_ulaw(static_cast<std::uint8_t>(code)),
                  -linear_from_ulaw(static_cast<std::uint8_t>(code | 0x80)));
}

TEST(G711Test, AlawEncodesKnownValues) {
    EXPECT_EQ(alaw_from_linear(0), 0xD5);  // even bits inverted on the wire
    EXPECT_EQ(alaw_from_linear(1), 0xD5);
    EXPECT_EQ(alaw_from_linear(-1), 0x55);
    EXPECT_EQ(alaw_from_linear(100), 0xD3);
    EXPECT_EQ(alaw_from_linear(-100), 0x53);
    EXPECT_EQ(alaw_from_linear(1000), 0xFA);
    EXPECT_EQ(alaw_from_linear(-1000), 0x7A);
    EXPECT_EQ(alaw_from_linear(kMax), 0xAA);
    EXPECT_EQ(alaw_from_linear(s16(kMin)), 0x2A);
}

TEST(G711Test, AlawDecodesTheReferenceTable) {
    const std::pair<int, int> known[] = {{0x00, -5504}, {0x01, -5248},  {0x02, -6016},
                                         {0x08, -7552}, {0x2A, -32256}, {0x55, -8},
                                         {0x80, 5504},  {0xAA, 32256},  {0xD5, 8}};
    for (const auto& [code, value] : known)
        EXPECT_EQ(linear_from_alaw(static_cast<std::uint8_t>(code)), value) << code;
    for (int code = 0; code < 128; ++code)
        EXPECT_EQ(linear_from_alaw(static_cast<std::uint8_t>(code)),
                  -linear_from_alaw(static_cast<std::uint8_t>(code | 0x80)));
}

// Every code's value encodes back to that code (mu-law has two zeros: -0
// decodes to 0, which is +0).
TEST(G711Test, EveryReconstructionLevelEncodesToItsCode) {
    for (int code = 0; code < 256; ++code) {
        const auto c = static_cast<std::uint8_t>(code);
        EXPECT_EQ(alaw_from_linear(linear_from_alaw(c)), c) << code;
        if (code != 0x7F) {
            EXPECT_EQ(ulaw_from_linear(linear_from_ulaw(c)), c) << code;
        }
    }
}

// The decoded value is the middle of the input's quantisation interval, so
// the error is at most half a step of the segment: mu-law steps are
// 8 << exponent (16-bit units), A-law's 16 in segments 0 and 1, then doubling.
TEST(G711Test, RoundTripErrorIsAtMostHalfAStepOverEveryInput) {
    int previous_ulaw = kMin;
    int previous_alaw = kMin;
    for (int x = kMin; x <= kMax; ++x) {
        const auto u = ulaw_from_linear(s16(x));
        const int u_exponent = ((~u) >> 4) & 0x07;
        const int u_value = linear_from_ulaw(u);
        // Beyond the top decision level (+-32635) mu-law clips.
        if (std::abs(x) <= 32635) {
            ASSERT_LE(std::abs(u_value - x), 4 << u_exponent) << x;
        }
        const auto a = alaw_from_linear(s16(x));
        const int a_exponent = ((a ^ 0x55) & 0x7F) >> 4;
        const int a_value = linear_from_alaw(a);
        ASSERT_LE(std::abs(a_value - x), 8 << std::max(0, a_exponent - 1)) << x;
        // Quantisation never reverses the order of two inputs.
        ASSERT_GE(u_value, previous_ulaw) << x;
        ASSERT_GE(a_value, previous_alaw) << x;
        previous_ulaw = u_value;
        previous_alaw = a_value;
    }
}

TEST(G711Test, LoudInputsClipToTheLargestCode) {
    for (int x = 32636; x <= kMax; ++x) {
        ASSERT_EQ(ulaw_from_linear(s16(x)), 0x80) << x;
        ASSERT_EQ(ulaw_from_linear(s16(-x - 1)), 0x00) << x;
    }
    EXPECT_EQ(linear_from_ulaw(ulaw_from_linear(s16(kMax))), 32124);
    EXPECT_EQ(linear_from_alaw(alaw_from_linear(s16(kMax))), 32256);
    EXPECT_EQ(linear_from_alaw(alaw_from_linear(s16(kMin))), -32256);
}

TEST(G711Test, BufferFunctionsMatchTheSampleFunctions) {
    const std::vector<std::int16_t> samples{0, -1, 100, -100, 1000, -1000, 32767, -32768};
    for (const Law law : {Law::mu, Law::a}) {
        std::vector<std::byte> codes{std::byte{0x42}};  // appended to, not replaced
        encode(law, samples, codes);
        ASSERT_EQ(codes.size(), samples.size() + 1);
        std::vector<std::int16_t> decoded{7};
        decode(law, std::span(codes).subspan(1), decoded);
        ASSERT_EQ(decoded.size(), samples.size() + 1);
        for (std::size_t i = 0; i < samples.size(); ++i) {
            const auto code = std::to_integer<std::uint8_t>(codes[i + 1]);
            EXPECT_EQ(code,
                      law == Law::mu ? ulaw_from_linear(samples[i]) : alaw_from_linear(samples[i]));
            EXPECT_EQ(decoded[i + 1],
                      law == Law::mu ? linear_from_ulaw(code) : linear_from_alaw(code));
        }
    }
}

}  // namespace
}  // namespace confab::audio::g711
