// PCM16 helpers: little-endian byte conversion and a small WAV reader/writer.
//
// Free functions without shared state; safe from any thread. The WAV functions
// do blocking file I/O, so they belong to tests, benchmarks and start-up, not
// to an I/O thread.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <system_error>
#include <vector>

namespace confab::audio {

// Appends the samples encoded in `bytes` (PCM16 little-endian) to `out`.
// Returns the number of bytes consumed: always even, so a streaming caller
// keeps an odd trailing byte for the next chunk instead of losing it.
std::size_t append_samples_from_le_bytes(std::span<const std::byte> bytes,
                                         std::vector<std::int16_t>& out);

// Appends `samples` to `out` as PCM16 little-endian bytes.
void append_le_bytes_from_samples(std::span<const std::int16_t> samples,
                                  std::vector<std::byte>& out);

struct WavAudio {
    std::vector<std::int16_t> samples;  // mono
    int sample_rate = 0;
};

// Reads a RIFF/WAVE file holding 16-bit PCM, mono or stereo (downmixed by
// averaging), at any rate. Errors: std::errc::no_such_file_or_directory or
// io_error when it cannot be read, errc::invalid_argument when it is not such
// a WAV file.
std::error_code read_wav(const std::filesystem::path& path, WavAudio& out);
// The same from the file's bytes (read_wav reads the file, then parses it
// here; the fuzz harness calls it directly).
std::error_code parse_wav(std::span<const std::byte> bytes, WavAudio& out);

// Writes mono 16-bit PCM as a canonical 44-byte-header WAV file; returns
// std::errc::io_error when the file cannot be written.
std::error_code write_wav(const std::filesystem::path& path, std::span<const std::int16_t> samples,
                          int sample_rate);
// The bytes of that file.
std::vector<std::byte> wav_bytes(std::span<const std::int16_t> samples, int sample_rate);

}  // namespace confab::audio
