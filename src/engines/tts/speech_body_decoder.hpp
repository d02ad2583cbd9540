// Turns the body of an /audio/speech response into PCM16 samples as its
// bytes arrive, split anywhere: raw `pcm` (24 kHz s16le mono, OpenAI's
// format) or a `wav` stream whose RIFF header is parsed incrementally
// (16-bit PCM mono only; the rate is the header's) before its data chunk is
// streamed. An odd byte at the end of one piece is kept for the next.
//
// A streaming server cannot know the data chunk's length when it writes the
// header: a size of 0 or 0xFFFFFFFF means "to the end of the body"; any other
// size is respected and what follows the data chunk is skipped.
//
// Ownership and threads: a plain value, one per response; not thread-safe.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace confab::engines {

class SpeechBodyDecoder {
public:
    enum class Format { pcm, wav };
    static constexpr int kPcmRate = 24000;

    explicit SpeechBodyDecoder(Format format);

    // Appends the samples `bytes` completes to `out`. errc::bad_response once
    // the WAV header is unusable (message() says why); the decoder then stays
    // failed.
    std::error_code feed(std::string_view bytes, std::vector<std::int16_t>& out);
    // At the body's end: errc::bad_response if a WAV header never completed.
    std::error_code finish();

    // 0 until a WAV header has given the rate.
    int sample_rate() const { return rate_; }
    const std::string& message() const { return message_; }

private:
    std::error_code parse_header(std::vector<std::int16_t>& out);
    std::error_code fail(std::string message);
    void append_data(std::string_view bytes, std::vector<std::int16_t>& out);

    enum class State { header, data, trailer, failed };
    State state_;
    int rate_ = 0;
    std::string header_;  // WAV bytes before the data chunk (bounded)
    bool sized_data_ = false;
    std::uint64_t data_left_ = 0;  // when sized_data_
    bool has_odd_byte_ = false;
    char odd_byte_ = 0;
    std::string message_;
};

}  // namespace confab::engines
