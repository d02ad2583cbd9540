// The input side of the session's audio formats: PCM16 read as it is, G.711
// expanded and brought to 24 kHz by one streaming resampler.
#include "audio/input_audio_decoder.hpp"

#include <gtest/gtest.h>

#include "audio/g711.hpp"
#include "audio/pcm.hpp"
#include "support/test_audio.hpp"

namespace confab::audio {
namespace {

using test::rms;
using test::sine;
using test::tone_frequency;

// `pcm8k` as the client sends it in `format`.
std::vector<std::byte> wire(AudioFormat format, const std::vector<std::int16_t>& pcm8k) {
    std::vector<std::byte> out;
    g711::encode(format == AudioFormat::pcmu ? g711::Law::mu : g711::Law::a, pcm8k, out);
    return out;
}

// Decodes `bytes` in chunks of `chunk` bytes, then flushes.
std::vector<std::int16_t> decode_chunked(InputAudioDecoder& d, const std::vector<std::byte>& bytes,
                                         std::size_t chunk) {
    std::vector<std::int16_t> out;
    for (std::size_t i = 0; i < bytes.size(); i += chunk)
        d.decode(std::span(bytes).subspan(i, std::min(chunk, bytes.size() - i)), out);
    d.flush(out);
    return out;
}

TEST(InputAudioDecoder, ReadsPcm16AsItIs) {
    InputAudioDecoder d;
    EXPECT_EQ(d.format(), AudioFormat::pcm16_24k);
    const std::vector<std::int16_t> samples{0, 1, -1, 32767, -32768, 1234};
    std::vector<std::byte> bytes;
    append_le_bytes_from_samples(samples, bytes);
    EXPECT_TRUE(d.whole_samples(bytes.size()));
    EXPECT_FALSE(d.whole_samples(3));
    EXPECT_EQ(d.duration_ms(4800), 100);
    std::vector<std::int16_t> out;
    d.decode(bytes, out);
    EXPECT_EQ(out, samples);  // nothing held back: no resampler
}

class G711Input : public ::testing::TestWithParam<AudioFormat> {};

TEST_P(G711Input, GivesThe24kHzToneWithItsLengthAndLevel) {
    InputAudioDecoder d(GetParam());
    EXPECT_TRUE(d.whole_samples(3));  // one byte per sample
    EXPECT_EQ(d.duration_ms(800), 100);
    const auto tone = sine(8000, 440.0, 1.0, 8000.0);
    const auto out = decode_chunked(d, wire(GetParam(), tone), 160);  // 20 ms appends
    EXPECT_NEAR(static_cast<double>(out.size()), 24000.0, 24.0);
    EXPECT_NEAR(tone_frequency(out, 24000), 440.0, 1.0);
    // Within 0.2 dB of the original (G.711's quantisation noise is ~-38 dB).
    EXPECT_NEAR(rms(std::span(out).subspan(2400, 19200)) / rms(tone), 1.0, 0.025);
}

// The resampler is one stream for the session: how the client cut the audio
// into appends does not change a sample.
TEST_P(G711Input, ChunkBoundariesDoNotChangeTheAudio) {
    const auto bytes = wire(GetParam(), sine(8000, 300.0, 0.5, 6000.0));
    InputAudioDecoder whole(GetParam());
    InputAudioDecoder small(GetParam());
    InputAudioDecoder odd(GetParam());
    const auto a = decode_chunked(whole, bytes, bytes.size());
    EXPECT_EQ(decode_chunked(small, bytes, 160), a);
    EXPECT_EQ(decode_chunked(odd, bytes, 37), a);
}

TEST_P(G711Input, HoldsBackOnlyUntilFlushedAndResetDropsIt) {
    InputAudioDecoder d(GetParam());
    const auto bytes = wire(GetParam(), sine(8000, 300.0, 0.1, 6000.0));
    std::vector<std::int16_t> out;
    d.decode(bytes, out);
    EXPECT_LT(out.size(), 2400u);            // soxr holds back a block or two...
    EXPECT_GT(out.size(), 2400u - 24 * 80);  // ...under 80 ms of audio
    d.flush(out);
    EXPECT_NEAR(static_cast<double>(out.size()), 2400.0, 3.0);

    std::vector<std::int16_t> dropped;
    d.decode(bytes, dropped);
    d.reset();
    std::vector<std::int16_t> after;
    d.flush(after);
    EXPECT_TRUE(after.empty());
}

// Changing the format delivers what the old one held back, then reads the new one.
TEST_P(G711Input, ChangingTheFormatDeliversTheHeldBackEnd) {
    InputAudioDecoder d(GetParam());
    std::vector<std::int16_t> out;
    d.decode(wire(GetParam(), sine(8000, 300.0, 0.1, 6000.0)), out);
    d.set_format(AudioFormat::pcm16_24k, out);
    EXPECT_NEAR(static_cast<double>(out.size()), 2400.0, 3.0);
    EXPECT_EQ(d.format(), AudioFormat::pcm16_24k);
    const std::vector<std::int16_t> pcm{5, -5};
    std::vector<std::byte> bytes;
    append_le_bytes_from_samples(pcm, bytes);
    std::vector<std::int16_t> next;
    d.decode(bytes, next);
    EXPECT_EQ(next, pcm);
    // And back: a fresh stream, nothing left of the first.
    d.set_format(GetParam(), next);
    EXPECT_EQ(next, pcm);
    std::vector<std::int16_t> tail;
    d.flush(tail);
    EXPECT_TRUE(tail.empty());
}

INSTANTIATE_TEST_SUITE_P(Laws, G711Input, ::testing::Values(AudioFormat::pcmu, AudioFormat::pcma));

}  // namespace
}  // namespace confab::audio
