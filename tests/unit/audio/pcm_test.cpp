#include "audio/pcm.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/test_audio.hpp"
#include "util/errors.hpp"

namespace confab::audio {
namespace {

std::filesystem::path temp_file(const std::string& name) {
    return std::filesystem::temp_directory_path() /
           ("confab_pcm_test_" + std::to_string(::getpid()) + "_" + name);
}

TEST(Pcm, BytesAreLittleEndian) {
    const std::vector<std::int16_t> samples = {0x0102, -2, 32767, -32768};
    std::vector<std::byte> bytes;
    append_le_bytes_from_samples(samples, bytes);
    ASSERT_EQ(bytes.size(), 8u);
    EXPECT_EQ(bytes[0], std::byte{0x02});
    EXPECT_EQ(bytes[1], std::byte{0x01});
    EXPECT_EQ(bytes[2], std::byte{0xFE});
    EXPECT_EQ(bytes[3], std::byte{0xFF});

    std::vector<std::int16_t> back;
    EXPECT_EQ(append_samples_from_le_bytes(bytes, back), 8u);
    EXPECT_EQ(back, samples);
}

TEST(Pcm, AnOddTrailingByteIsLeftForTheNextChunk) {
    const std::vector<std::byte> bytes = {std::byte{1}, std::byte{0}, std::byte{7}};
    std::vector<std::int16_t> out;
    EXPECT_EQ(append_samples_from_le_bytes(bytes, out), 2u);
    EXPECT_EQ(out, std::vector<std::int16_t>{1});
}

TEST(Wav, RoundTripsSamplesAndRate) {
    const auto path = temp_file("round.wav");
    const auto samples = test::white_noise(22050, 30000, 3);
    ASSERT_FALSE(write_wav(path, samples, 22050));
    WavAudio wav;
    ASSERT_FALSE(read_wav(path, wav));
    EXPECT_EQ(wav.sample_rate, 22050);
    EXPECT_EQ(wav.samples, samples);
    std::filesystem::remove(path);
}

TEST(Wav, DownmixesStereoByAveraging) {
    // A hand-made stereo file: left = 1000, right = 3000 in every frame.
    std::vector<std::int16_t> interleaved;
    for (int i = 0; i < 100; ++i) interleaved.insert(interleaved.end(), {1000, 3000});
    const auto path = temp_file("stereo.wav");
    ASSERT_FALSE(write_wav(path, interleaved, 8000));
    {
        // Patch the header to 2 channels: block align 4, byte rate doubled.
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        const char channels[2] = {2, 0};
        const char block_align[2] = {4, 0};
        const std::uint32_t byte_rate = 8000 * 4;
        f.seekp(22).write(channels, 2);
        f.seekp(28).write(reinterpret_cast<const char*>(&byte_rate), 4);  // little-endian host
        f.seekp(32).write(block_align, 2);
    }
    WavAudio wav;
    ASSERT_FALSE(read_wav(path, wav));
    EXPECT_EQ(wav.samples, std::vector<std::int16_t>(100, 2000));
    std::filesystem::remove(path);
}

TEST(Wav, ReadsTheSharedRecordings) {
    const auto wav = test::load_shared_wav("jfk.wav");
    EXPECT_EQ(wav.sample_rate, 16000);
    EXPECT_NEAR(static_cast<double>(wav.samples.size()) / wav.sample_rate, 11.0, 0.01);
}

TEST(Wav, ReportsMissingAndMalformedFiles) {
    WavAudio wav;
    EXPECT_EQ(read_wav("/nonexistent/file.wav", wav),
              std::make_error_code(std::errc::no_such_file_or_directory));
    const auto path = temp_file("bad.wav");
    std::ofstream(path) << "RIFF....WAVEnot a real file";
    EXPECT_EQ(read_wav(path, wav), make_error_code(errc::invalid_argument));
    std::filesystem::remove(path);
}

}  // namespace
}  // namespace confab::audio
