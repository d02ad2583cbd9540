#include "audio/resampler.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "support/test_audio.hpp"

namespace confab::audio {
namespace {

using test::sine;
using test::tone_frequency;

// Streams `in` through `r` in 20 ms chunks, then flushes.
std::vector<std::int16_t> resample_stream(Resampler& r, const std::vector<std::int16_t>& in) {
    std::vector<std::int16_t> out;
    const auto chunk = static_cast<std::size_t>(r.in_rate() / 50);
    for (std::size_t i = 0; i < in.size(); i += chunk) {
        r.process(std::span(in).subspan(i, std::min(chunk, in.size() - i)), out);
    }
    r.flush(out);
    return out;
}

struct RatePair {
    int in;
    int out;
};

class ResamplerRates : public ::testing::TestWithParam<RatePair> {};

TEST_P(ResamplerRates, KeepsDurationAndToneFrequency) {
    const auto [in_rate, out_rate] = GetParam();
    Resampler r(in_rate, out_rate);
    const auto out = resample_stream(r, sine(in_rate, 1000, 2.0, 8000));

    // Duration: 2 s in, 2 s out, within 1%.
    EXPECT_NEAR(static_cast<double>(out.size()), 2.0 * out_rate, 0.01 * 2.0 * out_rate);
    // Frequency: a wrong rate anywhere would move the tone by the rate ratio
    // (1.5x for 24k/16k); measure away from the filter's edges.
    const auto middle = std::span(out).subspan(out.size() / 4, out.size() / 2);
    EXPECT_NEAR(tone_frequency(middle, out_rate), 1000.0, 5.0);
    // Amplitude survives: the tone is far below either Nyquist frequency.
    EXPECT_NEAR(test::rms(middle), 8000 / std::sqrt(2.0), 8000 * 0.05);
}

INSTANTIATE_TEST_SUITE_P(Conversions, ResamplerRates,
                         ::testing::Values(RatePair{24000, 16000}, RatePair{16000, 24000},
                                           RatePair{48000, 16000}, RatePair{22050, 16000}),
                         [](const ::testing::TestParamInfo<RatePair>& p) {
                             return std::to_string(p.param.in) + "to" + std::to_string(p.param.out);
                         });

TEST(Resampler, EqualRatesPassSamplesThroughUnchanged) {
    Resampler r(16000, 16000);
    const auto in = test::white_noise(1234, 20000, 7);
    std::vector<std::int16_t> out;
    r.process(in, out);
    EXPECT_EQ(out, in);  // nothing held back either
    r.flush(out);
    EXPECT_EQ(out.size(), in.size());
}

TEST(Resampler, HoldsBackOnlyUntilFlush) {
    Resampler r(48000, 16000);
    const auto in = sine(48000, 440, 0.2, 8000);
    std::vector<std::int16_t> out;
    r.process(in, out);
    const std::size_t before_flush = out.size();
    EXPECT_LT(before_flush, 3200u);  // the filter keeps a tail...
    r.flush(out);
    EXPECT_NEAR(static_cast<double>(out.size()), 3200.0, 32.0);  // ...which flush returns
}

TEST(Resampler, IsReusableAfterFlushAndAfterReset) {
    Resampler r(24000, 16000);
    const auto in = sine(24000, 1000, 0.5, 8000);
    const auto first = resample_stream(r, in);
    const auto second = resample_stream(r, in);  // flush readied it for a new stream
    EXPECT_EQ(first, second);

    std::vector<std::int16_t> dropped;
    r.process(in, dropped);
    r.reset();  // e.g. barge-in: the held-back tail is discarded
    EXPECT_EQ(resample_stream(r, in), first);
}

TEST(Resampler, RejectsNonPositiveRates) {
    EXPECT_THROW(Resampler(0, 16000), std::invalid_argument);
    EXPECT_THROW(Resampler(16000, -1), std::invalid_argument);
}

}  // namespace
}  // namespace confab::audio
