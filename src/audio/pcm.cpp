#include "audio/pcm.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <string_view>

#include "util/errors.hpp"

namespace confab::audio {
namespace {

std::uint16_t read_u16(const std::byte* p) {
    return static_cast<std::uint16_t>(std::to_integer<unsigned>(p[0]) |
                                      (std::to_integer<unsigned>(p[1]) << 8));
}

std::uint32_t read_u32(const std::byte* p) {
    return static_cast<std::uint32_t>(read_u16(p)) |
           (static_cast<std::uint32_t>(read_u16(p + 2)) << 16);
}

void put_u16(std::vector<std::byte>& out, std::uint32_t v) {
    out.push_back(static_cast<std::byte>(v & 0xff));
    out.push_back(static_cast<std::byte>((v >> 8) & 0xff));
}

void put_u32(std::vector<std::byte>& out, std::uint32_t v) {
    put_u16(out, v & 0xffff);
    put_u16(out, v >> 16);
}

void put_tag(std::vector<std::byte>& out, std::string_view tag) {
    for (const char c : tag) out.push_back(static_cast<std::byte>(c));
}

bool tag_is(const std::byte* p, std::string_view tag) {
    return std::memcmp(p, tag.data(), 4) == 0;
}

constexpr std::uint16_t kFormatPcm = 1;
// WAVE_FORMAT_EXTENSIBLE: some tools write PCM this way; the first two bytes
// of its sub-format GUID then repeat the real format tag.
constexpr std::uint16_t kFormatExtensible = 0xFFFE;

}  // namespace

std::size_t append_samples_from_le_bytes(std::span<const std::byte> bytes,
                                         std::vector<std::int16_t>& out) {
    const std::size_t n = bytes.size() / 2;
    out.reserve(out.size() + n);
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(static_cast<std::int16_t>(read_u16(bytes.data() + 2 * i)));
    }
    return n * 2;
}

void append_le_bytes_from_samples(std::span<const std::int16_t> samples,
                                  std::vector<std::byte>& out) {
    out.reserve(out.size() + samples.size() * 2);
    for (const std::int16_t s : samples) put_u16(out, static_cast<std::uint16_t>(s));
}

std::error_code read_wav(const std::filesystem::path& path, WavAudio& out) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return std::make_error_code(std::errc::no_such_file_or_directory);
    std::error_code size_error;
    const auto file_size = std::filesystem::file_size(path, size_error);
    if (size_error) return size_error;
    std::vector<std::byte> bytes(static_cast<std::size_t>(file_size));
    if (!file.read(reinterpret_cast<char*>(bytes.data()),
                   static_cast<std::streamsize>(bytes.size()))) {
        return std::make_error_code(std::errc::io_error);
    }
    return parse_wav(bytes, out);
}

std::error_code parse_wav(std::span<const std::byte> data, WavAudio& out) {
    if (data.size() < 12 || !tag_is(data.data(), "RIFF") || !tag_is(data.data() + 8, "WAVE")) {
        return errc::invalid_argument;
    }

    int channels = 0;
    int rate = 0;
    bool have_format = false;
    std::size_t pos = 12;
    while (pos + 8 <= data.size()) {
        const std::byte* chunk = data.data() + pos;
        const std::size_t size = read_u32(chunk + 4);
        const std::size_t body = pos + 8;
        // Streaming writers leave the data size at 0 or 0xFFFFFFFF: take what is there.
        const std::size_t available = std::min(size, data.size() - body);
        if (tag_is(chunk, "fmt ")) {
            if (available < 16) return errc::invalid_argument;
            std::uint16_t format = read_u16(chunk + 8);
            if (format == kFormatExtensible && available >= 26) format = read_u16(chunk + 8 + 24);
            channels = read_u16(chunk + 10);
            rate = static_cast<int>(read_u32(chunk + 12));
            const int bits = read_u16(chunk + 22);
            if (format != kFormatPcm || bits != 16 || channels < 1 || channels > 2 || rate <= 0) {
                return errc::invalid_argument;
            }
            have_format = true;
        } else if (tag_is(chunk, "data")) {
            if (!have_format) return errc::invalid_argument;
            const std::size_t frames = available / (2 * static_cast<std::size_t>(channels));
            out.sample_rate = rate;
            out.samples.clear();
            out.samples.reserve(frames);
            for (std::size_t i = 0; i < frames; ++i) {
                const std::byte* frame = data.data() + body + i * 2 * channels;
                int sum = 0;
                for (int c = 0; c < channels; ++c) {
                    sum += static_cast<std::int16_t>(read_u16(frame + 2 * c));
                }
                out.samples.push_back(static_cast<std::int16_t>(sum / channels));
            }
            return {};
        }
        // Chunks are padded to an even size.
        pos = body + size + (size & 1);
    }
    return errc::invalid_argument;
}

std::error_code write_wav(const std::filesystem::path& path, std::span<const std::int16_t> samples,
                          int sample_rate) {
    if (sample_rate <= 0) return errc::invalid_argument;
    const std::vector<std::byte> out = wav_bytes(samples, sample_rate);
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (!file) return std::make_error_code(std::errc::io_error);
    file.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size()));
    if (!file.flush()) return std::make_error_code(std::errc::io_error);
    return {};
}

std::vector<std::byte> wav_bytes(std::span<const std::int16_t> samples, int sample_rate) {
    const auto data_bytes = static_cast<std::uint32_t>(samples.size() * 2);
    std::vector<std::byte> out;
    out.reserve(44 + data_bytes);
    put_tag(out, "RIFF");
    put_u32(out, 36 + data_bytes);
    put_tag(out, "WAVE");
    put_tag(out, "fmt ");
    put_u32(out, 16);
    put_u16(out, kFormatPcm);
    put_u16(out, 1);  // mono
    put_u32(out, static_cast<std::uint32_t>(sample_rate));
    put_u32(out, static_cast<std::uint32_t>(sample_rate) * 2);  // byte rate
    put_u16(out, 2);                                            // block align
    put_u16(out, 16);                                           // bits per sample
    put_tag(out, "data");
    put_u32(out, data_bytes);
    append_le_bytes_from_samples(samples, out);
    return out;
}

}  // namespace confab::audio
