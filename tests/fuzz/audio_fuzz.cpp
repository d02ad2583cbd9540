// The audio formats a client or a file can hand us (audio/): WAV files,
// PCM16 little-endian bytes, G.711 codes, and the session's input decoder and
// output encoder fed in reads cut where the fuzzer chooses (its last bytes:
// a format, then up to 8 cuts; FuzzedDataProvider takes them from the end).
// Oracle: a parsed WAV has a positive rate and no more samples than its
// bytes hold, and written again it parses to the same audio; PCM16 bytes
// read and written again are the same bytes; G.711 decode(encode(x)) stays
// within the quantiser's step of x and re-encoding a decoded code is stable;
// the decoder's and encoder's output does not depend on where the reads were
// cut (docs/protocol.md, Audio formats).
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "audio/g711.hpp"
#include "audio/input_audio_decoder.hpp"
#include "audio/output_audio_encoder.hpp"
#include "audio/pcm.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {
using namespace confab::audio;

void check_wav(std::span<const std::byte> bytes) {
    WavAudio wav;
    if (parse_wav(bytes, wav)) return;
    FUZZ_CHECK(wav.sample_rate > 0);
    FUZZ_CHECK(wav.samples.size() <= bytes.size() / 2);
    WavAudio again;
    FUZZ_CHECK(!parse_wav(wav_bytes(wav.samples, wav.sample_rate), again));
    FUZZ_CHECK(again.sample_rate == wav.sample_rate && again.samples == wav.samples);
}

void check_pcm16(std::span<const std::byte> bytes) {
    std::vector<std::int16_t> samples;
    const std::size_t used = append_samples_from_le_bytes(bytes, samples);
    FUZZ_CHECK(used == bytes.size() / 2 * 2 && samples.size() == used / 2);
    std::vector<std::byte> again;
    append_le_bytes_from_samples(samples, again);
    FUZZ_CHECK(std::equal(again.begin(), again.end(), bytes.begin(), bytes.begin() + used));
}

// How far G.711 may move a sample: a step of its segment (the step is at
// most a sixteenth of the magnitude, plus the bias of the small segments),
// or what clipping at the codec's largest value takes off.
int g711_bound(g711::Law law, int magnitude) {
    const int clip = law == g711::Law::mu ? 32124 : 32256;
    return std::max((magnitude + 132) / 16 + 8, magnitude - clip + 1024);
}

void check_g711(g711::Law law, std::span<const std::byte> bytes) {
    std::vector<std::int16_t> decoded;
    g711::decode(law, bytes, decoded);
    FUZZ_CHECK(decoded.size() == bytes.size());
    std::vector<std::byte> codes;
    g711::encode(law, decoded, codes);
    std::vector<std::int16_t> again;
    g711::decode(law, codes, again);
    FUZZ_CHECK(again == decoded);

    std::vector<std::int16_t> samples;
    append_samples_from_le_bytes(bytes, samples);
    codes.clear();
    g711::encode(law, samples, codes);
    again.clear();
    g711::decode(law, codes, again);
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const int error = std::abs(static_cast<int>(again[i]) - samples[i]);
        FUZZ_CHECK(error <= g711_bound(law, std::abs(static_cast<int>(samples[i]))));
    }
}

// Cuts `bytes` at `cuts` (sorted offsets), keeping whole samples.
template <class Element, class Feed>
void in_reads(std::span<const Element> all, const std::vector<std::size_t>& cuts, Feed feed) {
    std::size_t from = 0;
    for (std::size_t i = 0; i <= cuts.size(); ++i) {
        const std::size_t to = i < cuts.size() ? std::max(from, cuts[i]) : all.size();
        feed(all.subspan(from, to - from), i == cuts.size());
        from = to;
    }
}

void check_streams(AudioFormat format, std::span<const std::byte> bytes,
                   std::vector<std::size_t> cuts) {
    const bool pcm = format == AudioFormat::pcm16_24k;
    if (pcm) bytes = bytes.first(bytes.size() / 2 * 2);
    for (auto& cut : cuts)
        cut = bytes.empty() ? 0 : cut % (bytes.size() + 1) / (pcm ? 2 : 1) * (pcm ? 2 : 1);
    std::sort(cuts.begin(), cuts.end());

    const auto decode = [&](const std::vector<std::size_t>& at) {
        InputAudioDecoder decoder(format);
        std::vector<std::int16_t> out;
        in_reads(bytes, at, [&](std::span<const std::byte> read, bool) {
            FUZZ_CHECK(decoder.whole_samples(read.size()));
            decoder.decode(read, out);
        });
        decoder.flush(out);
        return out;
    };
    const std::vector<std::int16_t> pcm24k = decode({});
    FUZZ_CHECK(decode(cuts) == pcm24k);

    const auto encode = [&](const std::vector<std::size_t>& at) {
        OutputAudioEncoder encoder(format);
        std::vector<std::byte> out;
        in_reads(
            std::span<const std::int16_t>(pcm24k), at,
            [&](std::span<const std::int16_t> read, bool end) { encoder.encode(read, end, out); });
        return out;
    };
    std::vector<std::size_t> sample_cuts;
    for (const auto cut : cuts) sample_cuts.push_back(std::min(cut, pcm24k.size()));
    FUZZ_CHECK(encode(sample_cuts) == encode({}));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider input(data, size);
    const auto format =
        input.PickValueInArray({AudioFormat::pcm16_24k, AudioFormat::pcmu, AudioFormat::pcma});
    const int count = input.ConsumeIntegralInRange<int>(0, 8);
    std::vector<std::size_t> cuts;
    for (int i = 0; i < count; ++i) cuts.push_back(input.ConsumeIntegral<std::uint16_t>());
    const std::vector<std::uint8_t> payload = input.ConsumeRemainingBytes<std::uint8_t>();
    const auto bytes = std::as_bytes(std::span(payload));

    check_wav(bytes);
    check_pcm16(bytes);
    check_g711(g711::Law::mu, bytes);
    check_g711(g711::Law::a, bytes);
    check_streams(format, bytes, cuts);
    return 0;
}
