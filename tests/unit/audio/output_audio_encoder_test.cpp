// The output side of the session's audio formats: PCM16 as it is, G.711
// after one streaming resampler brings the reply to 8 kHz.
#include "audio/output_audio_encoder.hpp"

#include <gtest/gtest.h>

#include "audio/g711.hpp"
#include "audio/pcm.hpp"
#include "support/test_audio.hpp"

namespace confab::audio {
namespace {

using test::rms;
using test::sine;
using test::tone_frequency;

// Encodes `pcm24k` in deltas of `chunk` samples, the last one ending the stream.
std::vector<std::byte> encode_chunked(OutputAudioEncoder& e, const std::vector<std::int16_t>& pcm,
                                      std::size_t chunk) {
    std::vector<std::byte> out;
    for (std::size_t i = 0; i < pcm.size(); i += chunk) {
        const std::size_t n = std::min(chunk, pcm.size() - i);
        e.encode(std::span(pcm).subspan(i, n), i + n == pcm.size(), out);
    }
    return out;
}

std::vector<std::int16_t> decode(AudioFormat format, const std::vector<std::byte>& bytes) {
    std::vector<std::int16_t> out;
    g711::decode(format == AudioFormat::pcmu ? g711::Law::mu : g711::Law::a, bytes, out);
    return out;
}

TEST(OutputAudioEncoder, WritesPcm16LittleEndian) {
    OutputAudioEncoder e;
    const std::vector<std::int16_t> samples{0, 1, -1, 0x1234};
    std::vector<std::byte> out;
    e.encode(samples, false, out);
    ASSERT_EQ(out.size(), 8u);  // nothing held back
    EXPECT_EQ(out[6], std::byte{0x34});
    EXPECT_EQ(out[7], std::byte{0x12});
}

class G711Output : public ::testing::TestWithParam<AudioFormat> {};

TEST_P(G711Output, GivesThe8kHzToneWithItsLengthAndLevel) {
    OutputAudioEncoder e(GetParam());
    const auto tone = sine(24000, 440.0, 1.0, 8000.0);
    const auto bytes = encode_chunked(e, tone, 2400);             // ~100 ms deltas
    EXPECT_NEAR(static_cast<double>(bytes.size()), 8000.0, 8.0);  // one byte per 8 kHz sample
    const auto pcm = decode(GetParam(), bytes);
    EXPECT_NEAR(tone_frequency(pcm, 8000), 440.0, 1.0);
    EXPECT_NEAR(rms(std::span(pcm).subspan(800, 6400)) / rms(tone), 1.0, 0.025);
}

// What 8 kHz cannot carry is filtered out, not folded back as an alias.
TEST_P(G711Output, RemovesWhatIsAbove4kHz) {
    OutputAudioEncoder e(GetParam());
    const auto pcm = decode(GetParam(), encode_chunked(e, sine(24000, 6000.0, 0.5, 8000.0), 2400));
    const auto tone = sine(24000, 6000.0, 0.5, 8000.0);
    EXPECT_LT(rms(std::span(pcm).subspan(400, 3200)), rms(tone) / 100);  // below -40 dB
}

TEST_P(G711Output, DeltaBoundariesDoNotChangeTheAudio) {
    const auto tone = sine(24000, 300.0, 0.5, 6000.0);
    OutputAudioEncoder whole(GetParam());
    OutputAudioEncoder deltas(GetParam());
    OutputAudioEncoder odd(GetParam());
    const auto a = encode_chunked(whole, tone, tone.size());
    EXPECT_EQ(encode_chunked(deltas, tone, 2400), a);
    EXPECT_EQ(encode_chunked(odd, tone, 1001), a);
}

// A piece's end flushes: the next piece is a new stream, encoded as if alone.
TEST_P(G711Output, EachPieceEndsWholeAndTheNextStartsFresh) {
    const auto tone = sine(24000, 300.0, 0.1, 6000.0);
    OutputAudioEncoder e(GetParam());
    std::vector<std::byte> first;
    e.encode(tone, false, first);
    EXPECT_LT(first.size(), 800u);  // the filter's delay is held back
    e.encode({}, true, first);
    EXPECT_NEAR(static_cast<double>(first.size()), 800.0, 2.0);
    std::vector<std::byte> second;
    e.encode(tone, true, second);
    EXPECT_EQ(second, first);
}

INSTANTIATE_TEST_SUITE_P(Laws, G711Output, ::testing::Values(AudioFormat::pcmu, AudioFormat::pcma));

}  // namespace
}  // namespace confab::audio
