#include "loadgen/audio_library.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <span>

#include "audio/pcm.hpp"
#include "audio/resampler.hpp"
#include "util/base64.hpp"

namespace confab::bench {
namespace {

std::string append_event(std::span<const std::int16_t> samples) {
    std::vector<std::byte> bytes;
    audio::append_le_bytes_from_samples(samples, bytes);
    const std::span<const std::uint8_t> raw(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                            bytes.size());
    boost::json::object event{{"type", "input_audio_buffer.append"},
                              {"audio", base64::encode(raw)}};
    return boost::json::serialize(event);
}

}  // namespace

double frame_dbfs(std::span<const std::int16_t> frame) {
    double sum = 0;
    for (const auto s : frame) sum += static_cast<double>(s) * s;
    const double rms = std::sqrt(sum / static_cast<double>(std::max<std::size_t>(frame.size(), 1)));
    return 20 * std::log10(std::max(rms, 1e-3) / 32768.0);
}

// A frame is speech when it stands well above the recording's noise floor
// (its 10th-percentile frame level) and within 35 dB of its loudest frame.
// LibriVox readings have a -45 dBFS floor, so a fixed threshold would call
// all of them speech.
double voiced_threshold(std::vector<double> levels) {
    std::sort(levels.begin(), levels.end());
    const double floor = levels[levels.size() / 10];
    return std::max(floor + 15.0, levels.back() - 35.0);
}

AudioLibrary::AudioLibrary() {
    const std::vector<std::int16_t> zeros(kFrameSamples, 0);
    silence_frame_ = append_event(zeros);
}

std::error_code AudioLibrary::add_file(const std::filesystem::path& path) {
    audio::WavAudio wav;
    if (auto ec = audio::read_wav(path, wav)) return ec;
    std::vector<std::int16_t> pcm;
    audio::Resampler resampler(wav.sample_rate, kRate);
    resampler.process(wav.samples, pcm);
    resampler.flush(pcm);
    return add_samples(path.filename().string(), std::move(pcm));
}

std::error_code AudioLibrary::add_samples(std::string name, std::vector<std::int16_t> pcm) {
    if (pcm.size() < kFrameSamples) return std::make_error_code(std::errc::invalid_argument);
    pcm.resize(pcm.size() / kFrameSamples * kFrameSamples);  // whole frames only

    Utterance utt;
    utt.name = std::move(name);
    std::vector<double> levels;
    for (std::size_t i = 0; i < pcm.size(); i += kFrameSamples) {
        const std::span<const std::int16_t> frame(pcm.data() + i, kFrameSamples);
        utt.frames.push_back(append_event(frame));
        levels.push_back(frame_dbfs(frame));
    }
    const double threshold = voiced_threshold(levels);
    const auto voiced = [&](double level) { return level > threshold; };
    utt.first_voiced = static_cast<std::size_t>(std::find_if(levels.begin(), levels.end(), voiced) -
                                                levels.begin());
    utt.last_voiced = levels.size() - 1 -
                      static_cast<std::size_t>(
                          std::find_if(levels.rbegin(), levels.rend(), voiced) - levels.rbegin());
    if (utt.first_voiced == levels.size()) {  // no frame stands out: all of it counts as speech
        utt.first_voiced = 0;
        utt.last_voiced = levels.size() - 1;
    }
    utterances_.push_back(std::move(utt));
    return {};
}

std::size_t AudioLibrary::add_folder(const std::filesystem::path& dir) {
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.path().extension() == ".wav") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    std::size_t added = 0;
    for (const auto& f : files) added += add_file(f) ? 0 : 1;
    return added;
}

}  // namespace confab::bench
