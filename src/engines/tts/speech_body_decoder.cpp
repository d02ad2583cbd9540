#include "engines/tts/speech_body_decoder.hpp"

#include "util/errors.hpp"

namespace confab::engines {

namespace {

// A header with this much before its data chunk is not one we will stream.
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

std::uint32_t le32(std::string_view bytes, std::size_t at) {
    const auto b = [&](std::size_t i) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + i]));
    };
    return b(0) | b(1) << 8 | b(2) << 16 | b(3) << 24;
}

std::uint16_t le16(std::string_view bytes, std::size_t at) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[at]) |
                                      static_cast<unsigned char>(bytes[at + 1]) << 8);
}

}  // namespace

SpeechBodyDecoder::SpeechBodyDecoder(Format format)
    : state_(format == Format::wav ? State::header : State::data),
      rate_(format == Format::wav ? 0 : kPcmRate) {}

std::error_code SpeechBodyDecoder::fail(std::string message) {
    state_ = State::failed;
    message_ = std::move(message);
    return errc::bad_response;
}

std::error_code SpeechBodyDecoder::feed(std::string_view bytes, std::vector<std::int16_t>& out) {
    switch (state_) {
        case State::failed:
            return errc::bad_response;
        case State::trailer:
            return {};
        case State::data:
            append_data(bytes, out);
            return {};
        case State::header:
            break;
    }
    const std::size_t room = kMaxHeaderBytes + 1 - header_.size();
    header_.append(bytes.substr(0, room));
    if (const auto ec = parse_header(out)) return ec;
    // The header's parse consumed only what it held; anything past the bound
    // belongs to the data chunk (header_ was cut at the bound).
    if (state_ == State::data && bytes.size() > room) append_data(bytes.substr(room), out);
    return {};
}

// Walks the chunks gathered so far: RIFF/WAVE, then "fmt " (checked), any
// others skipped, up to "data". Waits for more bytes while a chunk header or
// the fmt chunk is incomplete.
std::error_code SpeechBodyDecoder::parse_header(std::vector<std::int16_t>& out) {
    const std::string_view bytes = header_;
    if (bytes.size() < 12) return {};
    if (bytes.substr(0, 4) != "RIFF" || bytes.substr(8, 4) != "WAVE") {
        return fail("the WAV body does not start with a RIFF/WAVE header");
    }
    bool have_format = false;
    std::size_t at = 12;
    while (at + 8 <= bytes.size()) {
        const std::string_view id = bytes.substr(at, 4);
        const std::uint32_t size = le32(bytes, at + 4);
        const std::size_t body = at + 8;
        if (id == "data") {
            if (!have_format) return fail("the WAV body has a data chunk before its fmt chunk");
            sized_data_ = size != 0 && size != 0xFFFFFFFFu;
            data_left_ = size;
            state_ = State::data;
            const std::string rest(bytes.substr(body));
            header_.clear();
            append_data(rest, out);
            return {};
        }
        if (id == "fmt ") {
            if (size < 16) return fail("the WAV fmt chunk is too short");
            if (body + 16 > bytes.size()) return {};
            const std::uint16_t format = le16(bytes, body);
            const std::uint16_t channels = le16(bytes, body + 2);
            const std::uint32_t rate = le32(bytes, body + 4);
            const std::uint16_t bits = le16(bytes, body + 14);
            // 0xFFFE is WAVE_FORMAT_EXTENSIBLE, which PCM encoders also write.
            if (format != 1 && format != 0xFFFE) {
                return fail("the WAV audio is not PCM (format " + std::to_string(format) + ")");
            }
            if (channels != 1) {
                return fail("the WAV audio has " + std::to_string(channels) +
                            " channels; only mono is accepted");
            }
            if (bits != 16) {
                return fail("the WAV audio has " + std::to_string(bits) +
                            " bits per sample; only 16 is accepted");
            }
            if (rate < 1000 || rate > 384000) {
                return fail("the WAV sample rate " + std::to_string(rate) + " is implausible");
            }
            rate_ = static_cast<int>(rate);
            have_format = true;
        }
        at = body + size + (size & 1u);  // chunks are padded to even sizes
    }
    if (bytes.size() > kMaxHeaderBytes) return fail("the WAV header has no data chunk in 64 KiB");
    return {};
}

void SpeechBodyDecoder::append_data(std::string_view bytes, std::vector<std::int16_t>& out) {
    if (sized_data_) {
        if (bytes.size() >= data_left_) {
            bytes = bytes.substr(0, static_cast<std::size_t>(data_left_));
            state_ = State::trailer;
        }
        data_left_ -= bytes.size();
    }
    std::size_t i = 0;
    if (has_odd_byte_ && !bytes.empty()) {
        const auto low = static_cast<unsigned char>(odd_byte_);
        const auto high = static_cast<unsigned char>(bytes[0]);
        out.push_back(static_cast<std::int16_t>(static_cast<std::uint16_t>(low | high << 8)));
        has_odd_byte_ = false;
        i = 1;
    }
    for (; i + 1 < bytes.size(); i += 2) {
        const auto low = static_cast<unsigned char>(bytes[i]);
        const auto high = static_cast<unsigned char>(bytes[i + 1]);
        out.push_back(static_cast<std::int16_t>(static_cast<std::uint16_t>(low | high << 8)));
    }
    if (i < bytes.size()) {
        odd_byte_ = bytes[i];
        has_odd_byte_ = true;
    }
}

std::error_code SpeechBodyDecoder::finish() {
    if (state_ == State::failed) return errc::bad_response;
    if (state_ == State::header) return fail("the WAV body ended inside its header");
    return {};
}

}  // namespace confab::engines
