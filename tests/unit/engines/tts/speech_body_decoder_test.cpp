// SpeechBodyDecoder: the bytes of a speech response, split anywhere, give the
// same samples; unusable WAV headers are refused with a reason.
#include "engines/tts/speech_body_decoder.hpp"

#include <gtest/gtest.h>

#include "fakes/fake_speech_wire.hpp"
#include "util/errors.hpp"

namespace confab::engines {
namespace {
using Format = SpeechBodyDecoder::Format;
namespace wire = test::fake_speech_wire;

const std::vector<std::int16_t> kSamples = {0, 1, -1, 32767, -32768, 258, -259, 1000};

std::vector<std::int16_t> decode_in_pieces(Format format, const std::string& body,
                                           std::size_t piece, int* rate = nullptr) {
    SpeechBodyDecoder decoder(format);
    std::vector<std::int16_t> out;
    for (std::size_t at = 0; at < body.size(); at += piece) {
        EXPECT_FALSE(decoder.feed(std::string_view(body).substr(at, piece), out))
            << decoder.message();
    }
    EXPECT_FALSE(decoder.finish()) << decoder.message();
    if (rate != nullptr) *rate = decoder.sample_rate();
    return out;
}

TEST(SpeechBodyDecoder, PcmSplitAnywhereKeepsEverySample) {
    const std::string body = wire::le_bytes(kSamples);
    for (std::size_t piece = 1; piece <= body.size(); ++piece) {
        SCOPED_TRACE(piece);
        EXPECT_EQ(decode_in_pieces(Format::pcm, body, piece), kSamples);
    }
    EXPECT_EQ(SpeechBodyDecoder(Format::pcm).sample_rate(), 24000);
}

TEST(SpeechBodyDecoder, StreamingWavSplitAnywhereGivesItsRateAndSamples) {
    const std::string body = wire::wav_header(22050) + wire::le_bytes(kSamples);
    for (std::size_t piece = 1; piece <= body.size(); ++piece) {
        SCOPED_TRACE(piece);
        int rate = 0;
        EXPECT_EQ(decode_in_pieces(Format::wav, body, piece, &rate), kSamples);
        EXPECT_EQ(rate, 22050);
    }
}

TEST(SpeechBodyDecoder, SizedDataChunkEndsTheAudioAndOtherChunksAreSkipped) {
    // A LIST chunk (odd size, padded) before the data, another after it.
    std::string header = wire::wav_header(16000, 16);
    const std::string list = std::string("LIST") + '\x03' + std::string(3, '\0') + "abc" + '\0';
    header.insert(36, list);
    const std::string body = header + wire::le_bytes(kSamples) + "LIST\x04\0\0\0junk";
    int rate = 0;
    EXPECT_EQ(decode_in_pieces(Format::wav, body, 7, &rate), kSamples);
    EXPECT_EQ(rate, 16000);
}

TEST(SpeechBodyDecoder, UnusableHeadersAreRefused) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {wire::wav_header(16000, 0xFFFFFFFFu, 2, 16), "channels"},
        {wire::wav_header(16000, 0xFFFFFFFFu, 1, 8), "bits"},
        {std::string("RIFX\0\0\0\0WAVEfmt ", 16), "RIFF"},
        {std::string("{\"error\": \"nope\"}"), "RIFF"},
    };
    for (const auto& [body, reason] : cases) {
        SCOPED_TRACE(reason);
        SpeechBodyDecoder decoder(Format::wav);
        std::vector<std::int16_t> out;
        EXPECT_EQ(decoder.feed(body, out), errc::bad_response);
        EXPECT_NE(decoder.message().find(reason), std::string::npos) << decoder.message();
        EXPECT_TRUE(out.empty());
        EXPECT_EQ(decoder.feed(wire::le_bytes(kSamples), out), errc::bad_response);  // stays failed
    }
    SpeechBodyDecoder truncated(Format::wav);
    std::vector<std::int16_t> out;
    EXPECT_FALSE(truncated.feed(wire::wav_header(16000).substr(0, 30), out));
    EXPECT_EQ(truncated.finish(), errc::bad_response);
}

}  // namespace
}  // namespace confab::engines
